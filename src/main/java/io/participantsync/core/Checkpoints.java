package io.participantsync.core;

import java.util.Optional;

/**
 * Where the core keeps the final outcome of every checkpointed record (one with a {@code Source.sourceId}): the
 * {@link Dispatcher} looks a record up before planning it, and the {@link OutcomeRecorder} saves its outcome right
 * after the outcome is final (its dead letter written). After a crash, rows that have a checkpoint are re-emitted
 * with their earlier outcome instead of being sent again.
 */
public interface Checkpoints {

    /** Keeps nothing: every record is planned afresh (the {@code validate} dry run, tests). */
    Checkpoints NONE = new Checkpoints() {
        @Override
        public Optional<Checkpoint> find(String sourceId, long row) {
            return Optional.empty();
        }

        @Override
        public void save(Checkpoint checkpoint) {
        }

        @Override
        public boolean exists(String sourceId) {
            return false;
        }
    };

    Optional<Checkpoint> find(String sourceId, long row);

    /**
     * Whether any row of {@code sourceId} has a checkpoint: when none has as its batch opens, the rows of that batch
     * need no look-up (see {@link Dispatcher#sourceOpened}). The default is the safe answer.
     */
    default boolean exists(String sourceId) {
        return true;
    }

    /** Saves a checkpoint; a second save of the same source row keeps the first (the first outcome stands). */
    void save(Checkpoint checkpoint);
}
