package io.participantsync.intake;

import io.participantsync.core.RecordSource;
import io.participantsync.model.ParticipantUpdate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** Several CSV files read one after the other as one stream of records (the {@code sync} command's batch). */
public final class CsvFiles implements RecordSource {

    private final CsvRecordReader reader;
    private final Iterator<Path> files;
    private final List<String> notes = new ArrayList<>();
    private RecordStream current;
    private String currentName;

    public CsvFiles(CsvRecordReader reader, List<Path> files) {
        this.reader = reader;
        this.files = List.copyOf(files).iterator();
    }

    @Override
    public boolean hasNext() {
        while (current == null || !current.hasNext()) {
            closeCurrent();
            if (!files.hasNext()) {
                return false;
            }
            Path next = files.next();
            try {
                current = reader.open(next);
                currentName = next.getFileName().toString();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + next, e);
            }
        }
        return true;
    }

    @Override
    public ParticipantUpdate next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }

    @Override
    public List<String> notes() {
        return List.copyOf(notes);
    }

    @Override
    public void close() {
        closeCurrent();
    }

    private void closeCurrent() {
        if (current != null) {
            current.notes().forEach(n -> notes.add(currentName + ": " + n));
            current.close();
            current = null;
        }
    }
}
