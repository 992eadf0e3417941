package io.participantsync.core;

import io.participantsync.model.ParticipantUpdate;
import io.participantsync.provider.Connection;

/**
 * Tells the {@link Dispatcher} that a valid record would re-apply exactly what was last applied to that participant,
 * so it is planned {@code unchanged} with no call (the change detection of scheduled sync jobs). The implementation
 * decides which records it looks at.
 */
@FunctionalInterface
public interface ChangeDetector {

    /** Detects nothing: every valid record with a change is sent. */
    ChangeDetector NONE = (update, connection) -> false;

    /** True when {@code update} was already applied on {@code connection} as it is. */
    boolean alreadyApplied(ParticipantUpdate update, Connection connection);
}
