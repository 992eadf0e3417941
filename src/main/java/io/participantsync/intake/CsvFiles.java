package io.participantsync.intake;

import io.participantsync.core.RecordSource;
import io.participantsync.model.ParticipantUpdate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.NoSuchElementException;

/**
 * Several CSV files read one after the other as one stream of records (the {@code sync} command's batch). When
 * checkpointed, each file's records carry the source id {@code sync:<sha256 of its content>}, so a run interrupted
 * by a crash and started again on the same files resumes where it stopped.
 */
public final class CsvFiles implements RecordSource {

    /** Prefix of the source ids of {@code sync} files. */
    public static final String SOURCE_ID_PREFIX = "sync:";

    private final CsvRecordReader reader;
    private final Iterator<Path> files;
    private final Iterator<String> ids;
    private final List<String> sourceIds;
    private final List<String> notes = new ArrayList<>();
    private RecordStream current;
    private String currentName;
    private String currentId;

    public CsvFiles(CsvRecordReader reader, List<Path> files) {
        this(reader, files, false);
    }

    /** @param checkpointed whether each file's records carry its content's source id */
    public CsvFiles(CsvRecordReader reader, List<Path> files, boolean checkpointed) {
        this.reader = reader;
        this.files = List.copyOf(files).iterator();
        List<String> list = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Path f : files) {
            if (!checkpointed) {
                list.add(null);
                continue;
            }
            String sha = CsvIntake.sha256(f);
            // the same file named twice in one run is two sources, not one resumed
            int n = seen.merge(sha, 1, Integer::sum);
            list.add(SOURCE_ID_PREFIX + sha + (n == 1 ? "" : ":" + n));
        }
        this.sourceIds = Collections.unmodifiableList(list);
        this.ids = list.iterator();
    }

    /** The source id of each file, in order (empty when not checkpointed). */
    @Override
    public List<String> sourceIds() {
        return sourceIds.stream().filter(Objects::nonNull).toList();
    }

    @Override
    public boolean hasNext() {
        while (current == null || !current.hasNext()) {
            closeCurrent();
            if (!files.hasNext()) {
                return false;
            }
            Path next = files.next();
            currentId = ids.next();
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
        ParticipantUpdate u = current.next();
        if (currentId == null) {
            return u;
        }
        return new ParticipantUpdate(u.provider(), u.connection(), u.fields(), u.source().withSourceId(currentId),
                u.problems());
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
