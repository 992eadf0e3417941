package io.participantsync.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.model.CanonicalFields;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Source;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.concurrent.ConcurrentHashMap;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the dead-letter folder back for {@code replay}: finds the dead letters of rejected and failed records that
 * match a {@link Filter} (each line of a batch's {@code <dir>/<yyyy-MM-dd>/*.deadletters.jsonl}, and each
 * {@code <dir>/<yyyy-MM-dd>/*.json} file written by earlier versions), and turns each back into a canonical record (a
 * masked value is dropped, never sent as the mask). Once a record's outcome is recorded, a replayed line's number is
 * appended to the file's {@code <file>.replayed} (owner-only; such lines are skipped from then on) and, when every
 * line of the file is replayed, the file and its {@code .replayed} move to {@code <dir>/replayed/<yyyy-MM-dd>/}; a
 * replayed {@code .json} file moves there at once. Each dead letter is its own checkpointed source,
 * {@code replay:<sha256 of its line or file>}.
 */
public final class DeadLetterReplay {

    /** The folder, under the dead-letter folder, replayed dead letters move to. */
    public static final String REPLAYED = "replayed";
    /** Source kind of replayed records. */
    public static final String SOURCE_KIND = "replay";
    public static final String SOURCE_ID_PREFIX = "replay:";

    /** Appended to a JSON-lines file's name: the numbers of its lines replayed so far, one a line. */
    public static final String REPLAYED_SUFFIX = ".replayed";

    private static final Pattern DATE_DIR = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final String LINES = DeadLetterWriter.LINES_SUFFIX;

    private final Path dir;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    /** Per JSON-lines file seen by {@link #find}: its lines holding a dead letter, and those replayed. */
    private final Map<Path, Lines> lineFiles = new ConcurrentHashMap<>();

    /** The lines of one JSON-lines file that hold a dead letter (numbers from 1), and those replayed so far. */
    private static final class Lines {
        final BitSet letters = new BitSet();
        final BitSet replayed = new BitSet();
    }

    public DeadLetterReplay(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /** Which dead letters to replay; a {@code null} part matches everything. */
    public record Filter(String provider, String connection, Outcome category, Instant since) {

        public Filter {
            provider = provider == null || provider.isBlank() ? null : provider.trim().toLowerCase(Locale.ROOT);
            connection = connection == null || connection.isBlank() ? null : connection.trim();
            if (category != null && category != Outcome.REJECTED && category != Outcome.FAILED) {
                throw new IllegalArgumentException("category must be rejected or failed");
            }
        }

        /** {@code rejected} or {@code failed}, or {@code null}. */
        public static Outcome category(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "rejected" -> Outcome.REJECTED;
                case "failed" -> Outcome.FAILED;
                default -> throw new IllegalArgumentException("--category must be rejected or failed, was '" + value
                        + "'");
            };
        }

        /** A date ({@code 2026-03-04}, from its start in UTC) or an instant ({@code 2026-03-04T10:00:00Z}). */
        public static Instant since(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            try {
                return LocalDate.parse(value.trim()).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notADate) {
                try {
                    return Instant.parse(value.trim());
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("--since must be a date (2026-03-04) or an instant "
                            + "(2026-03-04T10:00:00Z), was '" + value + "'");
                }
            }
        }

        boolean matches(Entry e) {
            return (provider == null || provider.equals(e.provider()))
                    && (connection == null || connection.equals(e.connection()))
                    && (category == null || category == e.outcome())
                    && (since == null || !e.finishedAt().isBefore(since));
        }
    }

    /**
     * One dead letter to replay: its file and line ({@code 0} for a file of its own), its name relative to the
     * dead-letter folder ({@code <date>/<file>#<line>} for a line), what it recorded, the record rebuilt from it, and
     * the fields dropped because the dead letter holds only their mask.
     */
    public record Entry(Path file, int line, String name, Outcome outcome, String provider, String connection,
            Instant finishedAt, ParticipantUpdate record, List<String> masked) {
    }

    /**
     * The dead letters that match, oldest first (so one participant's updates are replayed in the order they
     * failed). {@code notes} gets a line for each file that is not a record's dead letter (an unreadable queue
     * message keeps only its raw payload) or cannot be read.
     */
    public List<Entry> find(Filter filter, List<String> notes) {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> files;
        try (Stream<Path> days = Files.list(dir)) {
            List<Path> dayDirs = days.filter(d -> Files.isDirectory(d)
                    && DATE_DIR.matcher(d.getFileName().toString()).matches()).sorted().toList();
            files = new ArrayList<>();
            for (Path day : dayDirs) {
                try (Stream<Path> s = Files.list(day)) {
                    s.filter(f -> (f.getFileName().toString().endsWith(".json")
                            || f.getFileName().toString().endsWith(LINES))
                            && !f.getFileName().toString().startsWith(".") && Files.isRegularFile(f))
                            .sorted().forEach(files::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        for (Path f : files) {
            String name = dir.relativize(f).toString().replace('\\', '/');
            if (name.endsWith(LINES)) {
                findLines(f, name, filter, notes, out);
                continue;
            }
            Entry e;
            try {
                e = read(f, name);
            } catch (IOException | RuntimeException ex) {
                notes.add(name + ": not replayed, cannot be read: " + ex.getClass().getSimpleName());
                continue;
            }
            if (e == null) {
                notes.add(name + ": not replayed, it holds no record (a message that could not be read as "
                        + "records keeps only its raw payload)");
            } else if (filter.matches(e)) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparing(Entry::finishedAt).thenComparing(Entry::name));
        return out;
    }

    /**
     * The dead letter at {@code location} ({@code <file>#<line>}, as a report or the state store names it, or an
     * older form's file), when it is there and not replayed yet; it can then be {@link #markReplayed marked}.
     */
    public java.util.Optional<Entry> at(String location) {
        return java.util.Optional.ofNullable(at(List.of(location)).get(location));
    }

    /**
     * The dead letters at these locations that are there and not replayed yet, by location; each file is read
     * once, however many of its lines are asked for.
     */
    public Map<String, Entry> at(java.util.Collection<String> locations) {
        Map<String, Entry> out = new LinkedHashMap<>();
        Map<Path, List<String>> byFile = new LinkedHashMap<>();
        Path root = dir.toAbsolutePath().normalize();
        for (String location : locations) {
            int hash = location.lastIndexOf('#');
            Path file = Path.of(hash < 0 ? location : location.substring(0, hash));
            Path absolute = file.toAbsolutePath().normalize();
            if (absolute.startsWith(root) && Files.isRegularFile(absolute)) {
                byFile.computeIfAbsent(file, f -> new ArrayList<>()).add(location);
            }
        }
        Filter all = new Filter(null, null, null, null);
        for (Map.Entry<Path, List<String>> f : byFile.entrySet()) {
            Path file = f.getKey();
            String name = root.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
            if (!name.endsWith(LINES)) {
                try {
                    Entry e = read(file, name);
                    if (e != null) {
                        f.getValue().forEach(l -> out.put(l, e));
                    }
                } catch (IOException | RuntimeException unreadable) {
                    // not there for a replay: the caller says so
                }
                continue;
            }
            List<Entry> found = new ArrayList<>();
            findLines(file, name, all, new ArrayList<>(), found);
            Map<Integer, Entry> byLine = new java.util.HashMap<>();
            found.forEach(e -> byLine.put(e.line(), e));
            for (String location : f.getValue()) {
                try {
                    Entry e = byLine.get(Integer.parseInt(location.substring(location.lastIndexOf('#') + 1)));
                    if (e != null) {
                        out.put(location, e);
                    }
                } catch (NumberFormatException notALine) {
                    // no such dead letter
                }
            }
        }
        return out;
    }

    /** Where a dead-letter file moved once all its letters were replayed (the newest day first); null if not found. */
    public Path replayedLocation(Path file) {
        Path replayed = dir.resolve(REPLAYED);
        if (!Files.isDirectory(replayed)) {
            return null;
        }
        try (Stream<Path> days = Files.list(replayed)) {
            return days.sorted(Comparator.reverseOrder()).map(d -> d.resolve(file.getFileName()))
                    .filter(Files::isRegularFile).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads the lines of one JSON-lines file not yet replayed; notes the ones that cannot be read. */
    private void findLines(Path f, String name, Filter filter, List<String> notes, List<Entry> out) {
        Lines state = new Lines();
        try {
            Path sidecar = sidecar(f);
            if (Files.exists(sidecar)) {
                for (String n : Files.readAllLines(sidecar, StandardCharsets.UTF_8)) {
                    if (!n.isBlank()) {
                        state.replayed.set(Integer.parseInt(n.trim()));
                    }
                }
            }
            try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                int number = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    state.letters.set(number);
                    if (state.replayed.get(number)) {
                        continue;
                    }
                    String lineName = name + "#" + number;
                    Entry e;
                    try {
                        e = read(f, number, lineName, line.getBytes(StandardCharsets.UTF_8), null);
                    } catch (IOException | RuntimeException ex) {
                        notes.add(lineName + ": not replayed, cannot be read: " + ex.getClass().getSimpleName());
                        continue;
                    }
                    if (e == null) {
                        notes.add(lineName + ": not replayed, it holds no record");
                    } else if (filter.matches(e)) {
                        out.add(e);
                    }
                }
            }
        } catch (IOException | RuntimeException ex) {
            notes.add(name + ": not replayed, cannot be read: " + ex.getClass().getSimpleName());
            return;
        }
        lineFiles.put(f, state);
    }

    /** Whether every line of the file holding a dead letter is replayed, lines written since it was read included. */
    private static boolean allReplayed(Path file, BitSet replayed) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                if (!line.isBlank() && !replayed.get(number)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Path sidecar(Path file) {
        return file.resolveSibling(file.getFileName() + REPLAYED_SUFFIX);
    }

    /**
     * Marks a dead letter replayed: a file of its own moves to {@code replayed/<today>/}; a line gets its number
     * appended to its file's {@code .replayed}, and the file moves with it once all its lines are replayed. Returns
     * where the dead letter now is (for a line: its file, moved or not).
     */
    public Path markReplayed(Entry e) {
        Path day = dir.resolve(REPLAYED).resolve(LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString());
        Path target = day.resolve(e.file().getFileName());
        try {
            if (e.line() > 0) {
                Lines state = lineFiles.get(e.file());
                if (state == null) {
                    throw new IllegalStateException(e.name() + " was not found by this replay");
                }
                synchronized (state) {
                    Path sidecar = sidecar(e.file());
                    if (!Files.exists(sidecar)) {
                        SecureFiles.createFile(sidecar);
                    }
                    Files.writeString(sidecar, e.line() + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                    state.replayed.set(e.line());
                    BitSet left = (BitSet) state.letters.clone();
                    left.andNot(state.replayed);
                    if (!left.isEmpty() || !allReplayed(e.file(), state.replayed)) {
                        return e.file();
                    }
                    SecureFiles.directories(day);
                    SecureFiles.moveAtomically(sidecar, day.resolve(sidecar.getFileName()));
                    SecureFiles.moveAtomically(e.file(), target);
                    lineFiles.remove(e.file());
                    return target;
                }
            }
            SecureFiles.directories(day);
            SecureFiles.moveAtomically(e.file(), target);
            return target;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot mark " + e.name() + " replayed in " + dir, ex);
        }
    }

    private Entry read(Path file, String name) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return read(file, 0, name, bytes, Files.getLastModifiedTime(file).toInstant());
    }

    /** {@code modified}: when the dead letter has no {@code finished_at}, the time taken for it. */
    private Entry read(Path file, int line, String name, byte[] bytes, Instant modified) throws IOException {
        JsonNode root = json.readTree(bytes);
        JsonNode record = root.path("record");
        if (!root.isObject() || !record.isObject()) {
            return null;
        }
        Outcome outcome = Outcome.valueOf(root.path("outcome").asText("failed").toUpperCase(Locale.ROOT));
        String provider = text(record.get("provider"));
        String recordConnection = text(record.get("connection"));
        String connection = text(root.get("connection"));
        Map<String, String> fields = new LinkedHashMap<>();
        List<String> masked = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            String value = text(f.getValue());
            if (CanonicalFields.ROUTING.contains(f.getKey()) || value == null) {
                continue;
            }
            if (CanonicalFields.MASK.equals(value)) {
                // only the mask was kept: sending it would overwrite the real value with "***"
                masked.add(f.getKey());
                continue;
            }
            fields.put(f.getKey(), value);
        }
        String finished = root.path("finished_at").asText(null);
        Instant finishedAt = finished != null ? Instant.parse(finished)
                : modified != null ? modified : Files.getLastModifiedTime(file).toInstant();
        String correlation = root.path("source").path("correlation_id").asText(null);
        Source source = new Source(SOURCE_KIND, name, 0, clock.instant(), correlation == null ? name : correlation,
                null, null, SOURCE_ID_PREFIX + sha256(bytes));
        ParticipantUpdate update = ParticipantUpdate.of(provider, recordConnection, fields, source);
        return new Entry(file, line, name, outcome, update.provider(),
                connection != null ? connection : recordConnection,
                finishedAt, update, List.copyOf(masked));
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        String v = node.isValueNode() ? node.asText() : node.toString();
        return v.isBlank() ? null : v;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
