package io.participantsync.intake;

import io.participantsync.model.CanonicalFields;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.model.Source;
import io.participantsync.core.RecordSource;
import java.io.Closeable;
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
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
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
    /** Longest raw text of an unparsable row kept for its dead letter. */
    static final int RAW_LINE_LIMIT = 64 * 1024;
    /** The extra column of a rejected row whose cells cannot be split: the row's text as it was in the file. */
    public static final String RAW_LINE = "raw_line";
    private static final Pattern PARSER_POSITION = Pattern.compile(
            "\\s*(at )?\\(?(start)?line:? [\\d,]+(, position:? [\\d,]+)?\\)?");
    /** 10 or 12 digits, perhaps with a '-' or '+' before the last four: a Swedish personal number. */
    private static final Pattern PERSONAL_NUMBER_LIKE = Pattern.compile("(?<!\\d)(\\d{2})?\\d{6}[-+]?\\d{4}(?!\\d)");
    /** What the decoder puts in place of bytes that are not UTF-8. */
    static final char REPLACEMENT_CHARACTER = '\uFFFD';

    private final CSVFormat format;
    private final RawTap tap;
    private CSVParser parser;
    private Iterator<CSVRecord> csvRecords;
    private final CsvOptions options;
    private final char delimiter;
    private final String sourceName;
    private final String sourceKind;

    private final List<String> notes = new ArrayList<>();
    private List<String> header = List.of();
    /** Canonical name of each column, by position. */
    private List<String> columns = List.of();
    private List<Problem> headerProblems = List.of();
    /** Trailing dead-letter columns when the file is one of our rejected CSVs dropped back, else 0. */
    private int deadLetterColumns;
    private int providerColumn = -1;
    private int connectionColumn = -1;

    private ParticipantUpdate pending;
    private boolean finished;
    private long dataRows;
    private long rowsRead;

    RecordStream(CSVFormat format, RawTap tap, CsvOptions options, char delimiter, String sourceName,
            String sourceKind) throws IOException {
        this.format = format;
        this.tap = tap;
        this.parser = newParser();
        this.csvRecords = parser.iterator();
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
        List<String> cellsOfFirst = first.toList();
        deadLetterColumns = deadLetterColumns(cellsOfFirst);
        header = Collections.unmodifiableList(deadLetterColumns > 0 ? unescape(cellsOfFirst) : cellsOfFirst);
        if (header.size() > options.maxColumns()) {
            int cells = header.size();
            header = List.of();
            return stop(0, "the header has " + cells + " columns, more than csv.max-columns ("
                    + options.maxColumns() + "); the file is rejected as a whole and nothing is sent");
        }
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
        if (names.stream().noneMatch(CanonicalFields::isKnown)) {
            // Most likely a file without its header line: its first data row must not become column names (nor
            // appear in a dead letter, it may hold a personal number), and no row may be sent under wrong names.
            int cells = header.size();
            header = List.of();
            return stop(0, "the first line is not a header: none of its " + cells(cells) + " is a known field name "
                    + "(the first line must name the columns, e.g. provider,connection,contract_id,party_id,email);"
                    + " the file is rejected as a whole and nothing is sent");
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
            return broken(row, failure.getMessage());
        }
        if (csv == null) {
            if (dataRows == 0) {
                notes.add("header only: no data rows");
            }
            close();
            return null;
        }
        dataRows = row;
        return toUpdate(deadLetterColumns > 0 ? unescape(csv.toList()) : csv.toList(), row);
    }

    private ParticipantUpdate toUpdate(List<String> values, long row) {
        List<Problem> problems = new ArrayList<>(headerProblems);
        if (values.size() > options.maxColumns()) {
            problems.add(Problem.of(null, "row has " + cells(values.size()) + ", more than csv.max-columns ("
                    + options.maxColumns() + ") and the header's " + columns.size()));
            // the cells past the header are not kept: the dead letter would list every one of them
            values = values.subList(0, columns.size());
        } else if (values.size() != columns.size()) {
            problems.add(Problem.of(null, "row has " + cells(values.size()) + " but the header has "
                    + columns.size()));
        }
        for (int i = 0; i < values.size(); i++) {
            int length = values.get(i).length();
            if (length > options.maxFieldLength()) {
                problems.add(Problem.of(i < columns.size() ? columns.get(i) : "cell " + (i + 1), "is " + length
                        + " characters long, more than csv.max-field-length (" + options.maxFieldLength() + ")"));
            }
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
            } else if (i >= columns.size() - deadLetterColumns) {
                continue; // a rejected CSV's error_category, error_message, raw_line: not the record's fields
            } else if (!CanonicalFields.ROUTING.contains(columns.get(i))) {
                // A duplicated column keeps its first non-blank value; the row is rejected for the duplicate anyway.
                fields.merge(columns.get(i), value, (old, now) -> old.isBlank() ? now : old);
            }
        }
        return new ParticipantUpdate(provider, connection, fields, source(row, values), problems);
    }

    /**
     * A data row the parser cannot read (a stray quote, a quote left open): one record that carries the reason and
     * the row's raw text, then parsing starts again on a fresh parser at the next line, so the rows after it are still
     * read. When the raw text split at each delimiter gives as many cells as the header, those are the row's values
     * (so the rejected CSV shows them in their columns); otherwise the values are blank and the raw text goes in an
     * extra {@value #RAW_LINE} column, with the cells of sensitive columns and anything that looks like a personal
     * number masked.
     */
    private ParticipantUpdate broken(long row, String reason) throws IOException {
        String raw = tap.restartAtNextLine(RAW_LINE_LIMIT);
        parser = newParser();
        csvRecords = parser.iterator();
        // (worded so that the HTTP API still finds "parsing stopped at row N" and refuses such a body as a whole)
        notes.add("parsing stopped at row " + row + ", then resumed at the next line: " + reason);
        List<Problem> problems = new ArrayList<>(headerProblems);
        problems.add(Problem.of(null, "cannot parse CSV at row " + row + ": " + reason));
        List<String> cells = splitAtDelimiters(raw);
        Source source;
        if (cells.size() == columns.size()) {
            source = source(row, cells);
        } else {
            List<String> withRaw = new ArrayList<>(header);
            withRaw.add(RAW_LINE);
            List<String> values = new ArrayList<>(Collections.nCopies(header.size(), ""));
            values.add(maskRaw(cells));
            source = new Source(sourceKind, sourceName, row, Instant.now(), sourceName + "#" + row, withRaw, values);
        }
        return new ParticipantUpdate(null, null, Map.of(), source, problems);
    }

    private List<String> splitAtDelimiters(String raw) {
        List<String> cells = new ArrayList<>();
        int from = 0;
        for (int i = raw.indexOf(delimiter); i >= 0; i = raw.indexOf(delimiter, from)) {
            cells.add(raw.substring(from, i));
            from = i + 1;
        }
        cells.add(raw.substring(from));
        return cells;
    }

    /** The raw cells joined again, with sensitive columns' cells and personal-number-like digits masked. */
    private String maskRaw(List<String> cells) {
        List<String> out = new ArrayList<>(cells.size());
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            boolean sensitive = i < columns.size() && CanonicalFields.isSensitive(columns.get(i));
            out.add(sensitive && !cell.isBlank() ? CanonicalFields.MASK
                    : PERSONAL_NUMBER_LIKE.matcher(cell).replaceAll(CanonicalFields.MASK));
        }
        return String.join(String.valueOf(delimiter), out);
    }

    /**
     * How many trailing dead-letter columns the header has when it is one of our rejected CSVs dropped back (it ends
     * with {@code error_category,error_message}, perhaps followed by {@code raw_line}), else 0.
     */
    private int deadLetterColumns(List<String> cells) {
        List<String> names = cells.stream().map(CsvOptions::normaliseHeader).toList();
        int n = names.size();
        if (n >= 3 && names.subList(n - 3, n).equals(List.of("error_category", "error_message", RAW_LINE))) {
            return 3;
        }
        if (n >= 2 && names.subList(n - 2, n).equals(List.of("error_category", "error_message"))) {
            return 2;
        }
        return 0;
    }

    /**
     * Undoes the dead-letter writer's formula escaping in a rejected CSV dropped back: it prefixed with {@code '} every
     * cell that starts with {@code = + - @}, a tab, a carriage return or {@code '}, so one leading {@code '} goes.
     * Only such files are unescaped: in a user's own file a leading {@code '} is part of the value.
     */
    private static List<String> unescape(List<String> cells) {
        List<String> out = new ArrayList<>(cells.size());
        for (String c : cells) {
            out.add(c.length() > 1 && c.charAt(0) == '\'' ? c.substring(1) : c);
        }
        return out;
    }

    private CSVParser newParser() throws IOException {
        return CSVParser.builder().setReader(tap).setFormat(format).get();
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
            tap.startRow();
            CSVRecord csv;
            try {
                if (!csvRecords.hasNext()) {
                    return null;
                }
                csv = csvRecords.next();
            } catch (UncheckedIOException e) {
                IOException cause = e.getCause();
                if (cause instanceof CSVException || cause instanceof RowTooLongException) {
                    // the parser's "at line: n, position: p" counts from where the last parser started: misleading
                    // after a resumed row, and the record already says which row it is
                    throw new ParseFailure(
                            PARSER_POSITION.matcher(String.valueOf(cause.getMessage())).replaceAll("").strip());
                }
                throw cause;
            }
            tap.recordEnded(parser.getCurrentLineNumber());
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

    /**
     * Sits between the file and the parser: fails a row that grows past {@link #MAX_ROW_CHARS}, and keeps the text
     * handed to the parser since the end of the last record read, so that after a syntax error the failed row's raw
     * text can be taken up to the next line break and everything after it handed to a fresh parser.
     */
    static final class RawTap extends Reader {
        private final Reader in;
        /** Text to hand out before reading {@link #in} again (what followed a broken row). */
        private final StringBuilder pushback = new StringBuilder();
        private int pushbackPos;
        /** Text handed out since the end of the last record: {@code kept[keptStart, length)}. */
        private final StringBuilder kept = new StringBuilder();
        private int keptStart;
        /** Line ends (as the parser counts them: CR, or LF not after CR) before {@code keptStart}. */
        private long linesBefore;
        private char lastDropped = '\n';
        private long charsThisRow;

        RawTap(Reader in) {
            this.in = in;
        }

        void startRow() {
            charsThisRow = 0;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            int n;
            if (pushbackPos < pushback.length()) {
                n = Math.min(length, pushback.length() - pushbackPos);
                pushback.getChars(pushbackPos, pushbackPos + n, buffer, offset);
                pushbackPos += n;
                if (pushbackPos == pushback.length()) {
                    pushback.setLength(0);
                    pushbackPos = 0;
                }
            } else {
                n = in.read(buffer, offset, length);
            }
            if (n > 0) {
                kept.append(buffer, offset, n);
                charsThisRow += n;
                if (charsThisRow > MAX_ROW_CHARS) {
                    throw new RowTooLongException();
                }
            }
            return n;
        }

        /** The parser has read a record and consumed {@code lineNumber} line ends in all: forget that text. */
        void recordEnded(long lineNumber) {
            int i = keptStart;
            char last = lastDropped;
            while (linesBefore < lineNumber && i < kept.length()) {
                char c = kept.charAt(i++);
                if (c == '\r' || (c == '\n' && last != '\r')) {
                    linesBefore++;
                }
                last = c;
            }
            if (last == '\r' && i < kept.length() && kept.charAt(i) == '\n') {
                last = kept.charAt(i++);
            }
            keptStart = i;
            lastDropped = last;
            if (keptStart > 64 * 1024 && keptStart > kept.length() / 2) {
                kept.delete(0, keptStart);
                keptStart = 0;
            }
        }

        /**
         * After a syntax error: returns the failed row's text (blank lines before it skipped, up to the next line
         * break, at most {@code limit} characters) and arranges for the next parser to start right after that line.
         */
        String restartAtNextLine(int limit) throws IOException {
            int start = keptStart;
            while (start < kept.length() && (kept.charAt(start) == '\r' || kept.charAt(start) == '\n')) {
                start++;
            }
            int end = start;
            while (end < kept.length() && kept.charAt(end) != '\r' && kept.charAt(end) != '\n') {
                end++;
            }
            StringBuilder raw = new StringBuilder(kept.substring(start, Math.min(end, start + limit)));
            String rest;
            if (end < kept.length()) {
                int after = end + 1;
                if (kept.charAt(end) == '\r' && after < kept.length() && kept.charAt(after) == '\n') {
                    after++;
                } else if (kept.charAt(end) == '\r' && after == kept.length()) {
                    // the LF of a CRLF may still be unread
                    int c = readUnkept();
                    if (c >= 0 && c != '\n') {
                        kept.append((char) c);
                    }
                }
                rest = kept.substring(after);
            } else {
                // the line goes on beyond what the parser has read: read (and drop past the limit) up to its end
                rest = "";
                for (int c = readUnkept(); c >= 0; c = readUnkept()) {
                    if (c == '\n') {
                        break;
                    }
                    if (c == '\r') {
                        int next = readUnkept();
                        if (next >= 0 && next != '\n') {
                            rest = String.valueOf((char) next);
                        }
                        break;
                    }
                    if (raw.length() < limit) {
                        raw.append((char) c);
                    }
                }
            }
            String unread = pushback.substring(pushbackPos);
            pushback.setLength(0);
            pushback.append(rest).append(unread);
            pushbackPos = 0;
            kept.setLength(0);
            keptStart = 0;
            linesBefore = 0;
            lastDropped = '\n';
            charsThisRow = 0;
            return raw.toString();
        }

        private int readUnkept() throws IOException {
            if (pushbackPos < pushback.length()) {
                return pushback.charAt(pushbackPos++);
            }
            return in.read();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
