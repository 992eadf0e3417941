package db.migration;

import io.participantsync.core.Checkpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.HashSet;
import java.util.Set;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Checkpoints as a plain table again, one row per source row: {@code state} is {@code sending} while the row's
 * write-ahead mark stands (its provider call may have gone out) and the row's outcome once it has one. A person can
 * read it with SQL: {@code SELECT s.source_id, c.* FROM checkpoint c JOIN checkpoint_source s USING (source_no)}.
 * Moves V5's pieces into rows (the piece committed first stands for a row saved twice) and drops them.
 */
public class V6__checkpoint_pieces_into_rows extends BaseJavaMigration {

    /** Rows inserted per JDBC batch while moving. */
    private static final int BATCH = 1000;

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (Statement ddl = c.createStatement()) {
            ddl.execute("CREATE TABLE checkpoint ("
                    + "source_no BIGINT NOT NULL, "
                    + "row_no BIGINT NOT NULL, "
                    + "state VARCHAR(20) NOT NULL, "
                    + "connection_name VARCHAR(200), "
                    + "error_category VARCHAR(40), "
                    + "message VARCHAR(4000), "
                    + "http_status INTEGER, "
                    + "provider_code VARCHAR(200), "
                    + "provider_message VARCHAR(4000), "
                    + "attempts INTEGER NOT NULL, "
                    + "dead_letter VARCHAR(1000), "
                    + "batch_id VARCHAR(100), "
                    + "recorded_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                    + "PRIMARY KEY (source_no, row_no))");
        }
        try (Statement read = c.createStatement();
                ResultSet rs = read.executeQuery("SELECT source_no, bucket, checkpoints FROM checkpoint_piece "
                        + "ORDER BY source_no, bucket, piece_no");
                PreparedStatement insert = c.prepareStatement("INSERT INTO checkpoint (source_no, row_no, state, "
                        + "connection_name, error_category, message, http_status, provider_code, provider_message, "
                        + "attempts, dead_letter, batch_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            long sourceNo = -1;
            long bucket = -1;
            Set<Long> seen = new HashSet<>();
            int pending = 0;
            while (rs.next()) {
                long s = rs.getLong(1);
                long b = rs.getLong(2);
                if (s != sourceNo || b != bucket) {
                    // a row lies in one bucket only: what was seen of the previous one is not needed any more
                    seen.clear();
                    sourceNo = s;
                    bucket = b;
                }
                for (Checkpoint cp : CheckpointPieces.decode("", rs.getString(3))) {
                    if (!seen.add(cp.row())) {
                        continue;
                    }
                    insert.setLong(1, s);
                    insert.setLong(2, cp.row());
                    insert.setString(3, cp.outcome().label());
                    insert.setString(4, cp.connection());
                    insert.setString(5, cp.category());
                    insert.setString(6, cp.message());
                    insert.setInt(7, cp.httpStatus());
                    insert.setString(8, cp.providerCode());
                    insert.setString(9, cp.providerMessage());
                    insert.setInt(10, cp.attempts());
                    insert.setString(11, cp.deadLetter());
                    insert.setString(12, cp.batchId());
                    insert.setTimestamp(13, Timestamp.from(cp.recordedAt()));
                    insert.addBatch();
                    if (++pending == BATCH) {
                        insert.executeBatch();
                        pending = 0;
                    }
                }
            }
            if (pending > 0) {
                insert.executeBatch();
            }
        }
        try (Statement drop = c.createStatement()) {
            drop.execute("DROP TABLE checkpoint_piece");
        }
    }
}
