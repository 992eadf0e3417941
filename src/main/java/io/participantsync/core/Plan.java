package io.participantsync.core;

import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.provider.Connection;
import io.participantsync.provider.ProviderAdapter;
import io.participantsync.provider.ProviderRequest;
import java.util.List;

/** What the core will do with one record, decided before any call. */
public sealed interface Plan {

    ParticipantUpdate update();

    /** The connection name, or {@code null} when none could be resolved. */
    String connectionName();

    /** Invalid input: rejected without a call. */
    record Reject(ParticipantUpdate update, String connectionName, List<Problem> problems) implements Plan {
    }

    /** Nothing to change: no call. */
    record Unchanged(ParticipantUpdate update, Connection connection) implements Plan {
        @Override
        public String connectionName() {
            return connection.name();
        }
    }

    /**
     * Already has a final outcome, from an earlier run of the same source that was interrupted (a crash): that
     * outcome is re-emitted, no call is made.
     */
    record Resumed(ParticipantUpdate update, Checkpoint checkpoint) implements Plan {
        @Override
        public String connectionName() {
            return checkpoint.connection();
        }
    }

    /**
     * Send {@code request} on {@code connection}. {@code inDoubt}: the row's write-ahead mark was found without an
     * outcome (a run stopped while its call was under way), so the provider's read decides before it is sent again.
     */
    record Deliver(ParticipantUpdate update, Connection connection, ProviderAdapter adapter, ProviderRequest request,
            boolean inDoubt) implements Plan {

        /** A record no earlier run has sent. */
        public Deliver(ParticipantUpdate update, Connection connection, ProviderAdapter adapter,
                ProviderRequest request) {
            this(update, connection, adapter, request, false);
        }

        @Override
        public String connectionName() {
            return connection.name();
        }
    }
}
