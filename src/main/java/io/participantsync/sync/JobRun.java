package io.participantsync.sync;

import io.participantsync.core.BatchReport;

/**
 * The result of asking for one run of a sync job: it ran (with its batch report; {@code sourceError} says when the
 * source could not be read, so the batch is empty), or it was skipped because another run holds the job's lock.
 */
public record JobRun(String job, String batchId, Status status, BatchReport report, String sourceError) {

    /** How the run ended. */
    public enum Status { COMPLETED, SOURCE_FAILED, SKIPPED_LOCKED }

    static JobRun skipped(String job) {
        return new JobRun(job, null, Status.SKIPPED_LOCKED, null, null);
    }

    /** Ran, read its source, and no record was rejected or failed. */
    public boolean succeeded() {
        return status == Status.COMPLETED && report != null && report.allSucceeded();
    }
}
