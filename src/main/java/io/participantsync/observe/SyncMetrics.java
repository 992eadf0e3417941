package io.participantsync.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.participantsync.core.OutcomeListener;
import io.participantsync.core.ProviderCallListener;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.provider.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * participant-sync's own meters, in the Prometheus registry camel-micrometer-prometheus binds in the Camel registry
 * (so they are scraped with Camel's at {@code /observe/metrics}): {@code participant_sync_records_total} per
 * connection, provider and outcome, and the {@code participant_sync_provider_call_seconds} histogram per connection,
 * provider and status class. Records nothing when Camel metrics are off (the one-shot commands).
 */
public final class SyncMetrics implements OutcomeListener, ProviderCallListener {

    /** Micrometer name of the record counter; Prometheus shows {@code participant_sync_records_total}. */
    public static final String RECORDS = "participant.sync.records";
    /** Micrometer name of the call timer; Prometheus shows {@code participant_sync_provider_call_seconds_*}. */
    public static final String PROVIDER_CALL = "participant.sync.provider.call";
    /** Label value when a record has no resolved connection or provider. */
    public static final String NONE = "none";
    /** Label value for a provider or connection name that is not configured (a rejected record's input). */
    public static final String UNKNOWN = "unknown";

    private static final Logger LOG = LoggerFactory.getLogger(SyncMetrics.class);
    // explicit buckets: a handful of series per connection that still separate a fast API from a slow one
    private static final Duration[] BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final Supplier<CamelContext> camel;
    private final Set<String> providerIds;
    private final Set<String> connectionNames;
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;
    private volatile boolean absent;

    /**
     * @param camel       the Camel context, asked for the meter registry on first use (it is bound while Camel
     *                    starts)
     * @param providerIds     the known provider ids
     * @param connectionNames the configured connections; any other provider or connection name a record carries is
     *                        labelled {@code unknown}, so bad input cannot create unbounded series
     */
    public SyncMetrics(Supplier<CamelContext> camel, Set<String> providerIds, Set<String> connectionNames) {
        this.camel = camel;
        this.providerIds = Set.copyOf(providerIds);
        this.connectionNames = Set.copyOf(connectionNames);
    }

    @Override
    public void onOutcome(DeliveryOutcome outcome) {
        MeterRegistry r = registry();
        if (r == null) {
            return;
        }
        String provider = outcome.update() == null ? NONE : label(outcome.update().provider(), providerIds);
        String connection = label(outcome.connection(), connectionNames);
        String label = outcome.outcome().label();
        try {
            counters.computeIfAbsent(List.of(connection, provider, label), k -> Counter.builder(RECORDS)
                    .description("Records that reached an outcome, by connection, provider and outcome")
                    .tag("connection", connection).tag("provider", provider).tag("outcome", label)
                    .register(r)).increment();
        } catch (RuntimeException e) {
            LOG.debug("cannot count an outcome: {}", e.toString());
        }
    }

    @Override
    public void onCall(Connection connection, int status, long nanos) {
        MeterRegistry r = registry();
        if (r == null) {
            return;
        }
        String outcome = statusClass(status);
        try {
            timers.computeIfAbsent(List.of(connection.name(), connection.provider(), outcome), k -> Timer
                    .builder(PROVIDER_CALL)
                    .description("Provider HTTP calls (guard reads and updates, failed calls too), by connection, "
                            + "provider and status class")
                    .tag("connection", connection.name()).tag("provider", connection.provider())
                    .tag("outcome", outcome)
                    .serviceLevelObjectives(BUCKETS)
                    .register(r)).record(nanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            LOG.debug("cannot time a provider call: {}", e.toString());
        }
    }

    /** {@code 2xx}, {@code 4xx}, ... for an answer; {@code io_error} when none arrived. */
    static String statusClass(int status) {
        return status >= 100 && status <= 599 ? (status / 100) + "xx" : "io_error";
    }

    private static String label(String value, Set<String> known) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        return known.contains(value) ? value : UNKNOWN;
    }

    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r != null || absent) {
            return r;
        }
        CamelContext context = camel.get();
        if (context == null) {
            return null;
        }
        r = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        if (r != null) {
            registry = r;
        } else if (context.isStarted()) {
            // Camel is up without camel-micrometer-prometheus's registry: metrics are off, stop looking
            absent = true;
        }
        return r;
    }
}
