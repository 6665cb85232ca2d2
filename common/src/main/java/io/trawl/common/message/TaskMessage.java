package io.trawl.common.message;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.UUID;

/**
 * The body of a {@code trawl.tasks} message: "fetch this task's page". The database row is the truth;
 * a worker claims the task there (state, lease) before it fetches, so a duplicate message is harmless.
 *
 * @param attempt       how many attempts the task had made when it was dispatched
 * @param dispatchToken the token this dispatch wrote to the task row ({@code tasks.dispatch_token}); a claim
 *                      succeeds only while it is still the row's token, so a copy of an older dispatch is
 *                      dropped. Null in messages of a dispatcher older than the token (claimed as before).
 */
@RegisterForReflection
public record TaskMessage(long taskId, UUID jobId, String url, int depth, int attempt, Long dispatchToken) {
}
