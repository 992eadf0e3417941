package io.participantsync.core;

/** Told when a batch opens and when it closes (the state store keeps the batch history this way). */
public interface BatchListener {

    void opened(String batchId, String sourceKind, String sourceName);

    void closed(BatchReport report);
}
