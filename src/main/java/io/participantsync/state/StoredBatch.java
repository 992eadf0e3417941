package io.participantsync.state;

import java.time.Instant;

/**
 * A batch as the state store keeps it: its counts, status ({@code running}, {@code completed}, or {@code failed} when
 * its source could not be read) and, once finished, the full JSON batch report.
 */
public record StoredBatch(String batchId, String sourceKind, String sourceName, String jobName, String status,
        Instant startedAt, Instant finishedAt, long received, long updated, long unchanged, long rejected, long failed,
        String reportJson) {

    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";

    /** Completed or failed: the batch has its report. */
    public boolean finished() {
        return COMPLETED.equals(status) || FAILED.equals(status);
    }
}
