package io.participantsync.model;

import java.time.Instant;

/**
 * The one outcome event of one record: what happened, why (category and message for rejected/failed), the
 * provider's error if it answered with one, how many calls were attempted and when. An outcome re-emitted from a
 * checkpoint after a restart ({@code fromCheckpoint}) repeats the earlier outcome of that source row; no call was
 * made for it this time.
 *
 * @param connection     the connection used, or {@code null} when none could be resolved
 * @param category       for rejected/failed: {@code validation}, {@code provider}, {@code guard},
 *                       {@code authentication}, {@code transient} or {@code internal}; otherwise {@code null}
 * @param reconciliation for an {@code updated} outcome reached after a lost answer (see {@link Reconciliation});
 *                       otherwise {@code null}
 */
public record DeliveryOutcome(ParticipantUpdate update, String connection, Outcome outcome, String category,
        String message, ProviderError error, int attempts, Instant startedAt, Instant finishedAt,
        Reconciliation reconciliation, boolean fromCheckpoint) {

    /** An outcome reached in this run, with no reconciliation. */
    public DeliveryOutcome(ParticipantUpdate update, String connection, Outcome outcome, String category,
            String message, ProviderError error, int attempts, Instant startedAt, Instant finishedAt) {
        this(update, connection, outcome, category, message, error, attempts, startedAt, finishedAt, null, false);
    }

    /** An outcome reached in this run. */
    public DeliveryOutcome(ParticipantUpdate update, String connection, Outcome outcome, String category,
            String message, ProviderError error, int attempts, Instant startedAt, Instant finishedAt,
            Reconciliation reconciliation) {
        this(update, connection, outcome, category, message, error, attempts, startedAt, finishedAt, reconciliation,
                false);
    }

    /** An outcome with no reconciliation, re-emitted from a checkpoint when {@code fromCheckpoint}. */
    public DeliveryOutcome(ParticipantUpdate update, String connection, Outcome outcome, String category,
            String message, ProviderError error, int attempts, Instant startedAt, Instant finishedAt,
            boolean fromCheckpoint) {
        this(update, connection, outcome, category, message, error, attempts, startedAt, finishedAt, null,
                fromCheckpoint);
    }

    public boolean deadLettered() {
        return outcome == Outcome.REJECTED || outcome == Outcome.FAILED;
    }
}
