package io.participantsync.core;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.deadletter.DeadLetterWriter;
import io.participantsync.deadletter.Redaction;
import io.participantsync.deadletter.SecureFiles;
import io.participantsync.model.CanonicalFields;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Open batches (a CSV file, a {@code sync} run, later an HTTP request): counts every outcome, streams each row's
 * outcome to a temporary file so memory stays flat, and on close writes the JSON batch report atomically and
 * finishes the batch's dead-letter CSVs. The report's {@code counts.received} is the sum of the four outcomes.
 */
public final class Batches {

    private final Clock clock;
    private final DeadLetterWriter deadLetters;
    private final Path workDir;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Batch> open = new ConcurrentHashMap<>();
    private final List<BatchListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Batches(Clock clock, DeadLetterWriter deadLetters, Path workDir) {
        this.clock = clock;
        this.deadLetters = deadLetters;
        this.workDir = workDir;
    }

    public void addListener(BatchListener listener) {
        listeners.add(listener);
    }

    /** Opens a batch; {@code reportFile} may be null (no report file is written). */
    public void open(String batchId, String sourceKind, String sourceName, Path reportFile,
            Consumer<DeliveryOutcome> listener) {
        try {
            SecureFiles.directories(workDir);
            // the id may come from a caller: only safe characters go into the file name
            String safeId = batchId.replaceAll("[^A-Za-z0-9._-]", "_");
            Path rows = Files.createTempFile(workDir, "batch-" + safeId + "-", ".rows.jsonl");
            open.put(batchId, new Batch(batchId, sourceKind, sourceName, reportFile, rows, clock.instant(),
                    listener == null ? o -> { } : listener));
            listeners.forEach(l -> l.opened(batchId, sourceKind, sourceName));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open batch " + batchId, e);
        }
    }

    public boolean isOpen(String batchId) {
        return open.containsKey(batchId);
    }

    /** Records one outcome of an open batch, with the dead letter written for it (or null). */
    public void record(String batchId, DeliveryOutcome outcome, String deadLetter) {
        Batch b = batch(batchId);
        b.record(outcome, deadLetter, json);
        Runnable done = b.counted();
        if (done != null) {
            done.run();
        }
    }

    /** One more record of the batch was handed over for delivery: the batch waits for its outcome. */
    public void handedOver(String batchId) {
        batch(batchId).handedOver();
    }

    /**
     * Reading the batch is done: {@code whenDone} runs once every record handed over has its outcome, at once (on
     * this thread) when they all have, else on the thread that records the last one.
     */
    public void whenAllRecorded(String batchId, Runnable whenDone) {
        Runnable now = batch(batchId).readingDone(whenDone);
        if (now != null) {
            now.run();
        }
    }

    private Batch batch(String batchId) {
        Batch b = open.get(batchId);
        if (b == null) {
            throw new IllegalStateException("batch " + batchId + " is not open");
        }
        return b;
    }

    /** Closes a batch whose source was read to its end: see {@link #close(String, List, String)}. */
    public BatchReport close(String batchId, List<String> notes) {
        return close(batchId, notes, null);
    }

    /**
     * Closes the batch: writes its report file (if any) and returns the summary; {@code failure} (or null) says why
     * its source could not be read to its end.
     */
    public BatchReport close(String batchId, List<String> notes, String failure) {
        Batch b = open.remove(batchId);
        if (b == null) {
            throw new IllegalStateException("batch " + batchId + " is not open");
        }
        try {
            b.rowsWriter.close();
            List<Path> rejectedCsv = deadLetters.closeBatch(batchId);
            BatchReport report = b.summary(clock.instant(), notes, rejectedCsv, failure);
            if (b.reportFile != null) {
                writeReport(report, b.rowsFile);
            }
            listeners.forEach(l -> l.closed(report));
            return report;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report of batch " + batchId, e);
        } finally {
            try {
                Files.deleteIfExists(b.rowsFile);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }

    private void writeReport(BatchReport r, Path rowsFile) throws IOException {
        JsonFactory factory = json.getFactory();
        SecureFiles.writeAtomically(r.reportFile(), out -> {
            try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8);
                    BufferedReader rows = Files.newBufferedReader(rowsFile, StandardCharsets.UTF_8)) {
                g.useDefaultPrettyPrinter();
                g.writeStartObject();
                g.writeStringField("batch_id", r.batchId());
                g.writeStringField("status", r.status());
                if (r.failure() != null) {
                    g.writeStringField("failure", r.failure());
                }
                g.writeObjectFieldStart("source");
                g.writeStringField("kind", r.sourceKind());
                g.writeStringField("name", r.sourceName());
                g.writeEndObject();
                g.writeStringField("started_at", r.startedAt().toString());
                g.writeStringField("finished_at", r.finishedAt().toString());
                g.writeObjectFieldStart("counts");
                g.writeNumberField("received", r.received());
                for (Outcome o : Outcome.values()) {
                    g.writeNumberField(o.label(), r.count(o));
                }
                g.writeEndObject();
                g.writeObjectFieldStart("by_provider");
                for (var e : r.byProvider().entrySet()) {
                    g.writeObjectFieldStart(e.getKey());
                    for (Outcome o : Outcome.values()) {
                        g.writeNumberField(o.label(), e.getValue().getOrDefault(o, 0L));
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
                g.writeArrayFieldStart("notes");
                for (String n : r.notes()) {
                    g.writeString(n);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("rejected_csv");
                for (Path p : r.rejectedCsvFiles()) {
                    g.writeString(p.toString());
                }
                g.writeEndArray();
                g.writeArrayFieldStart("rows");
                for (String line = rows.readLine(); line != null; line = rows.readLine()) {
                    g.writeRawValue(line);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
        });
    }

    /** One open batch. */
    private static final class Batch {
        final String id;
        final String kind;
        final String name;
        final Path reportFile;
        final Path rowsFile;
        final BufferedWriter rowsWriter;
        final Instant startedAt;
        final Consumer<DeliveryOutcome> listener;
        final Map<Outcome, AtomicLong> counts = new EnumMap<>(Outcome.class);
        final Map<String, Map<Outcome, AtomicLong>> byProvider = new ConcurrentHashMap<>();
        final AtomicLong fromCheckpoint = new AtomicLong();
        // guarded by this: records handed over, records with an outcome, what runs once they are equal
        private long handedOver;
        private long recorded;
        private Runnable whenAllRecorded;

        Batch(String id, String kind, String name, Path reportFile, Path rowsFile, Instant startedAt,
                Consumer<DeliveryOutcome> listener) throws IOException {
            this.id = id;
            this.kind = kind;
            this.name = name;
            this.reportFile = reportFile;
            this.rowsFile = rowsFile;
            this.rowsWriter = Files.newBufferedWriter(rowsFile, StandardCharsets.UTF_8);
            this.startedAt = startedAt;
            this.listener = listener;
            for (Outcome o : Outcome.values()) {
                counts.put(o, new AtomicLong());
            }
        }

        void record(DeliveryOutcome o, String deadLetter, ObjectMapper json) {
            ParticipantUpdate u = o.update();
            // one line of JSON per outcome, written straight from its fields (no tree in between)
            StringWriter buffer = new StringWriter(256);
            try (JsonGenerator g = json.getFactory().createGenerator(buffer)) {
                g.writeStartObject();
                g.writeStringField("source", u.source().name());
                if (u.source().row() > 0) {
                    g.writeNumberField("row", u.source().row());
                }
                g.writeStringField("correlation_id", u.source().correlationId());
                String participant = participant(u);
                if (participant != null) {
                    g.writeStringField("participant", participant);
                }
                g.writeStringField("provider", u.provider());
                g.writeStringField("connection", o.connection());
                g.writeStringField("outcome", o.outcome().label());
                if (o.error() != null && o.error().status() > 0) {
                    g.writeNumberField("http_status", o.error().status());
                }
                if (o.category() != null) {
                    g.writeStringField("error_category", o.category());
                    if (o.reconciliation() == null) {
                        g.writeStringField("message", o.message());
                    }
                }
                if (o.error() != null && o.error().code() != null) {
                    g.writeStringField("provider_code", o.error().code());
                }
                if (o.error() != null && o.error().message() != null) {
                    g.writeStringField("provider_message", Redaction.redact(o.error().message(), u));
                }
                g.writeNumberField("attempts", o.attempts());
                if (o.reconciliation() != null) {
                    g.writeBooleanField("reconciled", true);
                    g.writeBooleanField("verified", o.reconciliation().verified());
                    g.writeStringField("message", o.reconciliation().message());
                }
                if (o.fromCheckpoint()) {
                    g.writeBooleanField("from_checkpoint", true);
                }
                if (deadLetter != null) {
                    g.writeStringField("dead_letter", deadLetter);
                }
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String line = buffer.toString();
            synchronized (this) {
                try {
                    rowsWriter.write(line);
                    rowsWriter.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot record an outcome of batch " + id, e);
                }
                counts.get(o.outcome()).incrementAndGet();
                if (o.fromCheckpoint()) {
                    fromCheckpoint.incrementAndGet();
                }
                String p = u.provider() == null ? "(none)" : u.provider();
                byProvider.computeIfAbsent(p, k -> {
                    Map<Outcome, AtomicLong> m = new EnumMap<>(Outcome.class);
                    for (Outcome x : Outcome.values()) {
                        m.put(x, new AtomicLong());
                    }
                    return m;
                }).get(o.outcome()).incrementAndGet();
            }
            listener.accept(o);
        }

        synchronized void handedOver() {
            handedOver++;
        }

        /** Counts an outcome; returns what to run when it was the last one awaited. */
        synchronized Runnable counted() {
            recorded++;
            return due();
        }

        synchronized Runnable readingDone(Runnable whenDone) {
            whenAllRecorded = whenDone;
            return due();
        }

        private Runnable due() {
            if (whenAllRecorded == null || recorded < handedOver) {
                return null;
            }
            Runnable r = whenAllRecorded;
            whenAllRecorded = null;
            return r;
        }

        synchronized BatchReport summary(Instant finishedAt, List<String> notes, List<Path> rejectedCsv,
                String failure) {
            Map<Outcome, Long> c = new EnumMap<>(Outcome.class);
            counts.forEach((k, v) -> c.put(k, v.get()));
            Map<String, Map<Outcome, Long>> bp = new TreeMap<>();
            byProvider.forEach((p, m) -> {
                Map<Outcome, Long> x = new EnumMap<>(Outcome.class);
                m.forEach((k, v) -> x.put(k, v.get()));
                bp.put(p, x);
            });
            List<String> allNotes = new ArrayList<>(notes == null ? List.of() : notes);
            long resumed = fromCheckpoint.get();
            if (resumed > 0) {
                long received = c.values().stream().mapToLong(Long::longValue).sum();
                allNotes.add("resumed: " + resumed + " of " + received + " records already had an outcome in an "
                        + "earlier run of this source that was interrupted; they were not sent again and their rows "
                        + "say from_checkpoint");
            }
            return new BatchReport(id, kind, name, startedAt, finishedAt, c, bp, List.copyOf(allNotes), reportFile,
                    new ArrayList<>(rejectedCsv), failure);
        }
    }

    /**
     * Which participant a record is about, for people reading a report or the console: its locator fields
     * ({@code contract_id=1001, participant_id=7}) by name, never a sensitive value; null when it has none.
     */
    static String participant(ParticipantUpdate u) {
        StringBuilder b = new StringBuilder();
        for (var f : new TreeMap<>(u.fields()).entrySet()) {
            if (CanonicalFields.LOCATORS.contains(f.getKey()) && !CanonicalFields.isSensitive(f.getKey())
                    && f.getValue() != null && !f.getValue().isBlank()) {
                if (b.length() > 0) {
                    b.append(", ");
                }
                b.append(f.getKey()).append('=').append(f.getValue().trim());
            }
        }
        if (b.length() == 0) {
            return null;
        }
        return b.length() > 500 ? b.substring(0, 500) + "…" : b.toString();
    }

    /** For tests: ids of the open batches. */
    public List<String> openBatchIds() {
        return Collections.unmodifiableList(new ArrayList<>(open.keySet()));
    }
}
