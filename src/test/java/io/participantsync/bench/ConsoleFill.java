package io.participantsync.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Fills a migrated state store with the console benchmark's history, straight into its tables with JDBC batch
 * inserts: {@code batches} batches started over the last 7 days (queue messages, HTTP requests, CSV files, sync-job
 * runs and replays; most completed, some failed, a few still running) and {@code records} rows of
 * records in all (every one in {@code batch_record_piece}, the rejected and failed ones also in {@code batch_record}): most batches small, ten of 10,000 records and one of {@code big} records (a CSV file),
 * about 7% rejected or failed with a dead letter (a quarter of them replayed). Each finished batch carries its JSON
 * report as the service stores it ({@code report_json}, rows included, as {@code BatchHistory} does up to
 * {@code state.max-stored-report-rows}). Deterministic for a seed. The big batch's dead letters are also written as
 * the JSON-lines file the service would read them from, so {@code GET /api/v1/dead-letters/{id}} reads a real file.
 */
final class ConsoleFill {

    /** Records per piece, as {@code BatchRecords} stores them. */
    private static final int PIECE_ROWS = 256;
    private static final ObjectMapper PIECE_JSON = new ObjectMapper();


    static final String[] PROVIDERS = {"oneflow", "zigned", "signinghub", "eviasign", "zoho"};
    static final String[] JOBS = {"crm", "hr-nightly", "partner"};
    private static final String[] KINDS = {"jms", "kafka", "http", "csv", "sync-job", "replay"};
    private static final double[] KIND_WEIGHTS = {0.40, 0.20, 0.15, 0.12, 0.08, 0.05};
    private static final int BIG_ONES = 10;

    /** What the harness needs to know of the history it made. */
    record Filled(String bigBatch, String smallBatch, String csvNameQuery, String participantQuery, Instant dayStart,
            long batches, long records, long deadLetters, long pending, String bigLetterFile, double seconds) {
    }

    private final int batches;
    private final int records;
    private final int big;
    private final long seed;
    private final Instant now;
    private final Path deadLetterDir;
    /** Records of each of the ten big batches besides the biggest: 10,000 at the issue's size, fewer in small runs. */
    private final int bigOneSize;

    ConsoleFill(int batches, int records, int big, long seed, Instant now, Path deadLetterDir) {
        this.bigOneSize = Math.min(10_000, records / 100);
        if (batches < BIG_ONES + 20 || records < big + BIG_ONES * bigOneSize + 2 * batches) {
            throw new IllegalArgumentException("console fill: need at least " + (BIG_ONES + 20) + " batches and "
                    + "more records than big + 10% + 2 per batch");
        }
        this.batches = batches;
        this.records = records;
        this.big = big;
        this.seed = seed;
        this.now = now.truncatedTo(ChronoUnit.SECONDS);
        this.deadLetterDir = deadLetterDir;
    }

    /** Inserts everything over {@code c} (its auto-commit is switched off and back). */
    Filled fill(Connection c) throws SQLException, IOException {
        long t0 = System.nanoTime();
        Random rnd = new Random(seed);
        int n = batches;
        long week = 7L * 24 * 3600 * 1000;
        long nowMs = now.toEpochMilli();
        long[] started = new long[n];
        for (int i = 0; i < n; i++) {
            started[i] = nowMs - 60_000 - (long) (rnd.nextDouble() * (week - 120_000));
        }
        Arrays.sort(started);
        String[] kind = new String[n];
        for (int i = 0; i < n; i++) {
            kind[i] = pick(rnd);
        }
        // the big CSV file three and a half days ago, ten of 10,000 records spread over the week
        int bigIndex = index(started, nowMs - (long) (3.5 * 24 * 3600 * 1000));
        kind[bigIndex] = "csv";
        int[] size = new int[n];
        boolean[] special = new boolean[n];
        special[bigIndex] = true;
        size[bigIndex] = big;
        int placed = 0;
        while (placed < BIG_ONES) {
            int i = rnd.nextInt(n);
            if (!special[i]) {
                special[i] = true;
                kind[i] = placed % 2 == 0 ? "csv" : "sync-job";
                size[i] = bigOneSize;
                placed++;
            }
        }
        // status: running in the last hour now and then, about 3% failed (a file that stopped half-way, a job
        // whose source failed), the rest completed
        String[] status = new String[n];
        for (int i = 0; i < n; i++) {
            boolean recent = nowMs - started[i] < 3_600_000L;
            status[i] = !special[i] && recent && rnd.nextDouble() < 0.2 ? "running"
                    : !special[i] && rnd.nextDouble() < 0.03 ? "failed" : "completed";
        }
        // sizes of the others from their kind, then scaled so that the records add up exactly
        long rest = records - (long) big - (long) BIG_ONES * bigOneSize;
        double[] raw = new double[n];
        double rawSum = 0;
        for (int i = 0; i < n; i++) {
            if (special[i] || "running".equals(status[i])) {
                continue;
            }
            raw[i] = switch (kind[i]) {
                case "jms", "kafka" -> rnd.nextDouble() < 0.9 ? 1 : 2 + rnd.nextInt(9);
                case "http" -> 1 + geometric(rnd, 20);
                case "csv" -> 20 + geometric(rnd, 400);
                case "sync-job" -> 10 + geometric(rnd, 300);
                default -> 1 + rnd.nextInt(30);
            };
            rawSum += raw[i];
        }
        long sum = 0;
        List<Integer> adjustable = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (raw[i] > 0) {
                boolean queue = kind[i].equals("jms") || kind[i].equals("kafka");
                // queue messages keep their one or few records; the files, requests and runs take the rest
                size[i] = queue ? (int) raw[i] : Math.max(1, (int) Math.round(raw[i] * scaleOthers(kind, raw, rest)));
                sum += size[i];
                if (!queue) {
                    adjustable.add(i);
                }
            }
        }
        long diff = rest - sum;
        while (diff != 0) {
            int i = adjustable.get(rnd.nextInt(adjustable.size()));
            if (diff > 0) {
                int add = (int) Math.min(diff, 1 + rnd.nextInt(50));
                size[i] += add;
                diff -= add;
            } else if (size[i] > 1) {
                int take = (int) Math.min(-diff, Math.min(size[i] - 1, 1 + rnd.nextInt(50)));
                size[i] -= take;
                diff += take;
            }
        }

        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = new UUID(rnd.nextLong() & ~0xF000L | 0x4000L, rnd.nextLong() & 0x3FFFFFFFFFFFFFFFL
                    | 0x8000000000000000L).toString();
        }
        List<Integer> replays = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (kind[i].equals("replay")) {
                replays.add(i);
            }
        }

        int csvNo = 0;
        String csvQuery = null;
        String smallBatch = null;
        String participantQuery = null;
        String bigLetterFile = null;
        long deadLetters = 0;
        long pending = 0;
        long participantNo = 0;
        // the report in its own table (V6 as it is now), or in the batch row (before: for a before/after figure)
        boolean reportTable = hasTable(c, "batch_report");
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement pb = c.prepareStatement("INSERT INTO batch (batch_id, source_kind, source_name, "
                + "job_name, status, started_at, finished_at, received, updated, unchanged, rejected, failed"
                + (reportTable ? "" : ", report_json") + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
                + (reportTable ? "" : ", ?") + ")");
                PreparedStatement prep = reportTable ? c.prepareStatement("INSERT INTO batch_report (batch_id, "
                        + "report_json) VALUES (?, ?)") : null;
                PreparedStatement pr = c.prepareStatement("INSERT INTO batch_record (batch_id, seq, pos, row_no, "
                        + "source_name, participant, provider, connection_name, outcome, http_status, "
                        + "error_category, message, provider_code, provider_message, attempts, verified, "
                        + "dead_letter, dl_state, recorded_at, replayed_by, replayed_at) VALUES (?, ?, ?, ?, ?, ?, "
                        + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                // every record in pieces of 256 JSON lines in file order, as BatchRecords.storeFromReport writes them
                PreparedStatement pp = c.prepareStatement("INSERT INTO batch_record_piece (batch_id, first_pos, "
                        + "first_seq, last_pos, last_seq, row_count, records) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            int pendingBatches = 0;
            int pendingPieces = 0;
            int pendingRecords = 0;
            int sinceCommit = 0;
            for (int i = 0; i < n; i++) {
                Instant start = Instant.ofEpochMilli(started[i]);
                String name = sourceName(kind[i], i, start, csvNo, rnd);
                if (kind[i].equals("csv")) {
                    csvNo++;
                    if (csvQuery == null && started[i] > nowMs - 4L * 24 * 3600 * 1000 && !special[i]) {
                        // a text found in the name of this one file only: the list has to look at every batch
                        csvQuery = name.substring(0, name.length() - 4);
                    }
                }
                String job = kind[i].equals("sync-job") ? JOBS[i % JOBS.length] : null;
                if (job != null) {
                    name = job;
                }
                boolean running = "running".equals(status[i]);
                long duration = 20L + (long) (size[i] * (2 + rnd.nextDouble() * 3));
                Instant finished = running ? null : start.plusMillis(Math.min(duration, nowMs - started[i] - 1));
                // about 10% of batches meet a bad hour (a provider down, a bad export): 40% problems; else 3%
                double problemRate = rnd.nextDouble() < 0.1 ? 0.4 : 0.03;
                long[] counts = new long[4];
                StringBuilder rows = new StringBuilder(running ? 0 : Math.max(64, size[i] * 260));
                boolean csvLike = kind[i].equals("csv");
                Path letterFile = letterFile(kind[i], name, ids[i], finished);
                boolean writeLetters = i == bigIndex && deadLetterDir != null;
                StringBuilder letters = writeLetters ? new StringBuilder() : null;
                int line = 0;
                StringBuilder piece = new StringBuilder();
                int inPiece = 0;
                long firstPos = 0;
                int firstSeq = 0;
                for (int s = 1; s <= size[i] && !running; s++) {
                    participantNo++;
                    String provider = PROVIDERS[(int) ((participantNo * 7 + i) % PROVIDERS.length)];
                    String participant = "email=p" + participantNo + "@example.org";
                    double r = rnd.nextDouble();
                    String outcome = r < problemRate / 2 ? "rejected" : r < problemRate ? "failed"
                            : r < 0.78 ? "updated" : "unchanged";
                    Integer http = null;
                    String category = null;
                    String message = null;
                    String code = null;
                    String providerMessage = null;
                    int attempts = 1;
                    switch (outcome) {
                        case "rejected" -> {
                            if (rnd.nextBoolean()) {
                                category = "validation";
                                message = "email: not a valid e-mail address";
                                attempts = 0;
                            } else {
                                category = "rejected";
                                http = 422;
                                message = provider + " rejected the update (HTTP 422)";
                                code = "INVALID_PHONE";
                                providerMessage = "phone number +46 70 *** is not valid for this country";
                            }
                        }
                        case "failed" -> {
                            category = "transient";
                            http = 503;
                            attempts = 5;
                            message = provider + " did not answer successfully within its retry budget (HTTP 503)";
                            providerMessage = "Service temporarily unavailable";
                        }
                        case "updated" -> http = 200;
                        default -> {
                        }
                    }
                    counts[outcome.equals("updated") ? 0 : outcome.equals("unchanged") ? 1
                            : outcome.equals("rejected") ? 2 : 3]++;
                    long row = csvLike ? s + 1 : 0;
                    String deadLetter = null;
                    String dl = null;
                    String replayedBy = null;
                    if (category != null) {
                        line++;
                        deadLetter = letterFile + "#" + line;
                        deadLetters++;
                        if (rnd.nextDouble() < 0.25 && !replays.isEmpty()) {
                            dl = "R";
                            replayedBy = ids[replays.get(rnd.nextInt(replays.size()))];
                        } else {
                            dl = "P";
                            pending++;
                            if (participantQuery == null && started[i] > nowMs - 2L * 24 * 3600 * 1000) {
                                participantQuery = "p" + participantNo + "@";
                            }
                        }
                        if (letters != null) {
                            letters.append(letter(outcome, category, message, provider, http, code,
                                    providerMessage, attempts, start, finished, ids[i], kind[i], name, row,
                                    participant)).append('\n');
                        }
                    }
                    String rowSource = name;
                    long pos = row > 0 ? row : s;
                    ObjectNode recordLine = PIECE_JSON.createObjectNode().put("source", rowSource);
                    if (row > 0) {
                        recordLine.put("row", row);
                    }
                    recordLine.put("participant", participant).put("provider", provider).put("connection", provider)
                            .put("outcome", outcome);
                    if (http != null) {
                        recordLine.put("http_status", http);
                    }
                    if (category != null) {
                        recordLine.put("error_category", category).put("message", message)
                                .put("provider_code", code).put("provider_message", providerMessage)
                                .put("dead_letter", deadLetter);
                    }
                    recordLine.put("attempts", attempts).put("seq", s).put("pos", pos);
                    if (inPiece == 0) {
                        firstPos = pos;
                        firstSeq = s;
                    }
                    piece.append(PIECE_JSON.writeValueAsString(recordLine)).append('\n');
                    if (++inPiece == PIECE_ROWS || s == size[i]) {
                        pp.setString(1, ids[i]);
                        pp.setLong(2, firstPos);
                        pp.setInt(3, firstSeq);
                        pp.setLong(4, pos);
                        pp.setInt(5, s);
                        pp.setInt(6, inPiece);
                        pp.setString(7, piece.toString());
                        pp.addBatch();
                        piece.setLength(0);
                        inPiece = 0;
                        if (++pendingPieces == 50) {
                            pp.executeBatch();
                            pendingPieces = 0;
                        }
                    }
                    // only rejected and failed records are rows of their own (the dead-letter list)
                    if (category != null) {
                    pr.setString(1, ids[i]);
                    pr.setInt(2, s);
                    pr.setLong(3, row > 0 ? row : s);
                    if (row > 0) {
                        pr.setLong(4, row);
                    } else {
                        pr.setNull(4, Types.BIGINT);
                    }
                    pr.setString(5, rowSource);
                    pr.setString(6, participant);
                    pr.setString(7, provider);
                    pr.setString(8, provider);
                    pr.setString(9, outcome);
                    if (http == null) {
                        pr.setNull(10, Types.INTEGER);
                    } else {
                        pr.setInt(10, http);
                    }
                    pr.setString(11, category);
                    pr.setString(12, message);
                    pr.setString(13, code);
                    pr.setString(14, providerMessage);
                    pr.setInt(15, attempts);
                    pr.setNull(16, Types.BOOLEAN);
                    pr.setString(17, deadLetter);
                    pr.setString(18, dl);
                    pr.setTimestamp(19, Timestamp.from(finished));
                    pr.setString(20, replayedBy);
                    if (replayedBy == null) {
                        pr.setNull(21, Types.TIMESTAMP_WITH_TIMEZONE);
                    } else {
                        pr.setTimestamp(21, Timestamp.from(finished.plusSeconds(3600)));
                    }
                    pr.addBatch();
                    if (++pendingRecords == 2000) {
                        pr.executeBatch();
                        pendingRecords = 0;
                    }
                    }
                    sinceCommit++;
                    reportRow(rows, rowSource, row, ids[i], s, participant, provider, outcome, http, category,
                            message, code, providerMessage, attempts, deadLetter);
                }
                if (smallBatch == null && !running && size[i] >= 5 && size[i] <= 50 && kind[i].equals("http")
                        && started[i] > nowMs - 24L * 3600 * 1000) {
                    smallBatch = ids[i];
                }
                if (letters != null && line > 0) {
                    Files.createDirectories(letterFile.getParent());
                    Files.writeString(letterFile, letters, StandardCharsets.UTF_8);
                    bigLetterFile = letterFile.toString();
                }
                long received = running ? 1 + rnd.nextInt(20) : size[i];
                pb.setString(1, ids[i]);
                pb.setString(2, kind[i]);
                pb.setString(3, name);
                pb.setString(4, job);
                pb.setString(5, status[i]);
                pb.setTimestamp(6, Timestamp.from(start));
                pb.setTimestamp(7, finished == null ? null : Timestamp.from(finished));
                pb.setLong(8, received);
                pb.setLong(9, counts[0]);
                pb.setLong(10, counts[1]);
                pb.setLong(11, counts[2]);
                pb.setLong(12, counts[3]);
                String report = running ? null : report(ids[i], kind[i], name, status[i], start, finished, counts,
                        rows);
                if (prep == null) {
                    pb.setString(13, report);
                } else if (report != null) {
                    prep.setString(1, ids[i]);
                    prep.setString(2, report);
                    prep.addBatch();
                }
                pb.addBatch();
                if (++pendingBatches == 500) {
                    pb.executeBatch();
                    if (prep != null) {
                        prep.executeBatch();
                    }
                    pendingBatches = 0;
                }
                if (sinceCommit >= 20_000) {
                    pr.executeBatch();
                    pendingRecords = 0;
                    pp.executeBatch();
                    pendingPieces = 0;
                    pb.executeBatch();
                    if (prep != null) {
                        prep.executeBatch();
                    }
                    pendingBatches = 0;
                    c.commit();
                    sinceCommit = 0;
                }
            }
            pr.executeBatch();
            pp.executeBatch();
            pb.executeBatch();
            if (prep != null) {
                prep.executeBatch();
            }
            c.commit();
        } finally {
            c.setAutoCommit(auto);
        }
        return new Filled(ids[bigIndex], smallBatch, csvQuery, participantQuery,
                LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(3).atStartOfDay(ZoneOffset.UTC).toInstant(), n,
                records, deadLetters, pending, bigLetterFile, (System.nanoTime() - t0) / 1e9);
    }

    private static boolean hasTable(Connection c, String table) {
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1 FROM " + table + " WHERE 1 = 0").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Fresh statistics, as a database that grew to this size would have: ANALYZE on H2, VACUUM ANALYZE on
     * PostgreSQL (what autovacuum does to tables of this age: statistics and the visibility map that lets the
     * outcomes chart sum its index alone).
     */
    static void analyze(Connection c) throws SQLException {
        boolean pg = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        try (Statement s = c.createStatement()) {
            s.execute(pg ? "VACUUM ANALYZE" : "ANALYZE");
        }
    }

    private double scaleCache = Double.NaN;

    private double scaleOthers(String[] kind, double[] raw, long rest) {
        if (Double.isNaN(scaleCache)) {
            double queue = 0;
            double others = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    continue;
                }
                if (kind[i].equals("jms") || kind[i].equals("kafka")) {
                    queue += raw[i];
                } else {
                    others += raw[i];
                }
            }
            scaleCache = (rest - queue) / others;
        }
        return scaleCache;
    }

    private static String pick(Random rnd) {
        double r = rnd.nextDouble();
        for (int k = 0; k < KINDS.length; k++) {
            r -= KIND_WEIGHTS[k];
            if (r < 0) {
                return KINDS[k];
            }
        }
        return KINDS[KINDS.length - 1];
    }

    private static int geometric(Random rnd, double mean) {
        return (int) Math.min(50_000, -mean * Math.log(1 - rnd.nextDouble()));
    }

    private static int index(long[] sorted, long t) {
        int i = Arrays.binarySearch(sorted, t);
        return Math.min(sorted.length - 1, i < 0 ? -i - 1 : i);
    }

    private static String sourceName(String kind, int i, Instant start, int csvNo, Random rnd) {
        String day = LocalDate.ofInstant(start, ZoneOffset.UTC).toString().replace("-", "");
        return switch (kind) {
            case "jms" -> "participant.updates ID:broker-1-" + Long.toHexString(rnd.nextLong() & 0xFFFFFFFFFFL)
                    + ":" + i;
            case "kafka" -> "participant-updates-" + (i % 6) + "@" + (1_000_000L + i);
            case "http" -> "POST /api/v1/participants (" + (i % 5 == 0 ? "crm-bridge" : "hr-portal") + ")";
            case "csv" -> "hr-export-" + day + "-" + csvNo + ".csv";
            case "replay" -> "console: " + (1 + i % 7) + " dead letters";
            default -> "job";
        };
    }

    private Path letterFile(String kind, String name, String batchId, Instant finished) {
        Path dir = deadLetterDir == null ? Path.of("dead-letter") : deadLetterDir;
        String day = LocalDate.ofInstant(finished == null ? now : finished, ZoneOffset.UTC).toString();
        return dir.resolve(day).resolve(safe(kind) + "-" + safe(name) + "-" + safe(batchId) + ".deadletters.jsonl");
    }

    private static String safe(String s) {
        String t = s.replaceAll("[^A-Za-z0-9._-]", "_");
        return t.length() > 60 ? t.substring(0, 60) : t;
    }

    private static void reportRow(StringBuilder rows, String source, long row, String batchId, int seq,
            String participant, String provider, String outcome, Integer http, String category, String message,
            String code, String providerMessage, int attempts, String deadLetter) {
        if (rows.length() > 0) {
            rows.append(',');
        }
        rows.append("{\"source\":").append(quote(source));
        if (row > 0) {
            rows.append(",\"row\":").append(row);
        }
        rows.append(",\"correlation_id\":\"").append(batchId, 0, 8).append('-').append(seq).append('"');
        rows.append(",\"participant\":").append(quote(participant));
        rows.append(",\"provider\":\"").append(provider).append("\",\"connection\":\"").append(provider);
        rows.append("\",\"outcome\":\"").append(outcome).append('"');
        if (http != null && http >= 400) {
            rows.append(",\"http_status\":").append(http);
        }
        if (category != null) {
            rows.append(",\"error_category\":\"").append(category).append("\",\"message\":").append(quote(message));
        }
        if (code != null) {
            rows.append(",\"provider_code\":").append(quote(code));
        }
        if (providerMessage != null) {
            rows.append(",\"provider_message\":").append(quote(providerMessage));
        }
        rows.append(",\"attempts\":").append(attempts);
        if (deadLetter != null) {
            rows.append(",\"dead_letter\":").append(quote(deadLetter));
        }
        rows.append('}');
    }

    private static String report(String id, String kind, String name, String status, Instant start,
            Instant finished, long[] c, StringBuilder rows) {
        long received = c[0] + c[1] + c[2] + c[3];
        StringBuilder b = new StringBuilder(rows.length() + 600);
        b.append("{\"batch_id\":\"").append(id).append("\",\"source\":{\"kind\":\"").append(kind)
                .append("\",\"name\":").append(quote(name)).append("},\"status\":\"").append(status)
                .append("\",\"started_at\":\"").append(start).append("\",\"finished_at\":\"").append(finished)
                .append("\",\"duration_ms\":").append(finished.toEpochMilli() - start.toEpochMilli())
                .append(",\"counts\":{\"received\":").append(received).append(",\"updated\":").append(c[0])
                .append(",\"unchanged\":").append(c[1]).append(",\"rejected\":").append(c[2])
                .append(",\"failed\":").append(c[3]).append("},\"notes\":[")
                .append("failed".equals(status) ? "\"the source could not be read to its end\"" : "")
                .append("],\"rejected_csv\":[],\"rows\":[").append(rows).append("]}");
        return b.toString();
    }

    private static String letter(String outcome, String category, String message, String provider, Integer http,
            String code, String providerMessage, int attempts, Instant start, Instant finished, String batchId,
            String kind, String name, long row, String participant) {
        StringBuilder b = new StringBuilder(600);
        b.append("{\"outcome\":\"").append(outcome).append("\",\"error_category\":\"").append(category)
                .append("\",\"error_message\":").append(quote(message)).append(",\"provider\":\"").append(provider)
                .append("\",\"connection\":\"").append(provider).append('"');
        if (http != null) {
            b.append(",\"http_status\":").append(http).append(",\"provider_code\":").append(quote(code))
                    .append(",\"provider_message\":").append(quote(providerMessage));
        }
        b.append(",\"attempts\":").append(attempts).append(",\"started_at\":\"").append(start)
                .append("\",\"finished_at\":\"").append(finished).append("\",\"batch_id\":\"").append(batchId)
                .append("\",\"source\":{\"kind\":\"").append(kind).append("\",\"name\":").append(quote(name));
        if (row > 0) {
            b.append(",\"row\":").append(row);
        }
        b.append(",\"received_at\":\"").append(start).append("\",\"correlation_id\":\"").append(batchId, 0, 8)
                .append("-").append(row).append("\"},\"record\":{\"provider\":\"").append(provider)
                .append("\",\"connection\":\"").append(provider).append("\",\"email\":")
                .append(quote(participant.substring("email=".length()))).append(",\"name\":\"Participant ")
                .append(row).append("\",\"phone\":\"***\"}}");
        return b.toString();
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"' || ch == '\\') {
                b.append('\\');
            }
            b.append(ch);
        }
        return b.append('"').toString();
    }

    static void requireNotNull(Object o, String what) {
        if (o == null) {
            throw new IllegalStateException("console fill: found no " + what + " (too few batches?)");
        }
    }
}
