package io.participantsync.core;

import io.participantsync.model.DeliveryOutcome;

/**
 * Told of every record outcome once it is recorded in its batch, whatever the input (metrics, later audit). Called on
 * the delivery thread: implementations must be fast and must not throw.
 */
@FunctionalInterface
public interface OutcomeListener {

    void onOutcome(DeliveryOutcome outcome);
}
