package io.participantsync.intake;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.core.BatchListener;
import io.participantsync.core.BatchReport;
import io.participantsync.core.Endpoints;
import io.participantsync.core.Headers;
import io.participantsync.core.RecordSource;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.state.StateStore;
import io.participantsync.state.StoredBatch;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API's bean (see {@code routes/intake-http.camel.yaml}): authenticates a request, turns a JSON or CSV body
 * into canonical records for {@code direct:ingest-batch}, honours {@code Idempotency-Key}, answers {@code 202} (or
 * {@code 200} with the report after {@code ?wait}), serves batch reports from the state store, the OpenAPI document,
 * and RFC 9457 problems. It holds no delivery logic: the core does that.
 * <p>
 * Crash safety: an accepted body is kept on disk ({@link AcceptedBatches}) before the {@code 202}, its records are
 * checkpointed under {@code http:<batch id>}, and {@link #resume} restarts at startup every accepted batch that did
 * not finish; the rows that already had an outcome are re-emitted, the others sent.
 */
public final class HttpIntake implements BatchListener {

    /** Exchange properties the edge reads: whether to hand the records to the core. */
    public static final String NEW_BATCH = "PsHttpNewBatch";
    static final String BATCH_ID = "PsHttpBatchId";
    static final String RECEIVED = "PsHttpReceived";
    static final String WAIT = "PsHttpWait";
    static final String REPLAY = "PsHttpReplay";
    static final String PATH = "PsHttpPath";
    static final String REQUEST_ID = "PsHttpRequestId";
    /** When the request arrived ({@link System#nanoTime}): {@code ?wait} counts from here. */
    static final String STARTED = "PsHttpStarted";
    /** The caller's scope ({@link ApiKeys#check}): its Idempotency-Keys are its own. */
    static final String SCOPE = "PsHttpScope";

    public static final String KIND = "http";
    /** Prefix of the source ids of HTTP batches. */
    public static final String SOURCE_ID_PREFIX = "http:";
    static final String PROBLEM_JSON = "application/problem+json";
    private static final String JSON = "application/json";
    private static final String BATCHES_PATH = "/api/v1/batches/";
    private static final String OPENAPI_RESOURCE = "/openapi/participant-sync-api.json";
    /** Where the document's {@code provider} field is: its enum is the registry's ids. */
    private static final JsonPointer PROVIDER_SCHEMA = JsonPointer.compile(
            "/components/schemas/ParticipantUpdate/properties/provider");
    private static final int MAX_IDEMPOTENCY_KEY = 255;
    private static final Pattern PARSE_STOP = Pattern.compile("parsing stopped at row (\\d+)[^:]*: (.*)");
    private static final Logger LOG = LoggerFactory.getLogger(HttpIntake.class);

    private final StateStore store;
    private final CsvRecordReader csvReader;
    private final JsonRecordMapper jsonMapper = new JsonRecordMapper();
    private final ApiKeys keys;
    private final long maxBodyBytes;
    private final long maxRecords;
    private final int maxWaitSeconds;
    private final Path reportDir;
    private final AcceptedBatches accepted;
    private final Consumer<String> settled;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    /** Batches accepted by this instance and not finished yet: their progress, and a signal for {@code ?wait}. */
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    private final List<String> providerIds;
    private volatile byte[] openApi;
    /** Resumes {@code ?wait} requests: at their deadline, on their batch's completion, or to poll the store. */
    private final ScheduledThreadPoolExecutor waitTimer;
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param maxRecords  most records one request may hold ({@code http.max-records}); more is a {@code 413}
     * @param reportDir   where each batch's JSON report file is written ({@code <data.dir>/batches})
     * @param accepted    where accepted bodies are kept until their batch finished
     * @param settled     told the source id of a finished batch (its checkpoints can go)
     * @param providerIds the registered providers: the OpenAPI document's {@code provider} enum
     */
    public HttpIntake(StateStore store, CsvRecordReader csvReader, ApiKeys keys, long maxBodyBytes,
            long maxRecords, int maxWaitSeconds, Path reportDir, AcceptedBatches accepted, Consumer<String> settled, Clock clock,
            Collection<String> providerIds) {
        this.providerIds = List.copyOf(providerIds);
        this.store = store;
        this.csvReader = csvReader;
        this.keys = keys;
        this.maxBodyBytes = maxBodyBytes;
        this.maxRecords = maxRecords;
        this.maxWaitSeconds = maxWaitSeconds;
        this.reportDir = reportDir;
        this.accepted = accepted;
        this.settled = settled;
        this.clock = clock;
        // two threads: many waits ending at once are answered side by side
        this.waitTimer = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "http-wait");
            t.setDaemon(true);
            return t;
        });
        waitTimer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Called once the service started: shapes the business server's 413 as a problem and says at startup
     * (WARN) when no API key is configured.
     */
    public void started(CamelContext camel) {
        if (!HttpServerErrors.install(camel, maxBodyBytes)) {
            return;
        }
        if (keys.isEmpty()) {
            LOG.warn("http.api-keys is not set: the HTTP API accepts requests from loopback clients only (set "
                    + "HTTP_API_KEYS to accept others with 'Authorization: Bearer <key>')");
        }
    }

    // ---- POST /api/v1/participant-updates ------------------------------------------------------------------

    /**
     * Checks and reads a POST: on success the body becomes a {@link RecordSource} with the core's headers, and
     * {@link #NEW_BATCH} says whether the edge must hand it on (false for an idempotent replay).
     *
     * @throws ApiProblem what to answer instead
     */
    public void receive(Exchange e) {
        begin(e);
        String requestId = e.getProperty(REQUEST_ID, String.class);
        String mediaType = mediaType(e.getIn().getHeader("Content-Type", String.class));
        byte[] body = body(e);
        if (body.length > maxBodyBytes) {
            throw tooLarge(maxBodyBytes);
        }
        int wait = waitSeconds(e.getIn().getHeader(Exchange.HTTP_QUERY, String.class));
        String idempotencyKey = e.getIn().getHeader("Idempotency-Key", String.class);
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY)) {
            throw ApiProblem.of(400, "invalid-idempotency-key", "Bad Request", "the Idempotency-Key header must "
                    + "be 1 to " + MAX_IDEMPOTENCY_KEY + " characters");
        }

        List<ParticipantUpdate> jsonRecords = null;
        long received;
        // the record limit is checked before any record is built, stored or dead-lettered
        if (mediaType.equals("text/csv")) {
            received = countCsv(body, requestId);
        } else {
            if (countJsonElements(body) > maxRecords) {
                throw tooManyRecords(maxRecords);
            }
            jsonRecords = parseJson(body, requestId);
            received = jsonRecords.size();
        }

        String batchId = UUID.randomUUID().toString();
        boolean replay = false;
        if (idempotencyKey != null) {
            String sha = sha256(body);
            // scoped to the caller's key: another caller using the same Idempotency-Key gets a batch of its own
            String scoped = e.getProperty(SCOPE, String.class) + ":" + idempotencyKey.trim();
            Optional<StateStore.IdempotencyClaim> earlier = store.claimIdempotencyKey(scoped, sha, batchId);
            if (earlier.isPresent()) {
                if (!earlier.get().bodySha256().equals(sha)) {
                    throw ApiProblem.of(409, "idempotency-key-reused", "Conflict", "the Idempotency-Key was "
                            + "already used with a different body (batch " + earlier.get().batchId() + ")")
                            .with("batch_id", earlier.get().batchId());
                }
                batchId = earlier.get().batchId();
                replay = true;
            }
        }
        e.setProperty(BATCH_ID, batchId);
        e.setProperty(RECEIVED, received);
        e.setProperty(WAIT, wait);
        e.setProperty(REPLAY, replay);
        e.setProperty(NEW_BATCH, !replay);
        if (replay) {
            return;
        }

        // on disk before the 202: a crash from now on resumes the batch at the next startup
        accepted.save(new AcceptedBatches.Accepted(batchId, requestId, mediaType, received, clock.instant()), body);
        Tracked t = new Tracked(received);
        tracked.put(batchId, t);
        // the request's own headers (Authorization above all) never travel with the records
        e.getIn().removeHeaders("*");
        batchHeaders(e.getIn().getHeaders(), batchId, requestId, t);
        e.getIn().setBody(jsonRecords != null ? RecordSource.of(jsonRecords, List.of()) : openCsv(body, requestId));
    }

    private void batchHeaders(Map<String, Object> headers, String batchId, String requestId, Tracked t) {
        headers.put(Headers.SOURCE_KIND, KIND);
        headers.put(Headers.SOURCE_NAME, requestId);
        headers.put(Headers.SOURCE_ID, SOURCE_ID_PREFIX + batchId);
        headers.put(Headers.BATCH_ID, batchId);
        headers.put(Headers.REPORT_PATH, reportDir.resolve(batchId + ".report.json").toString());
        headers.put(Headers.OUTCOME_LISTENER, (Consumer<DeliveryOutcome>) t::count);
    }

    // ---- resume after a crash ------------------------------------------------------------------------------

    /**
     * Restarts every accepted batch that has not finished (the process that accepted it stopped first); a batch whose
     * report the store already holds is only cleaned up. Called once the routes are up; the batches run in the
     * background. Returns the ids of the batches resumed.
     */
    public List<String> resume(ProducerTemplate template) {
        accepted.dropUnanswered(clock.instant().minusSeconds(60));
        List<String> resumed = new java.util.ArrayList<>();
        for (AcceptedBatches.Accepted a : accepted.pending()) {
            if (tracked.containsKey(a.batchId())) {
                continue;
            }
            Optional<StoredBatch> stored = store.findBatch(a.batchId());
            if (stored.isPresent() && stored.get().finished()) {
                finished(a.batchId());
                continue;
            }
            byte[] body = accepted.body(a.batchId());
            RecordSource records;
            try {
                records = a.mediaType().equals("text/csv") ? openCsv(body, a.requestId())
                        : RecordSource.of(parseJson(body, a.requestId()), List.of());
            } catch (RuntimeException ex) {
                // it was read once before the 202; if it cannot be now, keep it for a person to look at
                LOG.error("cannot resume HTTP batch {}: its body cannot be read again: {}", a.batchId(),
                        ex.toString());
                continue;
            }
            Tracked t = new Tracked(a.received());
            tracked.put(a.batchId(), t);
            Map<String, Object> headers = new java.util.HashMap<>();
            batchHeaders(headers, a.batchId(), a.requestId(), t);
            LOG.info("resuming HTTP batch {} ({} records, accepted {}): it had not finished when the service "
                    + "stopped", a.batchId(), a.received(), a.acceptedAt());
            template.asyncRequestBodyAndHeaders(Endpoints.INGEST_BATCH, records, headers);
            resumed.add(a.batchId());
        }
        return resumed;
    }

    /** A batch's report is stored: its body and checkpoints can go. */
    private void finished(String batchId) {
        accepted.release(batchId);
        try {
            settled.accept(SOURCE_ID_PREFIX + batchId);
        } catch (RuntimeException ex) {
            LOG.warn("cannot forget the checkpoints of finished batch {}: {}", batchId, ex.toString());
        }
    }

    /**
     * Answers an accepted POST (the route's {@code process} step {@code httpIntakeResponder}): {@code 202} at once, or
     * with {@code ?wait} {@code 200} and the report if the batch finishes in time. The wait holds no thread: the
     * exchange is resumed by the batch's completion or by a timer at the deadline ({@code wait} seconds after the
     * request came), whichever is first.
     */
    public AsyncProcessor responder() {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange e, AsyncCallback callback) {
                return respond(e, callback);
            }
        };
    }

    private boolean respond(Exchange e, AsyncCallback callback) {
        String batchId = e.getProperty(BATCH_ID, String.class);
        int wait = e.getProperty(WAIT, 0, Integer.class);
        boolean replay = e.getProperty(REPLAY, false, Boolean.class);
        e.getIn().removeHeaders("*");
        if (replay) {
            e.getIn().setHeader("Idempotent-Replayed", "true");
        }
        e.getIn().setHeader("Location", BATCHES_PATH + batchId);
        if (wait <= 0) {
            answerAccepted(e);
            callback.done(true);
            return true;
        }
        long started = e.getProperty(STARTED, System.nanoTime(), Long.class);
        waiting.incrementAndGet();
        new Waiter(e, callback, batchId, started + TimeUnit.SECONDS.toNanos(wait)).check();
        return false;
    }

    /** Requests waiting ({@code ?wait}) for their batch right now; none of them holds a thread. */
    public int waiting() {
        return waiting.get();
    }

    private void answerAccepted(Exchange e) {
        ObjectNode accepted = json.createObjectNode();
        String batchId = e.getProperty(BATCH_ID, String.class);
        accepted.put("batch_id", batchId);
        accepted.put("received", e.getProperty(RECEIVED, 0L, Long.class));
        accepted.put("status_url", BATCHES_PATH + batchId);
        answer(e, 202, JSON, accepted);
    }

    /**
     * One {@code ?wait}: resumed by the batch's completion (a batch of this instance) or by polling the shared store
     * (an idempotent replay of another instance's batch), and by the deadline; answers once.
     */
    private final class Waiter {
        private final Exchange exchange;
        private final AsyncCallback callback;
        private final String batchId;
        private final long deadline;
        private final AtomicBoolean answered = new AtomicBoolean();
        private volatile ScheduledFuture<?> timer;

        Waiter(Exchange exchange, AsyncCallback callback, String batchId, long deadline) {
            this.exchange = exchange;
            this.callback = callback;
            this.batchId = batchId;
            this.deadline = deadline;
        }

        /** Answers the report if the batch completed, the 202 if the deadline passed, else waits again. */
        void check() {
            if (answered.get()) {
                return;
            }
            try {
                Tracked t = tracked.get(batchId);
                if (t == null || t.done.isDone()) {
                    Optional<StoredBatch> stored = store.findBatch(batchId);
                    if (stored.isPresent() && stored.get().finished()) {
                        ObjectNode report = completedReport(stored.get());
                        finish(() -> answer(exchange, 200, JSON, report));
                        return;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    finish(() -> answerAccepted(exchange));
                    return;
                }
                if (t != null && !t.done.isDone()) {
                    // this instance runs the batch: its completion resumes the request, or the deadline does
                    timer = waitTimer.schedule(this::expire, left, TimeUnit.NANOSECONDS);
                    t.done.whenCompleteAsync((v, ex) -> check(), waitTimer);
                } else {
                    // another instance's batch (an idempotent replay): poll the shared store
                    timer = waitTimer.schedule(this::check, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)),
                            TimeUnit.NANOSECONDS);
                }
            } catch (RuntimeException ex) {
                finish(() -> exchange.setException(ex));
            }
        }

        /** The deadline: 202 at once (no store read, so many waits ending together all end in time). */
        private void expire() {
            finish(() -> answerAccepted(exchange));
        }

        private void finish(Runnable answer) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            waiting.decrementAndGet();
            ScheduledFuture<?> pending = timer;
            if (pending != null) {
                pending.cancel(false);
            }
            try {
                answer.run();
            } catch (RuntimeException ex) {
                exchange.setException(ex);
            }
            callback.done(false);
        }
    }

    // ---- GET /api/v1/batches/{id} --------------------------------------------------------------------------

    /** Answers a batch's report (completed), its progress (running or queued), or 404. */
    public void batch(Exchange e) {
        begin(e);
        String id = e.getIn().getHeader("id", String.class);
        e.getIn().removeHeaders("*");
        Optional<ObjectNode> found = id == null || id.isBlank() ? Optional.empty() : status(id);
        if (found.isEmpty()) {
            throw ApiProblem.of(404, "unknown-batch", "Not Found", "no batch with id '" + printable(id) + "'");
        }
        answer(e, 200, JSON, found.get());
    }

    /** The batch as the API shows it: the full report once completed, else status and counts so far. */
    public Optional<ObjectNode> status(String batchId) {
        Optional<StoredBatch> stored = store.findBatch(batchId);
        if (stored.isPresent() && stored.get().finished()) {
            return Optional.of(completedReport(stored.get()));
        }
        Tracked t = tracked.get(batchId);
        if (stored.isEmpty() && t == null) {
            return Optional.empty();
        }
        ObjectNode out = json.createObjectNode();
        out.put("batch_id", batchId);
        out.put("status", stored.isPresent() ? StoredBatch.RUNNING : "queued");
        if (stored.isPresent()) {
            out.putObject("source").put("kind", stored.get().sourceKind()).put("name", stored.get().sourceName());
            out.put("started_at", stored.get().startedAt().toString());
        }
        ObjectNode counts = out.putObject("counts");
        if (t != null) {
            counts.put("received", t.received);
            for (Outcome o : Outcome.values()) {
                counts.put(o.label(), t.counts.get(o).get());
            }
        } else {
            StoredBatch s = stored.get();
            counts.put("received", s.received()).put("updated", s.updated()).put("unchanged", s.unchanged())
                    .put("rejected", s.rejected()).put("failed", s.failed());
        }
        return Optional.of(out);
    }

    // ---- GET /api/v1/openapi.json --------------------------------------------------------------------------

    /**
     * Answers the OpenAPI 3 document of this API: a resource in the jar, with the registered providers as the
     * {@code provider} enum.
     */
    public void openApi(Exchange e) {
        // public: it describes the API and holds no data
        e.setProperty(PATH, e.getIn().getHeader(Exchange.HTTP_PATH, String.class));
        e.getIn().removeHeaders("*");
        byte[] doc = openApi;
        if (doc == null) {
            try (InputStream in = HttpIntake.class.getResourceAsStream(OPENAPI_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
                }
                JsonNode tree = json.readTree(in);
                ArrayNode ids = ((ObjectNode) tree.at(PROVIDER_SCHEMA)).putArray("enum");
                providerIds.forEach(ids::add);
                doc = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            openApi = doc;
        }
        e.getIn().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        e.getIn().setHeader(Exchange.CONTENT_TYPE, JSON);
        e.getIn().setBody(doc);
    }

    // ---- errors --------------------------------------------------------------------------------------------

    /** The edge's error handler: answers the {@link ApiProblem} caught, or a 500 problem for anything else. */
    public void problem(Exchange e) {
        Exception caught = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String path = e.getProperty(PATH, String.class);
        if (path == null) {
            path = e.getIn().getHeader(Exchange.HTTP_PATH, String.class);
        }
        ApiProblem problem;
        if (caught instanceof ApiProblem p) {
            problem = p;
        } else {
            String requestId = e.getProperty(REQUEST_ID, String.class);
            // the exception's message stays in the log: it may name internals the client has no use for
            LOG.error("HTTP request {} to {} failed", requestId, path, caught);
            problem = ApiProblem.of(500, "internal-error", "Internal Server Error", "the request could not be "
                    + "processed; the service log has the reason (request " + requestId + ")");
        }
        e.getIn().removeHeaders("*");
        problem.headers().forEach((k, v) -> e.getIn().setHeader(k, v));
        answer(e, problem.status(), PROBLEM_JSON, problemJson(json, problem, path));
    }

    /** The RFC 9457 document of a problem. */
    static ObjectNode problemJson(ObjectMapper json, ApiProblem p, String instance) {
        ObjectNode node = json.createObjectNode();
        node.put("type", p.type());
        node.put("title", p.title());
        node.put("status", p.status());
        node.put("detail", p.detail());
        if (instance != null) {
            node.put("instance", instance);
        }
        p.extensions().forEach((k, v) -> node.set(k, json.valueToTree(v)));
        return node;
    }

    static ApiProblem tooLarge(long maxBodyBytes) {
        return ApiProblem.of(413, "body-too-large", "Content Too Large", "the body is larger than "
                + maxBodyBytes + " bytes (http.max-body-bytes): split it into several requests")
                .with("max_body_bytes", maxBodyBytes);
    }

    // ---- batch listener ------------------------------------------------------------------------------------

    @Override
    public void opened(String batchId, String sourceKind, String sourceName) {
        // the state store's row (added by its own listener) now says "running"
    }

    /** Called after the state store recorded the batch (its listener was added first): wakes {@code ?wait}. */
    @Override
    public void closed(BatchReport report) {
        if (KIND.equals(report.sourceKind()) && accepted.contains(report.batchId())) {
            finished(report.batchId());
        }
        Tracked t = tracked.remove(report.batchId());
        if (t != null) {
            t.done.complete(null);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** Authenticates the request and gives it an id (the batch's source name, and the problem's reference). */
    /**
     * Checks the API key of a request to another endpoint of the API (the sync-job runs), with this edge's request
     * id and error answers.
     *
     * @throws ApiProblem 401 / 403 when the caller may not use the API
     */
    public void authenticate(Exchange e) {
        begin(e);
    }

    /** Whether API keys are configured (else only loopback clients may use the API). */
    public boolean keysConfigured() {
        return !keys.isEmpty();
    }

    /**
     * Lets a request for the console's static files through: anyone when API keys are configured (the files hold
     * no data, and the sign-in page must load), else loopback clients only, as for the API.
     *
     * @throws ApiProblem 403 for a client that may not use the API
     */
    public void allowConsoleFiles(Exchange e) {
        e.setProperty(PATH, e.getIn().getHeader(Exchange.HTTP_PATH, String.class));
        if (keys.isEmpty()) {
            e.setProperty(REQUEST_ID, UUID.randomUUID().toString());
            keys.check(null, remoteAddress(e));
        }
    }

    private void begin(Exchange e) {
        // a ?wait counts from the request's arrival, time spent queued for a worker included
        e.setProperty(STARTED, e.getProperty(NonBlockingHttpEngine.ARRIVED, System.nanoTime(), Long.class));
        e.setProperty(REQUEST_ID, UUID.randomUUID().toString());
        e.setProperty(PATH, e.getIn().getHeader(Exchange.HTTP_PATH, String.class));
        e.setProperty(SCOPE, keys.check(e.getIn().getHeader("Authorization", String.class), remoteAddress(e)));
    }

    /** The client's address as Vert.x saw the connection (a header a client cannot forge: it is not a String). */
    static InetAddress remoteAddress(Exchange e) {
        Object remote = e.getIn().getHeader(VertxPlatformHttpConstants.REMOTE_ADDRESS);
        if (remote instanceof SocketAddress a && a.isInetSocket() && a.hostAddress() != null) {
            try {
                // an IP literal: no name lookup happens
                return InetAddress.getByName(a.hostAddress());
            } catch (UnknownHostException ex) {
                return null;
            }
        }
        return null;
    }

    private static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw unsupported("the request has no Content-Type");
        }
        String[] parts = contentType.split(";");
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !type.equals("text/csv")) {
            throw unsupported("Content-Type '" + printable(parts[0].trim()) + "' is not accepted");
        }
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("charset")) {
                String charset = kv[1].trim().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                    throw unsupported("charset '" + printable(charset) + "' is not accepted: send UTF-8");
                }
            }
        }
        return type;
    }

    private static ApiProblem unsupported(String why) {
        return ApiProblem.of(415, "unsupported-media-type", "Unsupported Media Type", why
                + ": send 'application/json' (one record or an array) or 'text/csv' (the CSV drop's format)")
                .withHeader("Accept-Post", "application/json, text/csv");
    }

    private static byte[] body(Exchange e) {
        Object body = e.getIn().getBody();
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof Buffer b) {
            return b.getBytes();
        }
        byte[] bytes = e.getIn().getBody(byte[].class);
        return bytes == null ? new byte[0] : bytes;
    }

    private int waitSeconds(String query) {
        String raw = queryParameter(query, "wait");
        if (raw == null) {
            return 0;
        }
        int seconds;
        try {
            seconds = Integer.parseInt(raw.trim());
        } catch (NumberFormatException ex) {
            seconds = -1;
        }
        if (seconds < 0 || seconds > maxWaitSeconds) {
            throw ApiProblem.of(400, "invalid-wait", "Bad Request", "wait must be a whole number of seconds from 0 "
                    + "to " + maxWaitSeconds + " (http.max-wait-seconds), was '" + printable(raw) + "'");
        }
        return seconds;
    }

    static String queryParameter(String query, String name) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            if (URLDecoder.decode(kv[0], StandardCharsets.UTF_8).equals(name)) {
                return kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
            }
        }
        return null;
    }

    /**
     * The one place a JSON body becomes records (the shared {@link JsonRecordMapper}); a body that is not JSON at all
     * is a {@code 400} naming line and column.
     */
    private List<ParticipantUpdate> parseJson(byte[] body, String requestId) {
        try {
            return jsonMapper.map(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8),
                    KIND, requestId, clock.instant());
        } catch (JsonInputException ex) {
            ApiProblem p = ApiProblem.of(400, "malformed-json", "Bad Request", ex.getMessage());
            if (ex.line() > 0) {
                p = p.with("line", ex.line()).with("column", ex.column());
            }
            throw p;
        }
    }

    /**
     * The number of elements of a top-level JSON array, counted with the streaming parser without building them, and
     * only up to one past {@link #maxRecords}; 1 for anything else. A body that is not JSON counts 0: the mapper
     * answers it with line and column.
     */
    private long countJsonElements(byte[] body) {
        try (JsonParser p = json.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                return 1;
            }
            long n = 0;
            JsonToken t;
            while ((t = p.nextToken()) != null && t != JsonToken.END_ARRAY) {
                p.skipChildren();
                if (++n > maxRecords) {
                    break;
                }
            }
            return n;
        } catch (IOException ex) {
            return 0;
        }
    }

    static ApiProblem tooManyRecords(long maxRecords) {
        return ApiProblem.of(413, "too-many-records", "Content Too Large", "the body holds more than " + maxRecords
                + " records (http.max-records): split it into several requests")
                .with("max_records", maxRecords);
    }

    /**
     * Reads the CSV once to count its records and to refuse a body the parser cannot read; the batch then streams
     * it again (the body is in memory anyway, bounded by {@code http.max-body-bytes}).
     */
    private long countCsv(byte[] body, String requestId) {
        if (body.length == 0) {
            throw ApiProblem.of(400, "malformed-csv", "Bad Request", "the body is empty: expected a CSV header line "
                    + "and data rows");
        }
        try (RecordStream rows = openCsv(body, requestId)) {
            long n = 0;
            while (rows.hasNext()) {
                rows.next();
                if (++n > maxRecords) {
                    throw tooManyRecords(maxRecords);
                }
            }
            for (String note : rows.notes()) {
                Matcher m = PARSE_STOP.matcher(note);
                if (m.matches()) {
                    long row = Long.parseLong(m.group(1));
                    throw ApiProblem.of(400, "malformed-csv", "Bad Request", "malformed CSV at "
                            + (row == 0 ? "the header line" : "data row " + row) + ": " + m.group(2))
                            .with("row", row);
                }
                if (note.equals("file is empty")) {
                    throw ApiProblem.of(400, "malformed-csv", "Bad Request", "the body has no CSV header line");
                }
            }
            return n;
        }
    }

    private RecordStream openCsv(byte[] body, String requestId) {
        try {
            return csvReader.open(new ByteArrayInputStream(body), requestId, KIND);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The stored report (or its file, for reports too big for the store), with its status (completed or failed). */
    private ObjectNode completedReport(StoredBatch b) {
        JsonNode report = null;
        try {
            if (b.reportJson() != null) {
                report = json.readTree(b.reportJson());
            } else {
                Path file = reportDir.resolve(b.batchId() + ".report.json");
                if (b.batchId().matches("[A-Za-z0-9._-]+") && Files.isReadable(file)) {
                    report = json.readTree(file.toFile());
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read the report of batch " + b.batchId(), ex);
        }
        ObjectNode out = json.createObjectNode();
        out.put("batch_id", b.batchId());
        out.put("status", b.status());
        if (report instanceof ObjectNode full) {
            out.setAll(full);
            return out;
        }
        out.putObject("source").put("kind", b.sourceKind()).put("name", b.sourceName());
        out.put("started_at", b.startedAt().toString());
        out.put("finished_at", b.finishedAt() == null ? null : b.finishedAt().toString());
        out.putObject("counts").put("received", b.received()).put("updated", b.updated())
                .put("unchanged", b.unchanged()).put("rejected", b.rejected()).put("failed", b.failed());
        out.putArray("notes").add("the rows of this report are not kept in the state store");
        return out;
    }

    private void answer(Exchange e, int status, String contentType, JsonNode body) {
        e.getIn().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        e.getIn().setHeader(Exchange.CONTENT_TYPE, contentType);
        try {
            e.getIn().setBody(json.writeValueAsBytes(body));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String printable(String s) {
        return ApiProblem.printable(s);
    }

    /** A batch this instance accepted: counts so far (from the core's outcome listener) and a done signal. */
    private static final class Tracked {
        final long received;
        final Map<Outcome, AtomicLong> counts = new EnumMap<>(Outcome.class);
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Tracked(long received) {
            this.received = received;
            for (Outcome o : Outcome.values()) {
                counts.put(o, new AtomicLong());
            }
        }

        void count(DeliveryOutcome o) {
            counts.get(o.outcome()).incrementAndGet();
        }
    }
}
