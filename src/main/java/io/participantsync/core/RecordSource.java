package io.participantsync.core;

import io.participantsync.model.ParticipantUpdate;
import java.util.Iterator;
import java.util.List;

/**
 * A stream of canonical records handed to the core by an edge (a CSV file, an HTTP body, a queue message), plus
 * notes about the input as a whole (an empty file, a parse stop) that belong in the batch report.
 */
public interface RecordSource extends Iterator<ParticipantUpdate>, AutoCloseable {

    List<String> notes();

    /**
     * Why the source could not be read (a sync job's query or export failed), or null: a batch whose source failed
     * is reported {@code failed} with this reason.
     */
    default String failure() {
        return null;
    }

    /** A source that could not be read at all: no records, and the reason. */
    static RecordSource failed(String reason) {
        return new RecordSource() {
            @Override
            public boolean hasNext() {
                return false;
            }

            @Override
            public ParticipantUpdate next() {
                throw new java.util.NoSuchElementException("the source could not be read: " + reason);
            }

            @Override
            public List<String> notes() {
                return List.of();
            }

            @Override
            public String failure() {
                return reason;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    void close();

    /**
     * The source ids this stream's records are checkpointed under (see {@link Checkpoints}): the core looks for
     * earlier checkpoints of each when the batch opens. Empty when its records are not checkpointed, or carry ids
     * of their own it does not know in advance.
     */
    default List<String> sourceIds() {
        return List.of();
    }

    /**
     * This stream with every record checkpointed under {@code sourceId} (and its own row), except records that
     * already carry a source id of their own.
     */
    static RecordSource checkpointed(RecordSource records, String sourceId) {
        return new RecordSource() {
            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public ParticipantUpdate next() {
                ParticipantUpdate u = records.next();
                if (u.source() == null || u.source().sourceId() != null) {
                    return u;
                }
                return new ParticipantUpdate(u.provider(), u.connection(), u.fields(),
                        u.source().withSourceId(sourceId), u.problems());
            }

            @Override
            public List<String> notes() {
                return records.notes();
            }

            @Override
            public String failure() {
                return records.failure();
            }

            @Override
            public List<String> sourceIds() {
                List<String> ids = new java.util.ArrayList<>(records.sourceIds());
                ids.add(sourceId);
                return List.copyOf(new java.util.LinkedHashSet<>(ids));
            }

            @Override
            public void close() {
                records.close();
            }
        };
    }

    /** A fixed list of records (an HTTP body, a message). */
    static RecordSource of(List<ParticipantUpdate> records, List<String> notes) {
        Iterator<ParticipantUpdate> it = records.iterator();
        return new RecordSource() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public ParticipantUpdate next() {
                return it.next();
            }

            @Override
            public List<String> notes() {
                return notes;
            }

            @Override
            public void close() {
            }
        };
    }
}
