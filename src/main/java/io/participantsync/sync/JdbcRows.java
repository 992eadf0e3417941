package io.participantsync.sync;

import io.participantsync.core.RecordSource;
import io.participantsync.model.ParticipantUpdate;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Properties;

/**
 * A JDBC sync source: runs the job's query and streams its rows (a cursor with a fetch size, so memory stays flat)
 * as canonical records; each column label is a field name (renamed by the field mapping). The connection is opened
 * per run and closed with the stream: a job runs every few minutes at most, so no pool is kept.
 */
final class JdbcRows implements RecordSource {

    private static final int FETCH_SIZE = 500;

    private final SyncJob job;
    private final RowMapper mapper;
    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private final List<String> columns;
    private final List<String> notes = new ArrayList<>();
    private Boolean ready;
    private long row;

    private JdbcRows(SyncJob job, RowMapper mapper, Connection connection, PreparedStatement statement,
            ResultSet rows, List<String> columns) {
        this.job = job;
        this.mapper = mapper;
        this.connection = connection;
        this.statement = statement;
        this.rows = rows;
        this.columns = columns;
    }

    /** Connects and runs the query; the error of a failing source names the job, never its password. */
    static JdbcRows open(SyncJob job, RowMapper mapper) throws SourceException {
        Connection c = null;
        try {
            Properties props = new Properties();
            if (job.jdbcUser() != null) {
                props.setProperty("user", job.jdbcUser());
            }
            if (job.jdbcPassword() != null) {
                props.setProperty("password", job.jdbcPassword());
            }
            c = DriverManager.getConnection(job.jdbcUrl(), props);
            c.setReadOnly(true);
            // PostgreSQL streams with a cursor only inside a transaction
            c.setAutoCommit(false);
            PreparedStatement ps = c.prepareStatement(job.query(), ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY);
            ps.setFetchSize(FETCH_SIZE);
            ResultSet rs = ps.executeQuery();
            ResultSetMetaData meta = rs.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnLabel(i));
            }
            return new JdbcRows(job, mapper, c, ps, rs, List.copyOf(columns));
        } catch (SQLException e) {
            closeQuietly(c);
            throw new SourceException("query failed: " + job.mask(e.getMessage()));
        }
    }

    @Override
    public boolean hasNext() {
        if (ready == null) {
            try {
                ready = rows.next();
            } catch (SQLException e) {
                throw new IllegalStateException("sync job " + job.name() + ": reading row " + (row + 1)
                        + " failed: " + job.mask(e.getMessage()));
            }
            if (!ready) {
                if (row == 0) {
                    notes.add("the query returned no rows");
                }
                close();
            }
        }
        return ready;
    }

    @Override
    public ParticipantUpdate next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ready = null;
        row++;
        List<String> values = new ArrayList<>(columns.size());
        try {
            for (int i = 1; i <= columns.size(); i++) {
                values.add(text(rows.getObject(i)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("sync job " + job.name() + ": reading row " + row + " failed: "
                    + job.mask(e.getMessage()));
        }
        return mapper.map(row, columns, values, List.of());
    }

    @Override
    public List<String> notes() {
        return List.copyOf(notes);
    }

    @Override
    public void close() {
        try {
            rows.close();
            statement.close();
            connection.rollback();
        } catch (SQLException e) {
            // read-only: nothing to lose
        }
        closeQuietly(connection);
    }

    /** Booleans as true/false (PostgreSQL's getString says t/f), numbers without trailing zeros. */
    static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal d) {
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        }
        return value.toString();
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // already broken
            }
        }
    }
}
