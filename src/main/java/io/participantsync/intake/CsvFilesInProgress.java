package io.participantsync.intake;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.RouteIdAware;
import org.apache.camel.support.DefaultPollingConsumerPollStrategy;
import org.apache.camel.support.ScheduledBatchPollingConsumer;

/**
 * The CSV drop's poll strategy ({@code pollStrategy=#csvFilesInProgress} in {@code routes/intake-csv.camel.yaml}):
 * files are taken as they arrive and delivered side by side, each on its own, but at most {@code csv.max-files-in-
 * progress} at once. Before each poll it counts the route's files still in progress (Camel's in-flight exchanges of
 * the route) and lets the poll take only as many new ones as there is room for; when there is none, the poll is
 * skipped and the files wait in the inbox.
 */
public final class CsvFilesInProgress extends DefaultPollingConsumerPollStrategy {

    private final int max;

    public CsvFilesInProgress(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("at least one file in progress");
        }
        this.max = max;
    }

    public int max() {
        return max;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        String routeId = consumer instanceof RouteIdAware r ? r.getRouteId() : null;
        int inProgress = routeId == null ? 0 : endpoint.getCamelContext().getInflightRepository().size(routeId);
        int room = max - inProgress;
        if (room <= 0) {
            return false;
        }
        if (consumer instanceof ScheduledBatchPollingConsumer batch) {
            batch.setMaxMessagesPerPoll(room);
        }
        return true;
    }
}
