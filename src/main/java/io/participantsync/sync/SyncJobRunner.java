package io.participantsync.sync;

import io.participantsync.config.ConfigurationException;
import io.participantsync.core.BatchReport;
import io.participantsync.core.Endpoints;
import io.participantsync.core.Headers;
import io.participantsync.core.RecordSource;
import io.participantsync.http.HttpTransport;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.Outcome;
import io.participantsync.state.BatchHistory;
import io.participantsync.state.StateStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.model.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sync jobs (the {@code syncJobs} bean of {@code routes/intake-schedule.camel.yaml}, the {@code sync-job}
 * command and the HTTP API): takes the job's lock in the state store (a run elsewhere holds it: this one is
 * skipped), reads the source, and sends its rows as one batch through {@code direct:ingest-batch}
 * (source kind {@code sync-job}, name the job, report {@code <data.dir>/jobs/<job>/<batch-id>.report.json}); the
 * lock is renewed while the run lasts and released after it.
 */
public final class SyncJobRunner implements AutoCloseable {

    /** The route template of {@code routes/intake-schedule.camel.yaml}, instantiated once per job with a cron. */
    public static final String TEMPLATE_ID = "intake-sync-job";
    /** Header the scheduled route sets: the job to run. */
    public static final String JOB_HEADER = "PsSyncJob";

    private static final Logger LOG = LoggerFactory.getLogger("participant-sync.sync-jobs");

    private final SyncJobs jobs;
    private final StateStore store;
    private final HttpTransport http;
    private final Supplier<ProducerTemplate> template;
    private final Path dataDir;
    private final String instanceId;
    private final ExecutorService background;
    private final ScheduledExecutorService renewals;

    public SyncJobRunner(SyncJobs jobs, StateStore store, HttpTransport http, Supplier<ProducerTemplate> template,
            Path dataDir, String instanceId) {
        this.jobs = jobs;
        this.store = store;
        this.http = http;
        this.template = template;
        this.dataDir = dataDir;
        this.instanceId = instanceId;
        this.background = Executors.newCachedThreadPool(daemon("sync-job-run"));
        this.renewals = Executors.newSingleThreadScheduledExecutor(daemon("sync-job-lock"));
    }

    public SyncJobs jobs() {
        return jobs;
    }

    public StateStore store() {
        return store;
    }

    /** This process's lock owner prefix: two instances sharing a state store have different ids. */
    public String instanceId() {
        return instanceId;
    }

    /** Adds the route {@code sync-job-<name>} from the template for every job with a cron. */
    public void schedule(CamelContext camel) {
        if (jobs.all().stream().noneMatch(j -> j.cron() != null)) {
            return;
        }
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        if (model.getRouteTemplateDefinition(TEMPLATE_ID) == null) {
            throw new ConfigurationException("sync-jobs: the route template " + TEMPLATE_ID + " is not loaded "
                    + "(routes/intake-schedule.camel.yaml)");
        }
        for (SyncJob job : jobs.all()) {
            if (job.cron() == null) {
                LOG.info("sync job {}: no cron, runs only by hand", job.name());
                continue;
            }
            try {
                camel.addRouteFromTemplate("sync-job-" + job.name(), TEMPLATE_ID,
                        Map.of("name", job.name(), "cron", job.cron()));
            } catch (Exception e) {
                throw new IllegalStateException("sync job " + job.name() + ": cannot schedule: " + e.getMessage(), e);
            }
            LOG.info("sync job {}: scheduled, cron '{}'", job.name(), job.cron());
        }
    }

    /** The scheduled route's step: runs the job named by {@link #JOB_HEADER}. */
    public void runScheduled(Exchange exchange) {
        run(exchange.getIn().getHeader(JOB_HEADER, String.class), null);
    }

    /** Runs a job now and waits for its report. */
    public JobRun run(String name, Consumer<DeliveryOutcome> listener) {
        SyncJob job = require(name);
        String batchId = UUID.randomUUID().toString();
        String owner = owner(batchId);
        if (!store.tryLock(job.name(), owner, job.lockTtl())) {
            LOG.info("sync job {}: skipped, another run holds its lock", job.name());
            return JobRun.skipped(job.name());
        }
        return runLocked(job, batchId, owner, listener);
    }

    /**
     * Starts a run in the background (the HTTP API): takes the lock now and returns the run's batch id, or empty
     * when another run holds the lock.
     */
    public Optional<String> start(String name) {
        SyncJob job = require(name);
        String batchId = UUID.randomUUID().toString();
        String owner = owner(batchId);
        if (!store.tryLock(job.name(), owner, job.lockTtl())) {
            LOG.info("sync job {}: not started, another run holds its lock", job.name());
            return Optional.empty();
        }
        try {
            background.execute(() -> {
                try {
                    runLocked(job, batchId, owner, null);
                } catch (RuntimeException e) {
                    LOG.error("sync job {}: run {} broke: {}", job.name(), batchId, job.mask(e.getMessage()));
                }
            });
        } catch (RuntimeException e) {
            store.unlock(job.name(), owner);
            throw e;
        }
        return Optional.of(batchId);
    }

    private JobRun runLocked(SyncJob job, String batchId, String owner, Consumer<DeliveryOutcome> listener) {
        long every = Math.max(1, job.lockTtl().toMillis() / 3);
        ScheduledFuture<?> renewal = renewals.scheduleAtFixedRate(() -> renew(job, owner), every, every,
                TimeUnit.MILLISECONDS);
        try {
            return execute(job, batchId, listener);
        } finally {
            renewal.cancel(false);
            try {
                store.unlock(job.name(), owner);
            } catch (RuntimeException e) {
                LOG.warn("sync job {}: cannot release its lock (it expires after {} s): {}", job.name(),
                        job.lockTtl().toSeconds(), e.getMessage());
            }
        }
    }

    private JobRun execute(SyncJob job, String batchId, Consumer<DeliveryOutcome> listener) {
        RowMapper mapper = new RowMapper(job, batchId);
        RecordSource records;
        String sourceError = null;
        try {
            records = job.source() == SyncJob.Kind.JDBC ? JdbcRows.open(job, mapper)
                    : HttpRows.open(job, mapper, http);
        } catch (SourceException e) {
            sourceError = e.getMessage();
            LOG.warn("sync job {}: run {}: cannot read the source: {}", job.name(), batchId, sourceError);
            records = RecordSource.failed("cannot read the source: " + sourceError);
        }
        Map<String, Object> headers = new HashMap<>();
        headers.put(Headers.BATCH_ID, batchId);
        headers.put(Headers.SOURCE_KIND, BatchHistory.SYNC_JOB);
        headers.put(Headers.SOURCE_NAME, job.name());
        headers.put(Headers.REPORT_PATH, reportPath(job.name(), batchId).toString());
        if (listener != null) {
            headers.put(Headers.OUTCOME_LISTENER, listener);
        }
        BatchReport r = template.get().requestBodyAndHeaders(Endpoints.INGEST_BATCH, records, headers,
                BatchReport.class);
        LOG.info("sync job {}: run {} {}: received {}, updated {}, unchanged {}, rejected {}, failed {}", job.name(),
                batchId, r.status(), r.received(), r.count(Outcome.UPDATED), r.count(Outcome.UNCHANGED),
                r.count(Outcome.REJECTED), r.count(Outcome.FAILED));
        return new JobRun(job.name(), batchId, sourceError == null ? JobRun.Status.COMPLETED
                : JobRun.Status.SOURCE_FAILED, r, sourceError);
    }

    /** Where a run's JSON report goes. */
    public Path reportPath(String job, String batchId) {
        return dataDir.resolve("jobs").resolve(job).resolve(batchId + ".report.json");
    }

    private void renew(SyncJob job, String owner) {
        try {
            if (!store.tryLock(job.name(), owner, job.lockTtl())) {
                LOG.warn("sync job {}: its lock was taken by another instance while this run lasted", job.name());
            }
        } catch (RuntimeException e) {
            LOG.warn("sync job {}: cannot renew its lock: {}", job.name(), e.getMessage());
        }
    }

    private SyncJob require(String name) {
        return jobs.find(name).orElseThrow(() -> new IllegalArgumentException("no sync job named '" + name
                + "' (configured: " + (jobs.isEmpty() ? "none" : String.join(", ", jobs.names())) + ")"));
    }

    private String owner(String batchId) {
        // one owner per run: a second run in the same process is refused by the lock too
        return instanceId + "/" + batchId;
    }

    /** Waits (up to 30 s) for runs started in the background, so their locks are released before the store closes. */
    @Override
    public void close() {
        background.shutdown();
        try {
            if (!background.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("sync jobs: runs still busy at shutdown; their locks expire on their own");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        renewals.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
