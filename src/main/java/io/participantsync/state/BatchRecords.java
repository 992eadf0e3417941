package io.participantsync.state;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Every record's outcome in the state store (V6), for the console and its JSON API: a batch's records, filtered by
 * outcome and paged in their source's order ({@code batch_record_piece}: pieces of {@value #PIECE_ROWS} records as
 * JSON lines, the way checkpoints are kept), and the dead-letter list ({@code batch_record}: each rejected or failed
 * record as a row of its own, pending or replayed). Written in one transaction when a batch closes, from its report
 * file, so delivering a record costs nothing more; the queries page by keyset on indexed columns.
 */
public final class BatchRecords {

    /** {@code dl_state} of a record whose dead letter waits to be replayed. */
    static final String PENDING = "P";
    /** {@code dl_state} of a record whose dead letter was replayed. */
    static final String REPLAYED = "R";

    private static final int INSERT_BATCH = 500;
    /** Records per piece: a page of the console reads one or two. */
    static final int PIECE_ROWS = 256;

    private final DataSource dataSource;
    private final ObjectMapper json = new ObjectMapper();

    public BatchRecords(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** One record's outcome as stored. */
    public record Row(long recordNo, String batchId, int seq, long pos, Long row, String source, String participant,
            String provider, String connection, String outcome, Integer httpStatus, String errorCategory,
            String message, String providerCode, String providerMessage, int attempts, Boolean verified,
            String deadLetter, String deadLetterState, Instant recordedAt, String replayedBy, Instant replayedAt) {

        public boolean hasDeadLetter() {
            return deadLetterState != null;
        }

        /** Whether its dead letter waits to be replayed. */
        public boolean pending() {
            return PENDING.equals(deadLetterState);
        }
    }

    /** A page of rows and the cursor of the next one (null when there is none). */
    public record Page<T>(List<T> items, String next) {
    }

    /**
     * Stores the rows of a batch report file ({@code rows} array) under {@code batchId}, replacing any stored
     * before (a batch resumed after a crash closes again): every record in pieces of {@value #PIECE_ROWS}, in its
     * source's order, and each rejected or failed record also as a row of its own (the dead-letter list). The
     * rows are held in memory to be put in order: the caller bounds their number ({@code
     * state.max-stored-report-rows}). Returns how many were stored.
     */
    public long storeFromReport(String batchId, Path reportFile, Instant recordedAt) {
        List<Stored> all = new ArrayList<>();
        List<Stored> problems = new ArrayList<>();
        try (JsonParser p = json.getFactory().createParser(reportFile.toFile())) {
            if (toRows(p)) {
                int seq = 0;
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    ObjectNode r = json.readTree(p);
                    seq++;
                    long row = r.path("row").isNumber() ? r.path("row").asLong() : 0;
                    // a file's records in its row order; others (queue, JSON, replay) in the order of their outcomes
                    long pos = row > 0 ? row : seq;
                    r.put("seq", seq);
                    r.put("pos", pos);
                    String outcome = r.path("outcome").asText();
                    boolean problem = "rejected".equals(outcome) || "failed".equals(outcome);
                    // kept as its JSON line (a few hundred bytes), the tree only for the few that become rows
                    Stored st = new Stored(pos, seq, json.writeValueAsString(r), problem ? r : null);
                    all.add(st);
                    if (problem) {
                        problems.add(st);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the rows of report " + reportFile, e);
        }
        all.sort(java.util.Comparator.comparingLong(Stored::pos).thenComparingInt(Stored::seq));
        return StateStore.inTransaction(dataSource, "cannot store the records of batch " + batchId, c -> {
            for (String table : List.of("batch_record", "batch_record_piece")) {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE batch_id = ?")) {
                    delete.setString(1, batchId);
                    delete.executeUpdate();
                }
            }
            insertProblems(c, batchId, problems, Timestamp.from(recordedAt));
            linkDeadLetters(c, batchId, problems);
            insertPieces(c, batchId, all);
            return (long) all.size();
        });
    }

    /** One row of a report on its way into the store: its JSON line, and its tree when it is a problem. */
    private static final class Stored {
        final long pos;
        final int seq;
        String line;
        final ObjectNode row;

        Stored(long pos, int seq, String line, ObjectNode row) {
            this.pos = pos;
            this.seq = seq;
            this.line = line;
            this.row = row;
        }

        long pos() {
            return pos;
        }

        int seq() {
            return seq;
        }
    }

    private static void insertProblems(Connection c, String batchId, List<Stored> problems, Timestamp at)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO batch_record (batch_id, seq, row_no, "
                + "source_name, participant, provider, connection_name, outcome, http_status, error_category, "
                + "message, provider_code, provider_message, attempts, verified, dead_letter, dl_state, recorded_at, "
                + "pos) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int pending = 0;
            for (Stored st : problems) {
                bindRow(ps, batchId, st.seq(), st.row, at);
                ps.setLong(19, st.pos());
                ps.addBatch();
                if (++pending == INSERT_BATCH) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
    }

    /** Puts each problem's dead-letter id (its row's number) into its piece line. */
    private static void linkDeadLetters(Connection c, String batchId, List<Stored> problems) throws SQLException {
        if (problems.isEmpty()) {
            return;
        }
        java.util.Map<Integer, Long> ids = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, record_no FROM batch_record WHERE batch_id = ? "
                + "AND dl_state IS NOT NULL")) {
            ps.setString(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.put(rs.getInt(1), rs.getLong(2));
                }
            }
        }
        for (Stored st : problems) {
            Long id = ids.get(st.seq());
            if (id != null) {
                st.line = st.line.substring(0, st.line.length() - 1) + ",\"dead_letter_id\":" + id + "}";
            }
        }
    }

    private static void insertPieces(Connection c, String batchId, List<Stored> all) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO batch_record_piece (batch_id, first_pos, "
                + "first_seq, last_pos, last_seq, row_count, records) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            int pending = 0;
            for (int from = 0; from < all.size(); from += PIECE_ROWS) {
                List<Stored> piece = all.subList(from, Math.min(all.size(), from + PIECE_ROWS));
                StringBuilder lines = new StringBuilder(piece.size() * 256);
                for (Stored st : piece) {
                    lines.append(st.line).append('\n');
                }
                Stored first = piece.get(0);
                Stored last = piece.get(piece.size() - 1);
                ps.setString(1, batchId);
                ps.setLong(2, first.pos());
                ps.setInt(3, first.seq());
                ps.setLong(4, last.pos());
                ps.setInt(5, last.seq());
                ps.setInt(6, piece.size());
                ps.setString(7, lines.toString());
                ps.addBatch();
                if (++pending == 20) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
    }

    /** Moves the parser onto the report's {@code rows} array; false when it has none. */
    private static boolean toRows(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return false;
        }
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if ("rows".equals(name) && value == JsonToken.START_ARRAY) {
                return true;
            }
            p.skipChildren();
        }
        return false;
    }

    private static void bindRow(PreparedStatement ps, String batchId, int seq, JsonNode r, Timestamp at)
            throws SQLException {
        ps.setString(1, batchId);
        ps.setInt(2, seq);
        setLong(ps, 3, r.path("row"));
        ps.setString(4, text(r, "source", 500));
        ps.setString(5, text(r, "participant", 1000));
        ps.setString(6, text(r, "provider", 100));
        ps.setString(7, text(r, "connection", 200));
        ps.setString(8, r.path("outcome").asText("failed"));
        if (r.path("http_status").isInt()) {
            ps.setInt(9, r.path("http_status").asInt());
        } else {
            ps.setNull(9, Types.INTEGER);
        }
        ps.setString(10, text(r, "error_category", 40));
        ps.setString(11, text(r, "message", 4000));
        ps.setString(12, text(r, "provider_code", 200));
        ps.setString(13, text(r, "provider_message", 4000));
        ps.setInt(14, r.path("attempts").asInt(0));
        if (r.path("verified").isBoolean()) {
            ps.setBoolean(15, r.path("verified").asBoolean());
        } else {
            ps.setNull(15, Types.BOOLEAN);
        }
        String deadLetter = text(r, "dead_letter", 1000);
        ps.setString(16, deadLetter);
        ps.setString(17, deadLetter == null ? null : PENDING);
        ps.setTimestamp(18, at);
    }

    private static void setLong(PreparedStatement ps, int i, JsonNode n) throws SQLException {
        if (n.canConvertToLong() && n.isNumber()) {
            ps.setLong(i, n.asLong());
        } else {
            ps.setNull(i, Types.BIGINT);
        }
    }

    private static String text(JsonNode r, String field, int max) {
        JsonNode n = r.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        String s = n.asText();
        return s.length() > max ? s.substring(0, max - 1) + "…" : s;
    }

    // ---- queries -------------------------------------------------------------------------------------------

    /**
     * A batch's records of the given outcomes (null or empty: all), in their source's order (a file's rows), else
     * the order their outcomes were recorded, after the cursor {@code after} ({@code <pos>.<seq>}, null: first).
     * Only failures asked for: the indexed rows of the dead-letter list; else the batch's pieces, in order, until
     * the page is full.
     */
    public Page<Row> records(String batchId, List<String> outcomes, String after, int limit) {
        long afterPos = 0;
        long afterSeq = 0;
        if (after != null) {
            String[] parts = after.split("\\.", 2);
            try {
                afterPos = Long.parseLong(parts[0]);
                afterSeq = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a cursor: " + after);
            }
        }
        List<String> wanted = outcomes == null ? List.of() : outcomes;
        List<Row> rows = !wanted.isEmpty() && List.of("rejected", "failed").containsAll(wanted)
                ? problemRows(batchId, wanted, afterPos, afterSeq, limit)
                : pieceRows(batchId, wanted, afterPos, afterSeq, limit);
        String next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            Row last = rows.get(limit - 1);
            next = last.pos() + "." + last.seq();
        }
        return new Page<>(List.copyOf(rows), next);
    }

    private List<Row> problemRows(String batchId, List<String> outcomes, long afterPos, long afterSeq, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM batch_record WHERE batch_id = ? "
                + "AND (pos > ? OR (pos = ? AND seq > ?))");
        List<Object> args = new ArrayList<>(List.of(batchId, afterPos, afterPos, afterSeq));
        sql.append(" AND outcome IN (").append("?, ".repeat(outcomes.size() - 1)).append("?)");
        args.addAll(outcomes);
        // batch_id (one value here) leads the ORDER BY so that H2 reads the index in order instead of sorting: H2
        // does not see that an equality leaves the index's later columns in order (bench/console)
        sql.append(" ORDER BY batch_id, pos, seq FETCH FIRST ").append(limit + 1).append(" ROWS ONLY");
        return query(sql.toString(), args);
    }

    private List<Row> pieceRows(String batchId, List<String> outcomes, long afterPos, long afterSeq, int limit) {
        List<Row> out = new ArrayList<>();
        String sql = "SELECT records FROM batch_record_piece WHERE batch_id = ? AND (last_pos > ? OR (last_pos = ? "
                + "AND last_seq > ?)) ORDER BY batch_id, first_pos, first_seq";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, batchId);
            ps.setLong(2, afterPos);
            ps.setLong(3, afterPos);
            ps.setLong(4, afterSeq);
            ps.setFetchSize(4);
            try (ResultSet rs = ps.executeQuery()) {
                while (out.size() <= limit && rs.next()) {
                    for (String line : rs.getString(1).split("\n")) {
                        if (line.isEmpty()) {
                            continue;
                        }
                        JsonNode r = json.readTree(line);
                        long pos = r.path("pos").asLong();
                        int seq = r.path("seq").asInt();
                        if (pos < afterPos || pos == afterPos && seq <= afterSeq
                                || !outcomes.isEmpty() && !outcomes.contains(r.path("outcome").asText())) {
                            continue;
                        }
                        out.add(pieceRow(batchId, r));
                        if (out.size() > limit) {
                            break;
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("cannot read batch records: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored record of batch " + batchId + " is not JSON", e);
        }
        return out;
    }

    private static Row pieceRow(String batchId, JsonNode r) {
        long deadLetterId = r.path("dead_letter_id").asLong(0);
        return new Row(deadLetterId, batchId, r.path("seq").asInt(), r.path("pos").asLong(),
                r.path("row").isNumber() ? r.path("row").asLong() : null, text(r, "source", 500),
                text(r, "participant", 1000), text(r, "provider", 100), text(r, "connection", 200),
                r.path("outcome").asText(), r.path("http_status").isInt() ? r.path("http_status").asInt() : null,
                text(r, "error_category", 40), text(r, "message", 4000), text(r, "provider_code", 200),
                text(r, "provider_message", 4000), r.path("attempts").asInt(0),
                r.path("verified").isBoolean() ? r.path("verified").asBoolean() : null, text(r, "dead_letter", 1000),
                deadLetterId > 0 ? PENDING : null, null, null, null);
    }

    /** Whether any record of the batch is stored. */
    public boolean hasRecords(String batchId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM batch_record_piece WHERE batch_id = ? FETCH FIRST 1 ROWS ONLY")) {
            ps.setString(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("cannot read batch records: " + e.getMessage(), e);
        }
    }

    /** Which dead letters to list; a null part matches all. {@code state}: pending, replayed or all. */
    public record DeadLetterFilter(String provider, String connection, String category, Instant since, Instant until,
            String text, String state) {
    }

    /**
     * Record numbers one request with a text filter searches ({@code q}): the text is looked for in the letters of
     * this many records at most (a window of {@code record_no} below the cursor), and when the window ends before
     * the page is full the answer's {@code next} goes on below it. Without the bound a text no letter contains read
     * every pending letter: 1.7 s at 1,000,000 records on PostgreSQL (bench/console).
     */
    static final long TEXT_SEARCH_WINDOW = 50_000;

    /**
     * Dead letters, newest first, before the record number {@code beforeNo} (0: from the newest). With a text
     * filter, one call searches {@link #TEXT_SEARCH_WINDOW} record numbers at most: a page may then hold fewer than
     * {@code limit} letters and still have a {@code next}.
     */
    public Page<Row> deadLetters(DeadLetterFilter f, long beforeNo, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM batch_record WHERE ");
        List<Object> args = new ArrayList<>();
        long windowFrom = 0;
        if (f.text() != null) {
            long top = beforeNo > 0 ? beforeNo : maxRecordNo() + 1;
            windowFrom = Math.max(0, top - TEXT_SEARCH_WINDOW);
        }
        switch (f.state() == null ? "pending" : f.state()) {
            case "replayed" -> sql.append("dl_state = 'R'");
            // IS NOT NULL, not IN ('P', 'R'): H2 then reads the primary key backwards (a page is found after about
            // 800 records) instead of sorting every letter it finds in batch_record_dead (p50 1,024 ms at 62,000)
            case "all" -> sql.append("dl_state IS NOT NULL");
            default -> sql.append("dl_state = 'P'");
        }
        if (beforeNo > 0) {
            sql.append(" AND record_no < ?");
            args.add(beforeNo);
        }
        if (windowFrom > 0) {
            sql.append(" AND record_no >= ?");
            args.add(windowFrom);
        }
        if (f.provider() != null) {
            sql.append(" AND provider = ?");
            args.add(f.provider());
        }
        if (f.connection() != null) {
            sql.append(" AND connection_name = ?");
            args.add(f.connection());
        }
        if (f.category() != null) {
            sql.append(" AND outcome = ?");
            args.add(f.category());
        }
        if (f.since() != null) {
            sql.append(" AND recorded_at >= ?");
            args.add(Timestamp.from(f.since()));
        }
        if (f.until() != null) {
            sql.append(" AND recorded_at < ?");
            args.add(Timestamp.from(f.until()));
        }
        if (f.text() != null) {
            String like = "%" + escapeLike(f.text().toLowerCase(Locale.ROOT)) + "%";
            sql.append(" AND (LOWER(message) LIKE ? ESCAPE '\\' OR LOWER(provider_message) LIKE ? ESCAPE '\\' "
                    + "OR LOWER(participant) LIKE ? ESCAPE '\\' OR LOWER(source_name) LIKE ? ESCAPE '\\')");
            args.add(like);
            args.add(like);
            args.add(like);
            args.add(like);
        }
        // pending or replayed (one state): the state (and the provider) lead the ORDER BY so that H2 reads the
        // index (dl_state[, provider], record_no) backwards instead of sorting every letter (see records())
        String state = f.state() == null ? "pending" : f.state();
        String order = state.equals("all") ? "" : f.provider() != null ? "dl_state DESC, provider DESC, "
                : "dl_state DESC, ";
        sql.append(" ORDER BY ").append(order).append("record_no DESC FETCH FIRST ").append(limit + 1)
                .append(" ROWS ONLY");
        List<Row> rows = query(sql.toString(), args);
        String next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            next = Long.toString(rows.get(limit - 1).recordNo());
        } else if (windowFrom > 1) {
            // the window ended before the page was full: the search goes on below it
            next = Long.toString(windowFrom);
        }
        return new Page<>(List.copyOf(rows), next);
    }

    private long maxRecordNo() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT MAX(record_no) FROM batch_record"); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("cannot read batch records: " + e.getMessage(), e);
        }
    }

    /** The record {@code recordNo}, if stored. */
    public Optional<Row> record(long recordNo) {
        List<Row> rows = query("SELECT * FROM batch_record WHERE record_no = ?", List.of(recordNo));
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /**
     * Claims the pending dead letter of record {@code recordNo} for the replay batch {@code batchId}: true for the
     * one caller that claims it, false when it is replayed (or claimed) already or has no dead letter.
     */
    public boolean claimReplay(long recordNo, String batchId, Instant at) {
        return update("UPDATE batch_record SET dl_state = 'R', replayed_by = ?, replayed_at = ? "
                + "WHERE record_no = ? AND dl_state = 'P'", batchId, Timestamp.from(at), recordNo) == 1;
    }

    /** Gives a claim back (its replay could not be started). */
    public void releaseReplay(long recordNo, String batchId) {
        update("UPDATE batch_record SET dl_state = 'P', replayed_by = NULL, replayed_at = NULL "
                + "WHERE record_no = ? AND replayed_by = ?", recordNo, batchId);
    }

    /** Marks the dead letter at {@code location} replayed by {@code batchId} (a replay not started here). */
    public void markReplayed(String location, String batchId, Instant at) {
        update("UPDATE batch_record SET dl_state = 'R', replayed_by = ?, replayed_at = ? "
                + "WHERE dead_letter = ? AND dl_state = 'P'", batchId, Timestamp.from(at), location);
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("state store update failed: " + e.getMessage(), e);
        }
    }

    private List<Row> query(String sql, List<Object> args) {
        List<Row> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("cannot read batch records: " + e.getMessage(), e);
        }
        return out;
    }

    private static Row row(ResultSet rs) throws SQLException {
        long rowNo = rs.getLong("row_no");
        Long row = rs.wasNull() ? null : rowNo;
        int status = rs.getInt("http_status");
        Integer http = rs.wasNull() ? null : status;
        boolean v = rs.getBoolean("verified");
        Boolean verified = rs.wasNull() ? null : v;
        Timestamp replayedAt = rs.getTimestamp("replayed_at");
        return new Row(rs.getLong("record_no"), rs.getString("batch_id"), rs.getInt("seq"), rs.getLong("pos"), row,
                rs.getString("source_name"), rs.getString("participant"), rs.getString("provider"),
                rs.getString("connection_name"), rs.getString("outcome"), http, rs.getString("error_category"),
                rs.getString("message"), rs.getString("provider_code"), rs.getString("provider_message"),
                rs.getInt("attempts"), verified, rs.getString("dead_letter"), rs.getString("dl_state"),
                rs.getTimestamp("recorded_at").toInstant(), rs.getString("replayed_by"),
                replayedAt == null ? null : replayedAt.toInstant());
    }

    static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
