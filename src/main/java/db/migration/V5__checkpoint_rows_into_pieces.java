package db.migration;

import io.participantsync.core.Checkpoint;
import io.participantsync.model.Outcome;
import io.participantsync.state.CheckpointStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Moves the checkpoints of V3's row-per-checkpoint table into pieces (V4) and drops that table. Java, not SQL: a
 * piece's text is JSON written by {@link io.participantsync.state.CheckpointCodec}, the same as the store writes.
 * The rows are read in (source, row) order, so each source's bucket becomes one piece (or a few, if large).
 */
public class V5__checkpoint_rows_into_pieces extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (Statement read = c.createStatement();
                ResultSet rs = read.executeQuery("SELECT source_no, row_no, outcome, connection_name, error_category, "
                        + "message, http_status, provider_code, provider_message, attempts, dead_letter, batch_id, "
                        + "recorded_at FROM checkpoint ORDER BY source_no, row_no");
                PreparedStatement insert = c.prepareStatement(CheckpointStore.INSERT_PIECE)) {
            long sourceNo = -1;
            long bucket = -1;
            int pieces = 0;
            List<Checkpoint> piece = new ArrayList<>();
            while (rs.next()) {
                long s = rs.getLong(1);
                long row = rs.getLong(2);
                if ((s != sourceNo || CheckpointStore.bucket(row) != bucket) && !piece.isEmpty()) {
                    CheckpointStore.addPieces(insert, sourceNo, piece);
                    piece.clear();
                    if (++pieces % 500 == 0) {
                        // a week of queue messages may be a million rows: the batch does not hold them all at once
                        insert.executeBatch();
                    }
                }
                sourceNo = s;
                bucket = CheckpointStore.bucket(row);
                piece.add(new Checkpoint("", row, Outcome.valueOf(rs.getString(3).toUpperCase(Locale.ROOT)),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getInt(7), rs.getString(8),
                        rs.getString(9), rs.getInt(10), rs.getString(11), rs.getString(12),
                        rs.getTimestamp(13).toInstant()));
            }
            if (!piece.isEmpty()) {
                CheckpointStore.addPieces(insert, sourceNo, piece);
            }
            insert.executeBatch();
        }
        try (Statement drop = c.createStatement()) {
            drop.execute("DROP TABLE checkpoint");
        }
    }
}
