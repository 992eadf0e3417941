package io.participantsync.core;

import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.ProviderError;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The final outcome of one source row, as the state store keeps it for crash safety: enough to re-emit the same
 * outcome in a later batch of the same source without calling the provider again. Holds no field values; the
 * messages are the redacted ones of the report.
 *
 * @param deadLetter the dead letter written for it (rejected and failed), or {@code null}
 */
public record Checkpoint(String sourceId, long row, Outcome outcome, String connection, String category,
        String message, int httpStatus, String providerCode, String providerMessage, int attempts,
        String deadLetter, String batchId, Instant recordedAt) {

    /** The checkpoint of an outcome just recorded. */
    public static Checkpoint of(DeliveryOutcome o, String providerMessage, Path deadLetter, String batchId,
            Instant now) {
        ParticipantUpdate u = o.update();
        ProviderError e = o.error();
        return new Checkpoint(u.source().sourceId(), u.source().row(), o.outcome(), o.connection(), o.category(),
                o.message(), e == null ? 0 : e.status(), e == null ? null : e.code(), providerMessage, o.attempts(),
                deadLetter == null ? null : deadLetter.toString(), batchId, now);
    }

    /** The provider error it recorded, or {@code null}. */
    public ProviderError error() {
        if (httpStatus <= 0 && providerCode == null && providerMessage == null) {
            return null;
        }
        return new ProviderError(httpStatus, providerCode, providerMessage);
    }
}
