package io.participantsync;

import io.participantsync.auth.TokenRequestLimit;
import io.participantsync.auth.TokenService;
import io.participantsync.config.ConfigurationException;
import io.participantsync.config.Connections;
import io.participantsync.config.Settings;
import io.participantsync.core.Batches;
import io.participantsync.core.ChangeDetector;
import io.participantsync.core.Checkpoints;
import io.participantsync.core.CoreRoutes;
import io.participantsync.core.DeliveryRetries;
import io.participantsync.core.DeliveryPolicy;
import io.participantsync.core.Dispatcher;
import io.participantsync.core.OutcomeRecorder;
import io.participantsync.core.ProviderCalls;
import io.participantsync.deadletter.DeadLetterWriter;
import io.participantsync.delivery.CircuitBreakerHealthCheck;
import io.participantsync.delivery.ConnectionGates;
import io.participantsync.delivery.ConnectionHolds;
import io.participantsync.delivery.ConnectionLimits;
import io.participantsync.delivery.Admission;
import io.participantsync.delivery.ParticipantTurns;
import io.participantsync.deadletter.SecureFiles;
import io.participantsync.http.CamelHttpTransport;
import io.participantsync.intake.AcceptedBatches;
import io.participantsync.intake.ApiKeys;
import io.participantsync.intake.CsvFilesInProgress;
import io.participantsync.intake.CsvHiddenFiles;
import io.participantsync.intake.CsvIntake;
import io.participantsync.intake.CsvOptions;
import io.participantsync.intake.CsvRecordReader;
import io.participantsync.intake.HttpIntake;
import io.participantsync.intake.NonBlockingHttpEngine;
import io.participantsync.observe.HttpServers;
import io.participantsync.observe.HttpServerTimeouts;
import io.participantsync.observe.ReadinessCheck;
import io.participantsync.observe.ReadinessHealthCheck;
import io.participantsync.observe.SyncMetrics;
import io.participantsync.provider.ProviderAdapter;
import io.participantsync.provider.ProviderRegistry;
import io.participantsync.queue.Queues;
import io.participantsync.console.ConnectionStats;
import io.participantsync.console.ConsoleApi;
import io.participantsync.console.ConsoleFiles;
import io.participantsync.deadletter.DeadLetterReplay;
import io.participantsync.state.BatchHistory;
import io.participantsync.state.CheckpointStore;
import io.participantsync.state.StateStore;
import io.participantsync.sync.SyncJobApi;
import io.participantsync.sync.SyncJobRunner;
import io.participantsync.sync.SyncJobs;
import io.participantsync.sync.SyncState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.Main;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;

/**
 * Wires the service from {@link Settings}: provider registry, validated connections, token cache, core routes and
 * the beans the YAML edges use, inside one Camel Main. {@code run} loads the edges from {@code routes/}; the one-shot
 * commands ({@code sync}) start the same core without them.
 */
public final class ParticipantSync implements AutoCloseable {

    private final Settings settings;
    private final Main main;
    private final ProviderRegistry providers;
    private final Connections connections;
    private final Dispatcher dispatcher;
    private final Batches batches;
    private final DeadLetterWriter deadLetters;
    private final TokenService tokens;
    private final CsvRecordReader csvReader;
    private final StateStore stateStore;
    private final HttpIntake httpIntake;
    private final io.vertx.core.Vertx vertx;
    private final SyncJobs syncJobs;
    private final SyncJobRunner syncJobRunner;
    private final Queues queues;
    private volatile HttpServers servers = new HttpServers(-1, -1);
    private final ConnectionGates gates;
    private final CheckpointStore checkpoints;
    private final Admission admission;
    private java.util.concurrent.ScheduledExecutorService housekeeping;
    private final Path dataDir;

    private ParticipantSync(Settings settings, boolean withEdges, boolean withState) {
        this.settings = settings;
        checkConfiguration(settings);
        if (withEdges) {
            checkPorts(settings);
        }
        this.providers = providers(settings);
        this.connections = Connections.load(settings, providers);
        if (connections.isEmpty()) {
            throw new ConfigurationException("no connection is configured: set connections.<name>.provider and its "
                    + "credentials (see README \"Configure\"), or use --sandbox");
        }
        DeliveryPolicy policy = DeliveryPolicy.from(settings);
        ConnectionHolds holds = new ConnectionHolds();
        this.gates = new ConnectionGates(ConnectionLimits.load(connections, ConnectionLimits.Defaults.from(settings)),
                holds);
        int maxWaiting = settings.getInt("delivery.max-waiting-per-connection", 512);
        int maxReaders = settings.getInt("delivery.max-batches-reading", 64);
        if (maxWaiting < 1 || maxReaders < 1) {
            throw new ConfigurationException((maxWaiting < 1 ? "delivery.max-waiting-per-connection"
                    : "delivery.max-batches-reading") + " must be at least 1");
        }
        Clock clock = Clock.systemUTC();
        Path dataDir = Path.of(settings.get("data.dir", "data"));
        this.dataDir = dataDir;
        try {
            // owner-only, also when an older version made it world-readable: state, journal, logs, work files
            SecureFiles.directories(dataDir);
        } catch (IOException e) {
            throw new ConfigurationException("data.dir: cannot create " + dataDir.toAbsolutePath() + ": "
                    + e.getMessage());
        }
        tightenDataFiles();
        this.deadLetters = new DeadLetterWriter(Path.of(settings.get("dead-letter.dir", "dead-letter")), clock);
        this.batches = new Batches(clock, deadLetters, dataDir.resolve("batches"));
        this.syncJobs = SyncJobs.load(settings, providers, connections);
        this.stateStore = withState ? StateStore.open(settings, clock) : null;
        SyncState syncState = stateStore == null ? null : new SyncState(stateStore);
        this.checkpoints = stateStore == null ? null : checkpointStore(settings, stateStore);
        Checkpoints coreCheckpoints = checkpoints == null ? Checkpoints.NONE : checkpoints;
        this.dispatcher = new Dispatcher(providers, connections, syncState == null ? ChangeDetector.NONE : syncState,
                coreCheckpoints);
        if (stateStore != null) {
            batches.addListener(new BatchHistory(stateStore, settings.getLong("state.max-stored-report-rows", 100_000),
                    deadLetters.dir()));
        }
        this.csvReader = new CsvRecordReader(CsvOptions.parse(settings.get("csv.delimiter", "auto"),
                settings.get("csv.field-mapping"), "csv").withLimits(
                settings.getInt("csv.max-columns", CsvOptions.DEFAULT_MAX_COLUMNS),
                settings.getInt("csv.max-field-length", CsvOptions.DEFAULT_MAX_FIELD_LENGTH)));
        long maxBodyBytes = settings.getLong("http.max-body-bytes", 10L * 1024 * 1024);
        this.httpIntake = stateStore == null ? null : new HttpIntake(stateStore, csvReader,
                ApiKeys.parse(settings.get("http.api-keys")), maxBodyBytes, maxHttpRecords(settings),
                settings.getInt("http.max-wait-seconds", 30), dataDir.resolve("batches"),
                new AcceptedBatches(dataDir.resolve("http-batches")), checkpoints::deleteSource, clock,
                providers.ids());
        if (httpIntake != null) {
            // after BatchHistory: a waiting request is woken only once the store holds the report
            batches.addListener(httpIntake);
        }

        this.main = new Main();
        CamelHttpTransport http = new CamelHttpTransport(this::producerTemplate);
        this.tokens = new TokenService(http, clock,
                Duration.ofSeconds(settings.getLong("auth.refresh-ahead-seconds", 60)),
                c -> TokenRequestLimit.of(c.get("token-rate-limit"),
                        providers.find(c.provider()).flatMap(ProviderAdapter::tokenRequestLimit)), holds);
        SyncMetrics metrics = new SyncMetrics(main::getCamelContext, Set.copyOf(providers.ids()),
                connections.all().stream().map(c -> c.name()).collect(Collectors.toSet()));
        ParticipantTurns turns = new ParticipantTurns();
        this.admission = new Admission(maxWaiting);
        gates.countHoldingWith(admission::holding);
        ConnectionStats connectionStats = new ConnectionStats(clock);
        OutcomeRecorder recorder = new OutcomeRecorder(batches, deadLetters, clock, List.of(metrics, connectionStats),
                coreCheckpoints, turns, admission);
        if (syncState != null) {
            recorder.addListener(syncState);
        }
        Properties camelProperties = settings.asProperties();
        // the business server enforces the API's body limit while reading, so a bigger body is never held
        camelProperties.setProperty("camel.server.max-body-size", Long.toString(maxBodyBytes));
        main.setOverrideProperties(withEdges ? camelProperties : oneShot(camelProperties));
        main.configure().withRoutesIncludePattern(withEdges ? routesPattern(settings) : null);
        ProviderCalls calls = new ProviderCalls(gates, tokens, (connection, status, nanos) -> {
            metrics.onCall(connection, status, nanos);
            connectionStats.onCall(connection, status, nanos);
        });
        main.configure().addRoutesBuilder(new DeliveryRetries(recorder, policy, gates, calls));
        main.configure().addRoutesBuilder(new CoreRoutes(dispatcher, calls, recorder, batches, turns, admission,
                connections, coreCheckpoints, clock, maxReaders));
        main.bind("csvIntake", new CsvIntake(csvReader, processedFiles(dataDir),
                checkpoints == null ? id -> { } : checkpoints::deleteSource));
        int filesInProgress = settings.getInt("csv.max-files-in-progress", 8);
        if (filesInProgress < 1) {
            throw new ConfigurationException("csv.max-files-in-progress must be at least 1, was " + filesInProgress);
        }
        main.bind("csvFilesInProgress", new CsvFilesInProgress(filesInProgress));
        main.bind("csvHiddenFiles", new CsvHiddenFiles());
        if (stateStore != null) {
            main.bind("stateStore", stateStore);
            main.bind("stateStoreReadiness", new ReadinessCheck() {
                @Override
                public String name() {
                    return "state-store";
                }

                @Override
                public Result check() {
                    return stateStore.ping() ? Result.up() : Result.down("state store does not answer");
                }
            });
            this.syncJobRunner = new SyncJobRunner(syncJobs, stateStore, http, this::producerTemplate, dataDir,
                    instanceId());
            main.bind("syncJobs", syncJobRunner);
            main.bind("syncJobApi", new SyncJobApi(syncJobRunner));
        } else {
            this.syncJobRunner = null;
        }
        if (httpIntake != null) {
            main.bind("httpIntake", httpIntake);
            main.bind("httpIntakeResponder", httpIntake.responder());
            // requests routed asynchronously: a ?wait holds no server worker thread
            main.bind("platform-http-engine", new NonBlockingHttpEngine());
            // the operations console: its JSON endpoints and its static files (routes/api-console.camel.yaml)
            main.bind("consoleApi", new ConsoleApi(stateStore, httpIntake, gates, connections, connectionStats,
                    syncJobs, new DeadLetterReplay(deadLetters.dir(), clock), checkpoints::deleteSource,
                    this::producerTemplate, dataDir.resolve("batches"), clock));
            main.bind("consoleFiles", new ConsoleFiles());
        }
        // header, read and idle timeouts of the HTTP servers (the servers use the Vert.x instance of the registry)
        this.vertx = withEdges ? httpServerVertx(settings) : null;
        if (vertx != null) {
            main.bind("vertx", vertx);
        }
        // queue edges (JMS, Kafka): broker, connection factory and their bean, only for the long-running service
        this.queues = withEdges ? Queues.create(settings, dataDir, deadLetters.dir(), clock) : null;
        if (queues != null) {
            queues.bindTo(main);
        }
        // /observe/health/ready asks every ReadinessCheck bean (broker, state store) through this one check
        main.bind("readinessHealthCheck", new ReadinessHealthCheck(main::getCamelContext));
    }

    /**
     * The Vert.x instance of the HTTP servers, with {@code http.idle-timeout-seconds} (longer than any {@code ?wait}),
     * {@code http.header-timeout-seconds} and {@code http.read-timeout-seconds}.
     */
    private static io.vertx.core.Vertx httpServerVertx(Settings settings) {
        int idle = settings.getInt("http.idle-timeout-seconds", 60);
        int header = settings.getInt("http.header-timeout-seconds", 10);
        int read = settings.getInt("http.read-timeout-seconds", 60);
        int maxWait = settings.getInt("http.max-wait-seconds", 30);
        HttpServerTimeouts.problem(idle, header, read, maxWait).ifPresent(why -> {
            throw new ConfigurationException(why);
        });
        return HttpServerTimeouts.vertx(idle, header, read);
    }

    /** {@code http.max-records}: most records one HTTP request may hold (at least 1). */
    private static long maxHttpRecords(Settings settings) {
        long max = settings.getLong("http.max-records", 10_000);
        if (max < 1) {
            throw new ConfigurationException("http.max-records must be at least 1, was " + max);
        }
        return max;
    }

    /**
     * Checks the configuration as every command that sends does (and {@code validate}, which sends nothing): unknown
     * keys, connections, delivery and limits, sync jobs, CSV and HTTP settings; throws {@link ConfigurationException}
     * naming each key at fault. Opens nothing and binds nothing.
     */
    public static void checkConfiguration(Settings settings) {
        ProviderRegistry providers = providers(settings);
        List<String> unknown = io.participantsync.config.KnownKeys.problems(settings, providers, List.of());
        if (!unknown.isEmpty()) {
            throw new ConfigurationException(unknown);
        }
        Connections connections = Connections.load(settings, providers);
        if (connections.isEmpty()) {
            throw new ConfigurationException("no connection is configured: set connections.<name>.provider and its "
                    + "credentials (see README \"Configure\"), or use --sandbox");
        }
        DeliveryPolicy.from(settings);
        ConnectionLimits.load(connections, ConnectionLimits.Defaults.from(settings));
        for (String key : List.of("delivery.max-waiting-per-connection", "delivery.max-batches-reading",
                "csv.max-files-in-progress", "checkpoint.max-pending")) {
            if (settings.getInt(key, 1) < 1) {
                throw new ConfigurationException(key + " must be at least 1, was " + settings.get(key));
            }
        }
        if (settings.getLong("checkpoint.flush-ms", 20) < 0) {
            throw new ConfigurationException("checkpoint.flush-ms must be 0 or more, was "
                    + settings.get("checkpoint.flush-ms"));
        }
        if (settings.getLong("checkpoint.retention-hours", 168) <= 0) {
            throw new ConfigurationException("checkpoint.retention-hours must be positive, was "
                    + settings.get("checkpoint.retention-hours"));
        }
        SyncJobs.load(settings, providers, connections);
        CsvOptions.parse(settings.get("csv.delimiter", "auto"), settings.get("csv.field-mapping"), "csv");
        ApiKeys.parse(settings.get("http.api-keys"));
        settings.getLong("http.max-body-bytes", 0);
        settings.getInt("http.max-wait-seconds", 0);
        settings.getLong("state.max-stored-report-rows", 0);
        settings.getInt("state.pool-size", 0);
    }

    /**
     * Where {@code run} loads its YAML edges from: {@code routes.include-pattern} when set; else the
     * {@code *.camel.yaml} files of the folder {@code routes.dir} (which must exist when set), or of {@code ./routes}
     * when that exists; else the default edges shipped inside the jar, so the service runs from any folder.
     */
    static String routesPattern(Settings settings) {
        String pattern = settings.get("routes.include-pattern");
        if (pattern != null) {
            return pattern;
        }
        String dir = settings.get("routes.dir");
        if (dir != null && !java.nio.file.Files.isDirectory(Path.of(dir))) {
            throw new ConfigurationException("routes.dir " + dir + " is not a folder (" + Path.of(dir).toAbsolutePath()
                    + ")");
        }
        Path folder = Path.of(dir != null ? dir : "routes");
        if (java.nio.file.Files.isDirectory(folder)) {
            return "file:" + folder.toString().replace('\\', '/') + "/*.camel.yaml";
        }
        return "classpath:routes/*.camel.yaml";
    }

    /**
     * The ports {@code run} listens on, checked before anything starts: one that is not a port number, or that another
     * program holds, stops startup with one line naming its key (the CLI exits 2) rather than a stack trace from deep
     * inside Camel or Artemis.
     */
    static void checkPorts(Settings settings) {
        checkPort(settings, "camel.server.enabled", "camel.server.port", 8080, settings.get("camel.server.host",
                "127.0.0.1"));
        checkPort(settings, "camel.management.enabled", "camel.management.port", 9876,
                settings.get("camel.management.host", "127.0.0.1"));
        if (settings.get("jms.broker-url") == null) {
            checkPort(settings, "jms.enabled", "jms.port", 61616, "127.0.0.1");
        }
    }

    private static void checkPort(Settings settings, String enabledKey, String key, int defaultPort, String host) {
        if ("false".equalsIgnoreCase(settings.get(enabledKey, "true"))) {
            return;
        }
        String hint = "set " + key + " or " + Settings.envName(key);
        String value = settings.get(key, String.valueOf(defaultPort));
        int port;
        try {
            port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new ConfigurationException(key + " must be a port number (1-65535, or 0 for any free port), was '"
                    + value + "': " + hint);
        }
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName(host), port));
        } catch (java.net.BindException e) {
            throw new ConfigurationException(key + " " + port + " is in use: " + hint);
        } catch (IOException e) {
            throw new ConfigurationException(key + " " + port + " cannot be opened on " + host + " (" + e.getMessage()
                    + "): " + hint);
        }
    }

    /**
     * The one-shot commands ({@code sync}, {@code validate}) start the core without edges: they bind no port (two
     * may run at once, or beside a running service) and keep no metrics nobody can scrape.
     */
    private static Properties oneShot(Properties properties) {
        properties.setProperty("camel.server.enabled", "false");
        properties.setProperty("camel.management.enabled", "false");
        properties.setProperty("camel.metrics.enabled", "false");
        return properties;
    }

    /**
     * Builds and starts the service; throws {@link ConfigurationException} naming any bad setting, or
     * {@link IllegalStateException} when Camel cannot start (e.g. a server port in use). The service
     * ({@code withEdges}) loads the YAML edges and opens the state store; one-shot commands need neither.
     */
    public static ParticipantSync start(Settings settings, boolean withEdges) {
        return start(settings, withEdges, withEdges);
    }

    public static ParticipantSync start(Settings settings, boolean withEdges, boolean withState) {
        ParticipantSync app = new ParticipantSync(settings, withEdges, withState);
        try {
            app.main.start();
            // the files H2, Artemis and the processed-files list just created with the umask's modes
            app.tightenDataFiles();
            app.servers = HttpServers.listening(app.camel());
            app.observeCircuitBreakers();
            if (app.httpIntake != null) {
                app.httpIntake.started(app.main.getCamelContext());
            }
            if (withEdges && app.checkpoints != null) {
                app.startCheckpointHousekeeping();
                // HTTP batches accepted (202) by a process that stopped before they finished
                app.httpIntake.resume(app.producerTemplate());
            }
        } catch (Exception e) {
            app.close();
            throw new IllegalStateException("cannot start Camel: " + e.getMessage(), e);
        }
        if (withEdges && app.syncJobRunner != null) {
            try {
                app.syncJobRunner.schedule(app.camel());
            } catch (RuntimeException e) {
                app.close();
                throw e;
            }
        }
        return app;
    }

    /**
     * Circuit-breaker state in readiness (when camel-health runs) and as a gauge (when a Micrometer registry is
     * bound, i.e. with {@code camel.metrics.enabled=true}); neither is required.
     */
    private void observeCircuitBreakers() {
        CamelContext camel = main.getCamelContext();
        HealthCheckRegistry health = HealthCheckRegistry.get(camel);
        if (health != null) {
            CircuitBreakerHealthCheck check = new CircuitBreakerHealthCheck(gates);
            check.setCamelContext(camel);
            health.register(check);
        }
        camel.getRegistry().findByType(MeterRegistry.class).stream().findFirst().ifPresent(gates::bindMetrics);
    }

    /**
     * Forgets checkpoints older than {@code checkpoint.retention-hours}, now and every hour: a queue message's rows
     * (whose acknowledgement the service cannot see) or a source abandoned after a crash (a file removed from the
     * inbox by hand).
     */
    private void startCheckpointHousekeeping() {
        long hours = settings.getLong("checkpoint.retention-hours", 168);
        if (hours <= 0) {
            throw new ConfigurationException("checkpoint.retention-hours must be positive, was " + hours);
        }
        Runnable purge = () -> {
            try {
                int n = checkpoints.purgeOlderThan(Clock.systemUTC().instant().minus(Duration.ofHours(hours)));
                if (n > 0) {
                    org.slf4j.LoggerFactory.getLogger(ParticipantSync.class)
                            .info("forgot {} checkpoints older than {} hours", n, hours);
                }
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ParticipantSync.class)
                        .warn("cannot purge old checkpoints: {}", e.toString());
            }
        };
        housekeeping = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "checkpoints");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(purge, 0, 1, java.util.concurrent.TimeUnit.HOURS);
        // files the libraries create later (new journal files, rolled logs) become owner-only within 15 seconds
        housekeeping.scheduleWithFixedDelay(this::tightenDataFiles, 15, 15, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** {@code checkpoint.flush-ms} and {@code checkpoint.max-pending}: how long and how many may wait uncommitted. */
    private static CheckpointStore checkpointStore(Settings settings, StateStore store) {
        long flushMs = settings.getLong("checkpoint.flush-ms", 20);
        int maxPending = settings.getInt("checkpoint.max-pending", 128);
        if (flushMs < 0) {
            throw new ConfigurationException("checkpoint.flush-ms must be 0 or more, was " + flushMs);
        }
        if (maxPending < 1) {
            throw new ConfigurationException("checkpoint.max-pending must be at least 1, was " + maxPending);
        }
        return new CheckpointStore(store.dataSource(), Duration.ofMillis(flushMs), maxPending);
    }

    /**
     * Providers with their {@code providers.<id>.*} settings: the standard five plus the adapter classes named in
     * {@code providers.extra}.
     */
    public static ProviderRegistry providers(Settings settings) {
        try {
            return ProviderRegistry.configured(id -> settings.withPrefix("providers." + id + ".", Set.of()),
                    settings.get("providers.extra"));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("providers.extra: " + e.getMessage());
        }
    }

    /** Runs until the process is stopped (SIGTERM / Ctrl-C), then shuts down gracefully. */
    public void runUntilStopped() throws Exception {
        main.run();
    }

    public CamelContext camel() {
        return main.getCamelContext();
    }

    public ProducerTemplate producerTemplate() {
        return Templates.of(main.getCamelContext());
    }

    /** The ports the business and management servers listen on ({@code -1} when off, as in one-shot commands). */
    public HttpServers servers() {
        return servers;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public Connections connections() {
        return connections;
    }

    public Batches batches() {
        return batches;
    }

    public DeadLetterWriter deadLetters() {
        return deadLetters;
    }

    public TokenService tokens() {
        return tokens;
    }

    /** Records each connection holds in memory (waiting or in a call), bounded by delivery.max-waiting-per-connection. */
    public Admission admission() {
        return admission;
    }

    /** Each connection's gate: circuit breaker, calls in flight, rate limit. */
    public ConnectionGates gates() {
        return gates;
    }

    public CsvRecordReader csvReader() {
        return csvReader;
    }

    /** The queue edges' wiring, or {@code null} when the edges are not loaded. */
    public Queues queues() {
        return queues;
    }

    public Settings settings() {
        return settings;
    }

    /** The state store, or {@code null} when this process was started without one. */
    public StateStore stateStore() {
        return stateStore;
    }

    /** The checkpoints of records (crash safety), or {@code null} when started without a state store. */
    public CheckpointStore checkpoints() {
        return checkpoints;
    }

    /** The configured sync jobs (validated at startup). */
    public SyncJobs syncJobs() {
        return syncJobs;
    }

    /** Runs sync jobs; {@code null} when this process was started without a state store. */
    public SyncJobRunner syncJobRunner() {
        return syncJobRunner;
    }

    @Override
    public void close() {
        if (housekeeping != null) {
            housekeeping.shutdownNow();
        }
        if (syncJobRunner != null) {
            syncJobRunner.close();
        }
        try {
            main.stop();
        } catch (Exception e) {
            // shutting down anyway
        }
        gates.close();
        if (checkpoints != null) {
            // after Camel: every outcome recorded so far has its checkpoint committed
            checkpoints.close();
            if (checkpoints.saves() > 0) {
                org.slf4j.LoggerFactory.getLogger(ParticipantSync.class).info("checkpoints: {} saved in {} commits",
                        checkpoints.saves(), checkpoints.commits());
            }
        }
        if (stateStore != null) {
            stateStore.close();
        }
        if (vertx != null) {
            try {
                // after Camel: the servers using it are stopped
                vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // shutting down anyway
            }
        }
        tightenDataFiles();
    }

    /**
     * {@code data.dir} and the log files (when elsewhere) owner-only: folders 0700, files 0600. Java cannot
     * set a umask, so the files H2, Artemis and Log4j create are tightened after the fact (the folders, made
     * owner-only first, already keep other users out; the wrapper script also runs with {@code umask 077}).
     */
    private void tightenDataFiles() {
        SecureFiles.ownerOnly(dataDir);
        Path logs = Path.of(System.getProperty("ps.log.dir", "data/logs"));
        if (!logs.toAbsolutePath().normalize().startsWith(dataDir.toAbsolutePath().normalize())) {
            // a log folder elsewhere may be shared (e.g. /var/log): only our own log files
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(logs)) {
                files.filter(f -> f.getFileName().toString().startsWith("participant-sync"))
                        .forEach(SecureFiles::ownerOnlyFile);
            } catch (IOException | RuntimeException e) {
                // no log folder (yet)
            }
        }
    }

    /** Names this process as a lock owner: host, pid and a random part (two services in one JVM differ). */
    private static String instanceId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return host + "/" + ProcessHandle.current().pid() + "/" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    private static FileIdempotentRepository processedFiles(Path dataDir) {
        try {
            SecureFiles.directories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dataDir, e);
        }
        return (FileIdempotentRepository) FileIdempotentRepository.fileIdempotentRepository(
                dataDir.resolve("processed-files.txt").toFile(), 100_000);
    }

    /** One ProducerTemplate per CamelContext, created on first use (after Camel started). */
    private static final class Templates {
        private static final java.util.Map<CamelContext, ProducerTemplate> BY_CONTEXT =
                java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

        static ProducerTemplate of(CamelContext context) {
            return BY_CONTEXT.computeIfAbsent(context, c -> {
                ProducerTemplate t = c.createProducerTemplate(1000);
                return t;
            });
        }
    }
}
