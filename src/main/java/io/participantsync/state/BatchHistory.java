package io.participantsync.state;

import io.participantsync.core.BatchListener;
import io.participantsync.core.BatchReport;
import io.participantsync.deadletter.DeadLetterReplay;
import io.participantsync.model.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps every batch in the state store: a row when it opens ({@code running}) and its counts and JSON report when it
 * closes, so {@code GET /api/v1/batches/{id}} and a sync job's run list can answer from any instance, and each of its
 * records' outcome as a row ({@link BatchRecords}) for the console. Reports with more than {@code maxStoredRows} rows
 * are not copied into the database (their file stays the source). A replay batch marks the dead letters it replayed
 * as such in the dead-letter list (the console claims its own before it starts them; {@code replay} is told here).
 */
public final class BatchHistory implements BatchListener {

    /** Source kind of scheduled sync-job runs: their source name is the job name. */
    public static final String SYNC_JOB = "sync-job";

    private final StateStore store;
    private final BatchRecords records;
    private final long maxStoredRows;
    private final Path deadLetterDir;

    /** {@code deadLetterDir}: the folder replayed dead letters are named relative to. */
    public BatchHistory(StateStore store, long maxStoredRows, Path deadLetterDir) {
        this.store = store;
        this.records = new BatchRecords(store.dataSource());
        this.maxStoredRows = maxStoredRows;
        this.deadLetterDir = deadLetterDir;
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
            // before the batch is finished in the store: whoever sees it finished finds its records
            records.storeFromReport(r.batchId(), r.reportFile(), r.finishedAt());
            if (DeadLetterReplay.SOURCE_KIND.equals(r.sourceKind())) {
                markReplayed(r);
            }
        }
        store.batchFinished(r.batchId(), r.status(), r.finishedAt(), r.received(), r.count(Outcome.UPDATED),
                r.count(Outcome.UNCHANGED), r.count(Outcome.REJECTED), r.count(Outcome.FAILED), json);
    }

    /** The dead letters a replay batch re-sent (its records' sources name them) leave the pending list. */
    private void markReplayed(BatchReport r) {
        records.records(r.batchId(), null, null, Integer.MAX_VALUE - 1).items().forEach(row -> {
            String name = row.source();
            int hash = name == null ? -1 : name.lastIndexOf('#');
            String location = hash < 0 ? (name == null ? null : deadLetterDir.resolve(name).toString())
                    : deadLetterDir.resolve(name.substring(0, hash)) + name.substring(hash);
            if (location != null) {
                records.markReplayed(location, r.batchId(), r.finishedAt());
            }
        });
    }
}
