package io.trawl.job.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks signature (pure): {@code v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">}, one
 * per secret, space-separated, so that a receiver holding either secret verifies during a rotation.
 */
public final class WebhookSigner {

    private WebhookSigner() {
    }

    /** The {@code webhook-signature} header value for {@code body}, signed with each of {@code secrets}. */
    public static String signature(String messageId, long timestamp, byte[] body, List<String> secrets) {
        return secrets.stream().map(secret -> "v1," + sign(messageId, timestamp, body, secret))
                .collect(Collectors.joining(" "));
    }

    static String sign(String messageId, long timestamp, byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(WebhookSecret.key(secret), "HmacSHA256"));
            mac.update((messageId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
