package io.participantsync.sync;

import io.participantsync.model.CanonicalFields;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.model.Source;
import io.participantsync.state.BatchHistory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one source row (a JDBC row, a JSON object, a CSV record) of one run into its canonical record: column
 * names renamed by the job's field mapping (as {@code csv.field-mapping} does), the job's default provider and
 * connection where the row has none, and source kind {@code sync-job}, name the job, the row number and a
 * correlation id {@code <batch-id>#<row>}.
 */
final class RowMapper {

    private final SyncJob job;
    private final String batchId;

    RowMapper(SyncJob job, String batchId) {
        this.job = job;
        this.batchId = batchId;
    }

    /** A row given as column names and values (in column order; a {@code null} value is blank). */
    ParticipantUpdate map(long row, List<String> columns, List<String> values, List<Problem> readProblems) {
        List<Problem> problems = new ArrayList<>(readProblems);
        String provider = null;
        String connection = null;
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            String name = job.mapping().canonicalName(columns.get(i));
            String value = i < values.size() ? values.get(i) : null;
            if (name.equals(CanonicalFields.PROVIDER)) {
                provider = value;
            } else if (name.equals(CanonicalFields.CONNECTION)) {
                connection = value;
            } else if (fields.containsKey(name)) {
                problems.add(Problem.of(name, "column appears more than once"));
            } else if (value != null) {
                fields.put(name, value);
            }
        }
        return withDefaults(new ParticipantUpdate(provider, connection, fields, null, problems), row);
    }

    /**
     * A record read by another reader (the CSV reader): the job's defaults and source. The default connection
     * belongs to the default provider: a row naming another provider keeps that provider's own default connection.
     */
    ParticipantUpdate withDefaults(ParticipantUpdate u, long row) {
        String provider = u.provider() != null ? u.provider() : job.provider();
        String connection = u.connection();
        if (connection == null && (provider == null || provider.equals(job.provider()))) {
            connection = job.connection();
        }
        return new ParticipantUpdate(provider, connection, u.fields(), source(row), u.problems());
    }

    private Source source(long row) {
        return new Source(BatchHistory.SYNC_JOB, job.name(), row, Instant.now(), batchId + "#" + row, null, null);
    }
}
