package io.trawl.job.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Our signatures against the Standard Webhooks reference verifier. */
class WebhookSignerTest {

    static final String BODY = "{\"jobId\":\"3f0c\",\"seq\":7,\"type\":\"job.completed\"}";

    static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(signature));
    }

    @Test
    void theReferenceLibraryVerifiesOurSignature() throws Exception {
        String secret = WebhookSecret.generate();
        long now = Instant.now().getEpochSecond();
        String signature = WebhookSigner.signature("job.7", now, BODY.getBytes(StandardCharsets.UTF_8), List.of(secret));
        assertThat(signature).startsWith("v1,");
        new Webhook(secret).verify(BODY, headers("job.7", now, signature));
        assertThat(signature).isEqualTo(new Webhook(secret).sign("job.7", now, BODY));
    }

    @Test
    void aTamperedBodyOrAnotherSecretFails() {
        String secret = WebhookSecret.generate();
        long now = Instant.now().getEpochSecond();
        String signature = WebhookSigner.signature("job.7", now, BODY.getBytes(StandardCharsets.UTF_8), List.of(secret));
        assertThatThrownBy(() -> new Webhook(secret).verify(BODY.replace('7', '8'), headers("job.7", now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> new Webhook(WebhookSecret.generate()).verify(BODY, headers("job.7", now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void duringARotationEitherSecretVerifies() throws Exception {
        String current = WebhookSecret.generate();
        String previous = WebhookSecret.generate();
        long now = Instant.now().getEpochSecond();
        String signature = WebhookSigner.signature("job.7", now, BODY.getBytes(StandardCharsets.UTF_8),
                List.of(current, previous));
        new Webhook(current).verify(BODY, headers("job.7", now, signature));
        new Webhook(previous).verify(BODY, headers("job.7", now, signature));
    }

    @Test
    void secretsAreWhsecWith32RandomBytes() {
        String secret = WebhookSecret.generate();
        assertThat(secret).startsWith("whsec_");
        assertThat(WebhookSecret.key(secret)).hasSize(32);
        assertThat(WebhookSecret.generate()).isNotEqualTo(secret);
    }
}
