package io.participantsync.intake;

import io.participantsync.model.CanonicalFields;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.model.Source;
import io.participantsync.core.RecordSource;
import java.io.Closeable;
import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * One open CSV file read as a lazy, single-use sequence of {@link ParticipantUpdate}s, one per data row, plus the
 * file-level notes found on the way (empty file, duplicated header columns, where parsing stopped). A bad row
 * becomes a record carrying {@link Problem}s, never an exception. Close it (or read it to the end) to release the file.
 */
public final class RecordStream implements RecordSource, Iterable<ParticipantUpdate>, Closeable {

    /** Longest row read before giving up: bounds memory when an unclosed quote swallows the rest of the file. */
    static final int MAX_ROW_CHARS = 1 << 20;
    /** What the decoder puts in place of bytes that are not UTF-8. */
    static final char REPLACEMENT_CHARACTER = '\uFFFD';

    private final CSVParser parser;
    private final Iterator<CSVRecord> csvRecords;
    private final RowSizeGuard guard;
    private final CsvOptions options;
    private final char delimiter;
    private final String sourceName;
    private final String sourceKind;

    private final List<String> notes = new ArrayList<>();
    private List<String> header = List.of();
    /** Canonical name of each column, by position. */
    private List<String> columns = List.of();
    private List<Problem> headerProblems = List.of();
    private int providerColumn = -1;
    private int connectionColumn = -1;

    private ParticipantUpdate pending;
    private boolean finished;
    private long dataRows;
    private long rowsRead;

    RecordStream(CSVParser parser, RowSizeGuard guard, CsvOptions options, char delimiter, String sourceName,
            String sourceKind) throws IOException {
        this.parser = parser;
        this.csvRecords = parser.iterator();
        this.guard = guard;
        this.options = options;
        this.delimiter = delimiter;
        this.sourceName = sourceName;
        this.sourceKind = sourceKind;
        try {
            ParticipantUpdate headerFailure = readHeader();
            // Reading the first row now lets notes() say "header only" right after open.
            pending = headerFailure != null ? headerFailure : fetch();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The original header cells (BOM and spaces around cells stripped, case and spelling kept); empty when the file
     * is empty or the header cannot be parsed.
     */
    public List<String> header() {
        return header;
    }

    /** The delimiter used: the configured one, or the one detected from the header line. */
    public char delimiter() {
        return delimiter;
    }

    /** File-level notes found so far (the list grows while the stream is read). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** Records handed out by {@link #next()} so far. */
    public long rowsRead() {
        return rowsRead;
    }

    /** @throws UncheckedIOException when the file itself cannot be read (not for CSV syntax errors) */
    @Override
    public boolean hasNext() {
        if (pending == null && !finished) {
            try {
                pending = fetch();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + sourceName, e);
            }
        }
        return pending != null;
    }

    @Override
    public ParticipantUpdate next() {
        if (!hasNext()) {
            throw new NoSuchElementException(sourceName + " has no more rows");
        }
        ParticipantUpdate next = pending;
        pending = null;
        rowsRead++;
        return next;
    }

    /** Returns this stream itself: it can be iterated once. */
    @Override
    public Iterator<ParticipantUpdate> iterator() {
        return this;
    }

    /** Closes the file; idempotent. */
    @Override
    public void close() {
        finished = true;
        pending = null;
        try {
            parser.close();
        } catch (IOException e) {
            // Everything wanted was read already; a failing close of a read-only stream loses nothing.
        }
    }

    /** Reads the header row; returns the record that reports a syntax error in it, else {@code null}. */
    private ParticipantUpdate readHeader() throws IOException {
        CSVRecord first;
        try {
            first = nextNonBlankRecord();
        } catch (ParseFailure failure) {
            return stop(0, failure.getMessage());
        }
        if (first == null) {
            notes.add("file is empty");
            close();
            return null;
        }
        header = Collections.unmodifiableList(first.toList());
        List<String> names = new ArrayList<>(header.size());
        Map<String, Integer> occurrences = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = options.canonicalName(header.get(i));
            if (name.isEmpty()) {
                // Keeps a value under a nameless column visible: the adapters reject it as an unknown field.
                name = "column_" + (i + 1);
            }
            names.add(name);
            occurrences.merge(name, 1, Integer::sum);
        }
        columns = List.copyOf(names);
        providerColumn = columns.indexOf(CanonicalFields.PROVIDER);
        connectionColumn = columns.indexOf(CanonicalFields.CONNECTION);
        List<Problem> problems = new ArrayList<>();
        occurrences.forEach((name, count) -> {
            if (count > 1) {
                notes.add("header column '" + name + "' appears " + (count == 2 ? "twice" : count + " times"));
                problems.add(Problem.of(name, "column appears more than once in the header"));
            }
        });
        if (header.stream().anyMatch(h -> h.indexOf(REPLACEMENT_CHARACTER) >= 0)) {
            notes.add("header is not valid UTF-8 text (save the file as UTF-8)");
            problems.add(Problem.of(null, "the header is not valid UTF-8 text (save the file as UTF-8)"));
        }
        headerProblems = List.copyOf(problems);
        return null;
    }

    private ParticipantUpdate fetch() throws IOException {
        if (finished) {
            return null;
        }
        long row = dataRows + 1;
        CSVRecord csv;
        try {
            csv = nextNonBlankRecord();
        } catch (ParseFailure failure) {
            dataRows = row;
            return stop(row, failure.getMessage());
        }
        if (csv == null) {
            if (dataRows == 0) {
                notes.add("header only: no data rows");
            }
            close();
            return null;
        }
        dataRows = row;
        return toUpdate(csv.toList(), row);
    }

    private ParticipantUpdate toUpdate(List<String> values, long row) {
        List<Problem> problems = new ArrayList<>(headerProblems);
        if (values.size() != columns.size()) {
            problems.add(Problem.of(null, "row has " + cells(values.size()) + " but the header has "
                    + columns.size()));
        }
        if (values.stream().anyMatch(v -> v.indexOf(REPLACEMENT_CHARACTER) >= 0)) {
            problems.add(Problem.of(null, "row is not valid UTF-8 text (save the file as UTF-8)"));
        }
        String provider = null;
        String connection = null;
        Map<String, String> fields = new LinkedHashMap<>();
        int n = Math.min(values.size(), columns.size());
        for (int i = 0; i < n; i++) {
            String value = values.get(i);
            if (i == providerColumn) {
                provider = value;
            } else if (i == connectionColumn) {
                connection = value;
            } else if (!CanonicalFields.ROUTING.contains(columns.get(i))) {
                // A duplicated column keeps its first non-blank value; the row is rejected for the duplicate anyway.
                fields.merge(columns.get(i), value, (old, now) -> old.isBlank() ? now : old);
            }
        }
        return new ParticipantUpdate(provider, connection, fields, source(row, values), problems);
    }

    /** Ends the stream at a CSV syntax error: a note plus one record that carries the reason. */
    private ParticipantUpdate stop(long row, String reason) {
        String where = row == 0 ? "row 0 (the header)" : "row " + row;
        notes.add("parsing stopped at " + where + ": " + reason);
        close();
        return new ParticipantUpdate(null, null, Map.of(), source(row, List.of()),
                List.of(Problem.of(null, "cannot parse CSV at " + where + ": " + reason)));
    }

    private Source source(long row, List<String> values) {
        return new Source(sourceKind, sourceName, row, Instant.now(), sourceName + "#" + row, header, values);
    }

    /** The next record that is not all blank cells (Excel writes ";;;;" lines), or {@code null} at the end. */
    private CSVRecord nextNonBlankRecord() throws IOException, ParseFailure {
        while (true) {
            guard.startRow();
            CSVRecord csv;
            try {
                if (!csvRecords.hasNext()) {
                    return null;
                }
                csv = csvRecords.next();
            } catch (UncheckedIOException e) {
                IOException cause = e.getCause();
                if (cause instanceof CSVException || cause instanceof RowTooLongException) {
                    throw new ParseFailure(cause.getMessage());
                }
                throw cause;
            }
            if (!csv.stream().allMatch(String::isBlank)) {
                return csv;
            }
        }
    }

    private static String cells(int count) {
        return count == 1 ? "1 cell" : count + " cells";
    }

    /** A CSV syntax error: the file cannot be read past this point. */
    private static final class ParseFailure extends Exception {
        private static final long serialVersionUID = 1L;

        ParseFailure(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Thrown by {@link RowSizeGuard} when one row grows past {@link #MAX_ROW_CHARS}. */
    static final class RowTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        RowTooLongException() {
            super("a row is longer than " + MAX_ROW_CHARS + " characters (is a quote left open?)");
        }
    }

    /** Counts the characters the parser pulls in for one row and fails past {@link #MAX_ROW_CHARS}. */
    static final class RowSizeGuard extends FilterReader {
        private long charsThisRow;

        RowSizeGuard(Reader in) {
            super(in);
        }

        void startRow() {
            charsThisRow = 0;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            count(c < 0 ? 0 : 1);
            return c;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) throws IOException {
            charsThisRow += n;
            if (charsThisRow > MAX_ROW_CHARS) {
                throw new RowTooLongException();
            }
        }
    }
}
