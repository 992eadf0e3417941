package io.participantsync.core;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where the core keeps, per checkpointed record (one with a {@code Source.sourceId}), a write-ahead mark before its
 * provider call goes out and its final outcome once it has one. The {@link Dispatcher} looks a record up before
 * planning it: a row with an outcome is re-emitted, a row with only a mark (its call may have been applied when the
 * process stopped) is reconciled before anything is sent again.
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
        public void mark(Checkpoint mark, Consumer<RuntimeException> done) {
            done.accept(null);
        }

        @Override
        public boolean exists(String sourceId) {
            return false;
        }
    };

    /** The row's outcome, or its mark ({@link Checkpoint#inDoubt()}), or empty when it has neither. */
    Optional<Checkpoint> find(String sourceId, long row);

    /**
     * Whether any row of {@code sourceId} has a checkpoint: when none has as its batch opens, the rows of that batch
     * need no look-up (see {@link Dispatcher#sourceOpened}). The default is the safe answer.
     */
    default boolean exists(String sourceId) {
        return true;
    }

    /** Saves an outcome; it replaces the row's mark, and a second outcome of the same row is ignored (the first stands). */
    void save(Checkpoint checkpoint);

    /**
     * Makes a row's write-ahead mark durable, then calls {@code done} with {@code null}, or with the failure when it
     * could not be saved (the call must then not be sent). {@code done} may run on another thread; it must not block.
     */
    void mark(Checkpoint mark, Consumer<RuntimeException> done);
}
