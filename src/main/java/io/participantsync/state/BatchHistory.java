package io.participantsync.state;

import io.participantsync.core.BatchListener;
import io.participantsync.core.BatchReport;
import io.participantsync.model.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * Keeps every batch in the state store: a row when it opens ({@code running}) and its counts and JSON report when it
 * closes, so {@code GET /api/v1/batches/{id}} and a sync job's run list can answer from any instance. Reports with
 * more than {@code maxStoredRows} rows are not copied into the database (their file stays the source).
 */
public final class BatchHistory implements BatchListener {

    /** Source kind of scheduled sync-job runs: their source name is the job name. */
    public static final String SYNC_JOB = "sync-job";

    private final StateStore store;
    private final long maxStoredRows;

    public BatchHistory(StateStore store, long maxStoredRows) {
        this.store = store;
        this.maxStoredRows = maxStoredRows;
    }

    @Override
    public void opened(String batchId, String sourceKind, String sourceName) {
        store.batchStarted(batchId, sourceKind, sourceName, SYNC_JOB.equals(sourceKind) ? sourceName : null);
    }

    @Override
    public void closed(BatchReport r) {
        String json = null;
        if (r.reportFile() != null && r.received() <= maxStoredRows && Files.isReadable(r.reportFile())) {
            try {
                json = Files.readString(r.reportFile(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read report " + r.reportFile(), e);
            }
        }
        store.batchFinished(r.batchId(), r.status(), r.finishedAt(), r.received(), r.count(Outcome.UPDATED),
                r.count(Outcome.UNCHANGED), r.count(Outcome.REJECTED), r.count(Outcome.FAILED), json);
    }
}
