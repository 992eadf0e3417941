package io.participantsync.state;

import io.participantsync.core.Checkpoint;
import io.participantsync.core.Checkpoints;
import io.participantsync.model.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The core's {@link Checkpoints} in the state store (table {@code checkpoint}, migration V2): one row per source row
 * with a final outcome. Rows of a source are deleted once that source is settled (its file archived, its HTTP body
 * released, its {@code sync} run finished); queue messages are acknowledged after the batch returns, which the
 * service cannot observe, so theirs stay until {@link #purgeOlderThan} (by {@code checkpoint.retention-hours}).
 */
public final class CheckpointStore implements Checkpoints {

    /** SQLState of a unique-key violation, the same in H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";
    private static final int MAX_TEXT = 4000;

    private final DataSource dataSource;

    public CheckpointStore(StateStore store) {
        this(store.dataSource());
    }

    public CheckpointStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Optional<Checkpoint> find(String sourceId, long row) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT outcome, connection_name, error_category, message, "
                        + "http_status, provider_code, provider_message, attempts, dead_letter, batch_id, recorded_at "
                        + "FROM checkpoint WHERE source_id = ? AND row_no = ?")) {
            ps.setString(1, sourceId);
            ps.setLong(2, row);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Checkpoint(sourceId, row,
                        Outcome.valueOf(rs.getString(1).toUpperCase(Locale.ROOT)), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getInt(5), rs.getString(6), rs.getString(7), rs.getInt(8),
                        rs.getString(9), rs.getString(10), rs.getTimestamp(11).toInstant()));
            }
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("cannot read checkpoint", e);
        }
    }

    @Override
    public void save(Checkpoint cp) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO checkpoint (source_id, row_no, outcome, "
                        + "connection_name, error_category, message, http_status, provider_code, provider_message, "
                        + "attempts, dead_letter, batch_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, cp.sourceId());
            ps.setLong(2, cp.row());
            ps.setString(3, cp.outcome().label());
            text(ps, 4, cp.connection(), 200);
            text(ps, 5, cp.category(), 40);
            text(ps, 6, cp.message(), MAX_TEXT);
            if (cp.httpStatus() > 0) {
                ps.setInt(7, cp.httpStatus());
            } else {
                ps.setNull(7, Types.INTEGER);
            }
            text(ps, 8, cp.providerCode(), 200);
            text(ps, 9, cp.providerMessage(), MAX_TEXT);
            ps.setInt(10, cp.attempts());
            text(ps, 11, cp.deadLetter(), 1000);
            text(ps, 12, cp.batchId(), 100);
            ps.setTimestamp(13, Timestamp.from(cp.recordedAt()));
            ps.executeUpdate();
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                // the first outcome of a row stands
                return;
            }
            throw new StateStore.StateStoreException("cannot save checkpoint", e);
        }
    }

    /** Forgets a settled source; returns how many rows it had. */
    public int deleteSource(String sourceId) {
        return update("DELETE FROM checkpoint WHERE source_id = ?", sourceId);
    }

    /** Forgets checkpoints recorded before {@code cutoff}; returns how many. */
    public int purgeOlderThan(Instant cutoff) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM checkpoint WHERE recorded_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(cutoff));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("cannot purge checkpoints", e);
        }
    }

    /** Rows of a source that have a checkpoint. */
    public long count(String sourceId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM checkpoint WHERE source_id = ?")) {
            ps.setString(1, sourceId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("cannot count checkpoints", e);
        }
    }

    private int update(String sql, String arg) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("checkpoint update failed: " + e.getMessage(), e);
        }
    }

    private static void text(PreparedStatement ps, int index, String value, int max) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value.length() > max ? value.substring(0, max - 1) + "…" : value);
        }
    }
}
