package io.participantsync.intake;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.apache.commons.csv.CSVFormat;

/**
 * The CSV intake mapper: opens a CSV file of participant updates as a lazy {@link RecordStream} of canonical
 * {@code ParticipantUpdate}s. Reads UTF-8 (with or without BOM) one buffer at a time, so memory stays flat whatever
 * the file size.
 */
public final class CsvRecordReader {

    /** Source kind of records read from files. */
    public static final String KIND = "csv";

    private static final char BOM = '\uFEFF';
    private static final char[] CANDIDATES = {',', ';', '\t', '|'};
    /** How far into the file the header line is looked at to detect the delimiter. */
    private static final int SNIFF_LIMIT = 64 * 1024;
    private static final int BUFFER_SIZE = SNIFF_LIMIT + 1024;

    private final CsvOptions options;

    public CsvRecordReader(CsvOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public CsvOptions options() {
        return options;
    }

    /** Opens a file: source kind {@code csv}, source name the file name. The stream owns the open file. */
    public RecordStream open(Path file) throws IOException {
        return open(Files.newInputStream(file), file.getFileName().toString(), KIND);
    }

    /**
     * Opens a stream of CSV bytes. The returned {@link RecordStream} owns {@code in} and closes it; on an I/O error
     * here, {@code in} is closed before the exception is thrown.
     */
    public RecordStream open(InputStream in, String sourceName, String sourceKind) throws IOException {
        Objects.requireNonNull(in, "in");
        try {
            // Bytes that are not UTF-8 become U+FFFD, which RecordStream turns into a problem on that row only
            // (reporting them instead would surface the error a whole buffer before the row at fault).
            Reader decoded = new InputStreamReader(in, StandardCharsets.UTF_8);
            BufferedReader buffered = new BufferedReader(decoded, BUFFER_SIZE);
            skipBom(buffered);
            char delimiter = options.delimiter() != null ? options.delimiter() : detectDelimiter(buffered);
            RecordStream.RawTap tap = new RecordStream.RawTap(buffered);
            CSVFormat format = CSVFormat.DEFAULT.builder()
                    .setDelimiter(delimiter)
                    .setQuote('"')
                    .setIgnoreEmptyLines(true)
                    // so a hand-written `a, "b, c"` is read as two cells, as people expect
                    .setIgnoreSurroundingSpaces(true)
                    .get();
            return new RecordStream(format, tap, options, delimiter, sourceName, sourceKind);
        } catch (IOException | RuntimeException e) {
            closeQuietly(in, e);
            throw e;
        }
    }

    private static void skipBom(BufferedReader in) throws IOException {
        in.mark(1);
        if (in.read() != BOM) {
            in.reset();
        }
    }

    /**
     * Counts each candidate outside quotes on the first line with content (lines holding only spaces and delimiters
     * are skipped, as the parser skips them) and picks the most frequent; comma when none occurs.
     */
    static char detectDelimiter(BufferedReader in) throws IOException {
        int[] counts = new int[CANDIDATES.length];
        in.mark(SNIFF_LIMIT);
        try {
            boolean inQuotes = false;
            boolean lineHasContent = false;
            for (int read = 0; read < SNIFF_LIMIT - 1; read++) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                if (c == '"') {
                    inQuotes = !inQuotes;
                    lineHasContent = true;
                } else if (!inQuotes && (c == '\n' || c == '\r')) {
                    if (lineHasContent) {
                        break;
                    }
                    Arrays.fill(counts, 0);
                } else if (!inQuotes) {
                    int candidate = candidateIndex((char) c);
                    if (candidate >= 0) {
                        counts[candidate]++;
                    } else if (!Character.isWhitespace(c)) {
                        lineHasContent = true;
                    }
                }
            }
        } finally {
            in.reset();
        }
        int best = 0;
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] > counts[best]) {
                best = i;
            }
        }
        return CANDIDATES[best];
    }

    private static int candidateIndex(char c) {
        for (int i = 0; i < CANDIDATES.length; i++) {
            if (CANDIDATES[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static void closeQuietly(InputStream in, Exception primary) {
        try {
            in.close();
        } catch (IOException suppressed) {
            primary.addSuppressed(suppressed);
        }
    }
}
