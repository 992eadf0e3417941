package io.participantsync.core;

import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.ProviderError;
import java.time.Instant;

/**
 * What the state store keeps of one source row for crash safety: its write-ahead mark (its provider call is about to
 * go out, {@code outcome} still {@code null}), then its final outcome, enough to re-emit that outcome in a later batch
 * of the same source without calling the provider again. Holds no field values; the messages are the redacted ones
 * of the report.
 *
 * @param outcome    the final outcome, or {@code null} while the row is only marked
 * @param deadLetter the dead letter written for it (rejected and failed), or {@code null}
 * @param marked     whether a write-ahead mark of the row was made durable before its outcome (the outcome then
 *                   replaces that mark)
 */
public record Checkpoint(String sourceId, long row, Outcome outcome, String connection, String category,
        String message, int httpStatus, String providerCode, String providerMessage, int attempts,
        String deadLetter, String batchId, Instant recordedAt, boolean marked) {

    /** A checkpoint of an outcome that replaced no mark. */
    public Checkpoint(String sourceId, long row, Outcome outcome, String connection, String category,
            String message, int httpStatus, String providerCode, String providerMessage, int attempts,
            String deadLetter, String batchId, Instant recordedAt) {
        this(sourceId, row, outcome, connection, category, message, httpStatus, providerCode, providerMessage,
                attempts, deadLetter, batchId, recordedAt, false);
    }

    /** The write-ahead mark of a row whose call on {@code connection} is about to be sent. */
    public static Checkpoint mark(String sourceId, long row, String connection, String batchId, Instant now) {
        return new Checkpoint(sourceId, row, null, connection, null, null, 0, null, null, 0, null, batchId, now, true);
    }

    /** The checkpoint of an outcome just recorded; {@code marked} when the row's mark was made durable before. */
    public static Checkpoint of(DeliveryOutcome o, String providerMessage, String deadLetter, String batchId,
            Instant now, boolean marked) {
        ParticipantUpdate u = o.update();
        ProviderError e = o.error();
        return new Checkpoint(u.source().sourceId(), u.source().row(), o.outcome(), o.connection(), o.category(),
                o.message(), e == null ? 0 : e.status(), e == null ? null : e.code(), providerMessage, o.attempts(),
                deadLetter, batchId, now, marked);
    }

    /** A mark without an outcome: the row's call may have reached the provider before the process stopped. */
    public boolean inDoubt() {
        return outcome == null;
    }

    /** The provider error it recorded, or {@code null}. */
    public ProviderError error() {
        if (httpStatus <= 0 && providerCode == null && providerMessage == null) {
            return null;
        }
        return new ProviderError(httpStatus, providerCode, providerMessage);
    }
}
