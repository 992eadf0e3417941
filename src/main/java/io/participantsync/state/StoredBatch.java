package io.participantsync.state;

import java.time.Instant;

/**
 * A batch as the state store keeps it: its counts, status ({@code running} or {@code completed}) and, once
 * completed, the full JSON batch report.
 */
public record StoredBatch(String batchId, String sourceKind, String sourceName, String jobName, String status,
        Instant startedAt, Instant finishedAt, long received, long updated, long unchanged, long rejected, long failed,
        String reportJson) {

    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
}
