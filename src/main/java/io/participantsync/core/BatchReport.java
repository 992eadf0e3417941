package io.participantsync.core;

import io.participantsync.model.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The summary of a finished batch; the full report (with every row) is the JSON file at {@code reportFile}.
 * {@code received} is always the sum of the four outcomes. {@code failure} says why the batch's source could not be
 * read (or not to its end): such a batch is {@code failed}, whatever its records' outcomes; null when it was read.
 */
public record BatchReport(String batchId, String sourceKind, String sourceName, Instant startedAt,
        Instant finishedAt, Map<Outcome, Long> counts, Map<String, Map<Outcome, Long>> byProvider, List<String> notes,
        Path reportFile, List<Path> rejectedCsvFiles, String failure) {

    /** Status of a batch whose every record read has its outcome. */
    public static final String COMPLETED = "completed";
    /** Status of a batch whose source failed: not read, or not to its end. */
    public static final String FAILED = "failed";

    public String status() {
        return failure == null ? COMPLETED : FAILED;
    }

    public long received() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    public long count(Outcome o) {
        return counts.getOrDefault(o, 0L);
    }

    /**
     * One line for the log: {@code completed in 1.2 s: received 5 (updated 3, unchanged 1, rejected 1, failed 0)},
     * and the failure of a failed batch.
     */
    public String summary() {
        long ms = Duration.between(startedAt, finishedAt).toMillis();
        String took = ms < 1000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        return status() + " in " + took + ": received " + received() + " (updated " + count(Outcome.UPDATED)
                + ", unchanged " + count(Outcome.UNCHANGED) + ", rejected " + count(Outcome.REJECTED) + ", failed "
                + count(Outcome.FAILED) + ")" + (failure == null ? "" : "; " + failure);
    }

    public boolean allSucceeded() {
        return failure == null && count(Outcome.REJECTED) == 0 && count(Outcome.FAILED) == 0;
    }
}
