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

    @Override
    void close();

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
