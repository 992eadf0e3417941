package io.participantsync.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.config.Connections;
import io.participantsync.core.Dispatcher;
import io.participantsync.core.Endpoints;
import io.participantsync.core.Headers;
import io.participantsync.core.Plan;
import io.participantsync.core.RecordSource;
import io.participantsync.deadletter.DeadLetterReplay;
import io.participantsync.deadletter.Redaction;
import io.participantsync.delivery.ConnectionGate;
import io.participantsync.delivery.ConnectionGates;
import io.participantsync.delivery.ConnectionHolds;
import io.participantsync.intake.ApiProblem;
import io.participantsync.intake.HttpIntake;
import io.participantsync.model.CanonicalFields;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.provider.Connection;
import io.participantsync.provider.ProviderRequest;
import io.participantsync.state.BatchRecords;
import io.participantsync.state.StateStore;
import io.participantsync.state.StoredBatch;
import io.participantsync.sync.SyncJob;
import io.participantsync.sync.SyncJobs;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.quartz.CronExpression;

/**
 * The JSON endpoints behind the operations console ({@code routes/api-console.camel.yaml}; README "Console"), all
 * documented in the OpenAPI document: batch history with filters and keyset paging, every record's outcome of a
 * batch, outcomes over time, each connection's health, the dead-letter list with edit, dry run and replay, and the
 * sync jobs. Every list is answered from indexed columns of the state store, a page at a time. The caller is
 * authenticated by the route ({@code httpIntake.authenticate}) before any method here runs.
 */
public final class ConsoleApi {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    static final int MAX_REPLAY = 1000;
    private static final String JSON = "application/json";
    private static final Set<String> KINDS = Set.of("csv", "sync", "http", "jms", "kafka", "sync-job", "replay");
    private static final Set<String> STATUSES = Set.of("running", "completed", "failed", "problems");
    private static final Set<String> OUTCOMES = Set.of("updated", "unchanged", "rejected", "failed");
    private static final Set<String> DL_STATES = Set.of("pending", "replayed", "all");

    private final ObjectMapper json = new ObjectMapper();
    private final StateStore store;
    private final BatchRecords records;
    private final HttpIntake intake;
    private final ConnectionGates gates;
    private final Connections connections;
    private final ConnectionStats stats;
    private final SyncJobs jobs;
    private final DeadLetterReplay deadLetters;
    private final Dispatcher planner;
    /** Forgets the checkpoints of a replayed letter's source once its outcome is recorded. */
    private final Consumer<String> forgetSource;
    private final Supplier<ProducerTemplate> template;
    private final Path reportDir;
    private final Clock clock;

    public ConsoleApi(StateStore store, HttpIntake intake, ConnectionGates gates, Connections connections,
            ConnectionStats stats, SyncJobs jobs, DeadLetterReplay deadLetters, Consumer<String> forgetSource,
            Supplier<ProducerTemplate> template, Path reportDir, Clock clock) {
        this.store = store;
        this.records = new BatchRecords(store.dataSource());
        this.intake = intake;
        this.gates = gates;
        this.connections = connections;
        this.stats = stats;
        this.jobs = jobs;
        this.deadLetters = deadLetters;
        // validation and dry runs only: no change detection, no checkpoints
        this.planner = new Dispatcher(connections.providers(), connections);
        this.forgetSource = forgetSource;
        this.template = template;
        this.reportDir = reportDir;
        this.clock = clock;
    }

    // ---- GET /api/v1/session -------------------------------------------------------------------------------

    public void session(Exchange e) {
        ObjectNode out = json.createObjectNode();
        out.put("auth", intake.keysConfigured() ? "key" : "loopback");
        reply(e, 200, out);
    }

    // ---- GET /api/v1/outcomes ------------------------------------------------------------------------------

    public void outcomes(Exchange e) {
        Map<String, String> q = query(e);
        String range = q.getOrDefault("range", "day");
        long bucket;
        int count;
        switch (range) {
            case "hour" -> {
                bucket = 60;
                count = 60;
            }
            case "day" -> {
                bucket = 3600;
                count = 24;
            }
            case "week" -> {
                bucket = 3600;
                count = 168;
            }
            default -> throw badRequest("range must be one of hour, day, week; was '" + printable(range) + "'");
        }
        long now = clock.instant().getEpochSecond();
        long lastStart = now - Math.floorMod(now, bucket);
        Instant from = Instant.ofEpochSecond(lastStart - (count - 1) * bucket);
        Instant to = Instant.ofEpochSecond(lastStart + bucket);
        Map<Long, long[]> sums = new HashMap<>();
        for (long[] b : store.outcomeBuckets(from, to, bucket)) {
            sums.put(b[0], b);
        }
        ObjectNode out = json.createObjectNode();
        out.put("range", range);
        out.put("bucket_seconds", bucket);
        out.put("from", from.toString());
        out.put("to", to.toString());
        ArrayNode buckets = out.putArray("buckets");
        for (int i = 0; i < count; i++) {
            long start = from.getEpochSecond() + i * bucket;
            long[] s = sums.getOrDefault(start, new long[5]);
            buckets.addObject().put("start", Instant.ofEpochSecond(start).toString()).put("updated", s[1])
                    .put("unchanged", s[2]).put("rejected", s[3]).put("failed", s[4]);
        }
        reply(e, 200, out);
    }

    // ---- GET /api/v1/batches -------------------------------------------------------------------------------

    public void batches(Exchange e) {
        Map<String, String> q = query(e);
        String kind = oneOf(q, "kind", KINDS);
        String status = oneOf(q, "status", STATUSES);
        Instant since = instant(q, "since");
        Instant until = instant(q, "until");
        String text = text(q, "q");
        int limit = limit(q);
        StateStore.BatchCursor before = null;
        String cursor = q.get("before");
        if (cursor != null) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8)
                        .split("\\|", 2);
                before = new StateStore.BatchCursor(Instant.ofEpochSecond(0, Long.parseLong(parts[0])), parts[1]);
            } catch (RuntimeException ex) {
                throw badRequest("before must be the 'next' cursor of an earlier answer");
            }
        }
        // a text is looked for in six hours of batches per request (StateStore.TEXT_SEARCH_WINDOW): when they end
        // before the page is full, `next` goes on with the six hours before them
        Instant windowFrom = null;
        if (text != null) {
            Instant top = before != null ? before.startedAt() : store.newestStart().map(t -> t.plusNanos(1))
                    .orElse(null);
            if (top != null && until != null && until.isBefore(top)) {
                top = until;
            }
            if (top != null && (since == null || top.minus(StateStore.TEXT_SEARCH_WINDOW).isAfter(since))) {
                windowFrom = top.minus(StateStore.TEXT_SEARCH_WINDOW);
            }
        }
        List<StoredBatch> page = store.listBatches(new StateStore.BatchFilter(kind, status,
                windowFrom != null ? windowFrom : since, until, text), before, limit);
        ObjectNode out = json.createObjectNode();
        ArrayNode items = out.putArray("items");
        for (int i = 0; i < Math.min(limit, page.size()); i++) {
            items.add(batch(page.get(i)));
        }
        String next = null;
        if (page.size() > limit) {
            StoredBatch last = page.get(limit - 1);
            Instant t = last.startedAt();
            long nanos = Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
            next = Base64.getUrlEncoder().withoutPadding().encodeToString((nanos + "|" + last.batchId())
                    .getBytes(StandardCharsets.UTF_8));
        } else if (windowFrom != null && store.newestStartBefore(windowFrom)
                .filter(t -> since == null || !t.isBefore(since)).isPresent()) {
            // below the searched window: started before its start (no batch id is below "")
            long nanos = Math.addExact(Math.multiplyExact(windowFrom.getEpochSecond(), 1_000_000_000L),
                    windowFrom.getNano());
            next = Base64.getUrlEncoder().withoutPadding().encodeToString((nanos + "|")
                    .getBytes(StandardCharsets.UTF_8));
        }
        out.put("next", next);
        reply(e, 200, out);
    }

    /** {@code GET /api/v1/batches/{id}/summary}. */
    public void batchSummary(Exchange e) {
        StoredBatch b = knownBatch(e);
        ObjectNode out = batch(b);
        ObjectNode report = reportHead(b.batchId());
        ArrayNode notes = out.putArray("notes");
        report.path("notes").forEach(notes::add);
        if (report.hasNonNull("failure")) {
            out.put("failure", report.path("failure").asText());
        }
        out.put("rejected_csv", rejectedCsv(report).isPresent());
        out.put("records_kept", records.hasRecords(b.batchId()) || b.received() == 0);
        reply(e, 200, out);
    }

    /** {@code GET /api/v1/batches/{id}/records}. */
    public void batchRecords(Exchange e) {
        StoredBatch b = knownBatch(e);
        Map<String, String> q = query(e);
        List<String> outcomes = new ArrayList<>();
        String wanted = q.get("outcome");
        if (wanted != null && !wanted.isBlank()) {
            for (String o : wanted.split(",")) {
                String v = o.trim().toLowerCase(Locale.ROOT);
                if (!OUTCOMES.contains(v)) {
                    throw badRequest("outcome must be a comma-separated list of updated, unchanged, rejected, "
                            + "failed; was '" + printable(wanted) + "'");
                }
                outcomes.add(v);
            }
        }
        String after = q.get("after");
        if (after != null && !after.matches("\\d{1,18}\\.\\d{1,10}")) {
            throw badRequest("after must be the 'next' cursor of an earlier answer");
        }
        BatchRecords.Page<BatchRecords.Row> page = records.records(b.batchId(), outcomes, after, limit(q));
        ObjectNode out = json.createObjectNode();
        out.put("batch_id", b.batchId());
        ArrayNode items = out.putArray("items");
        for (BatchRecords.Row r : page.items()) {
            ObjectNode item = items.addObject();
            item.put("seq", r.seq());
            recordFields(item, r);
            item.put("attempts", r.attempts());
            if (r.verified() == null) {
                item.putNull("verified");
            } else {
                item.put("verified", r.verified());
            }
            if (r.hasDeadLetter()) {
                item.put("dead_letter_id", r.recordNo());
            } else {
                item.putNull("dead_letter_id");
            }
        }
        out.put("next", page.next());
        reply(e, 200, out);
    }

    /** {@code GET /api/v1/batches/{id}/report.json}: the batch report as a download. */
    public void reportDownload(Exchange e) {
        StoredBatch b = knownBatch(e);
        ObjectNode report = report(b.batchId());
        e.getMessage().removeHeaders("*");
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, JSON);
        e.getMessage().setHeader("Content-Disposition", "attachment; filename=\"" + safeName(b.batchId())
                + ".report.json\"");
        try {
            e.getMessage().setBody(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** {@code GET /api/v1/batches/{id}/rejected.csv}: the batch's rejected rows as a download. */
    public void rejectedDownload(Exchange e) {
        StoredBatch b = knownBatch(e);
        Optional<Path> csv = rejectedCsv(reportHead(b.batchId()));
        if (csv.isEmpty()) {
            throw ApiProblem.of(404, "no-rejected-csv", "Not Found", "batch '" + printable(b.batchId())
                    + "' has no rejected-rows CSV (only CSV input keeps one, and only when a row was rejected or "
                    + "failed)");
        }
        e.getMessage().removeHeaders("*");
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/csv; charset=utf-8");
        e.getMessage().setHeader("Content-Disposition", "attachment; filename=\""
                + safeName(csv.get().getFileName().toString()) + "\"");
        try {
            e.getMessage().setBody(Files.readAllBytes(csv.get()));
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + csv.get(), ex);
        }
    }

    // ---- GET /api/v1/connections ---------------------------------------------------------------------------

    public void connections(Exchange e) {
        ObjectNode out = json.createObjectNode();
        ArrayNode items = out.putArray("items");
        Map<String, ConnectionGate> configured = gates.configured();
        for (Connection c : new TreeSet<>(connections.all().stream().map(Connection::name).toList()).stream()
                .map(n -> connections.find(n).orElseThrow()).toList()) {
            ConnectionGate gate = configured.get(c.name());
            List<ConnectionHolds.Reason> holds = gates.holds().reasons(c.name());
            ConnectionStats.Snapshot s = stats.snapshot(c.name());
            ObjectNode item = items.addObject();
            item.put("name", c.name());
            item.put("provider", c.provider());
            String state = "ok";
            if (gate != null && gate.state() != CircuitBreaker.State.CLOSED
                    || holds.contains(ConnectionHolds.Reason.CIRCUIT_BREAKER)) {
                state = "breaker_open";
            } else if (holds.contains(ConnectionHolds.Reason.TOKEN_LIMIT) || s.tokenFailing()) {
                state = "token_failing";
            } else if (holds.contains(ConnectionHolds.Reason.RATE_LIMIT)) {
                state = "rate_limited";
            }
            item.put("state", state);
            item.put("in_flight", gate == null ? 0 : gate.inFlight());
            item.put("waiting", gates.recordsWaiting(c.name()));
            item.put("max_concurrency", gate == null ? 0 : gate.limits().maxConcurrency());
            if (gate != null && gate.limits().rateLimit() != null) {
                item.putObject("rate_limit").put("limit", gate.limits().rateLimit().requests())
                        .put("per_seconds", gate.limits().rateLimit().window().toMillis() / 1000.0)
                        .put("used", Math.max(0, gate.rateLimitUsed()));
            } else {
                item.putNull("rate_limit");
            }
            if (s.p50Millis() != null) {
                item.putObject("latency_ms").put("p50", s.p50Millis()).put("p95", s.p95Millis());
            } else {
                item.putNull("latency_ms");
            }
            item.put("calls", s.calls());
            if (s.lastError() != null) {
                item.putObject("last_error").put("at", s.lastErrorAt().toString()).put("message", s.lastError());
            } else {
                item.putNull("last_error");
            }
        }
        reply(e, 200, out);
    }

    // ---- dead letters --------------------------------------------------------------------------------------

    /** {@code GET /api/v1/dead-letters}. */
    public void deadLetters(Exchange e) {
        Map<String, String> q = query(e);
        String provider = text(q, "provider");
        String category = oneOf(q, "category", Set.of("rejected", "failed"));
        String state = oneOf(q, "state", DL_STATES);
        long before = 0;
        if (q.get("before") != null) {
            try {
                before = Long.parseLong(q.get("before"));
            } catch (NumberFormatException ex) {
                before = -1;
            }
            if (before <= 0) {
                throw badRequest("before must be the 'next' cursor of an earlier answer");
            }
        }
        BatchRecords.Page<BatchRecords.Row> page = records.deadLetters(new BatchRecords.DeadLetterFilter(
                provider == null ? null : provider.toLowerCase(Locale.ROOT), text(q, "connection"), category,
                instant(q, "since"), instant(q, "until"), text(q, "q"), state), before, limit(q));
        ObjectNode out = json.createObjectNode();
        ArrayNode items = out.putArray("items");
        page.items().forEach(r -> items.add(deadLetter(r)));
        out.put("next", page.next());
        reply(e, 200, out);
    }

    /** {@code GET /api/v1/dead-letters/{id}}. */
    public void deadLetter(Exchange e) {
        BatchRecords.Row r = knownLetter(e.getIn().getHeader("id", String.class));
        ObjectNode out = deadLetter(r);
        ObjectNode record = out.putObject("record");
        ArrayNode masked = out.putArray("masked");
        Set<String> fields = new LinkedHashSet<>();
        Optional<DeadLetterReplay.Entry> entry = r.pending() ? deadLetters.at(r.deadLetter()) : Optional.empty();
        JsonNode letter = readLetter(r);
        if (letter != null) {
            letter.path("record").fields().forEachRemaining(f -> {
                if (!CanonicalFields.ROUTING.contains(f.getKey())) {
                    record.set(f.getKey(), f.getValue());
                    fields.add(f.getKey());
                    if (CanonicalFields.MASK.equals(f.getValue().asText())) {
                        masked.add(f.getKey());
                    }
                }
            });
            if (letter.path("original_row").isObject()) {
                out.set("original_row", letter.path("original_row"));
            }
        }
        out.put("replayable", entry.isPresent());
        connections.providers().find(r.provider() == null ? "" : r.provider()).ifPresent(a -> {
            fields.addAll(a.fields().locators());
            fields.addAll(a.fields().changes());
        });
        ArrayNode f = out.putArray("fields");
        fields.forEach(f::add);
        reply(e, 200, out);
    }

    /** {@code POST /api/v1/dead-letters/replay}: dry run, or claim and replay the letters as one batch. */
    public void replay(Exchange e) {
        JsonNode body;
        try {
            Object raw = e.getIn().getBody();
            byte[] bytes = raw instanceof io.vertx.core.buffer.Buffer b ? b.getBytes() : e.getIn().getBody(byte[].class);
            body = json.readTree(bytes == null || bytes.length == 0 ? "null".getBytes(StandardCharsets.UTF_8) : bytes);
        } catch (IOException ex) {
            throw badRequest("the body must be JSON: {\"ids\": [...], \"dry_run\": true|false, \"edits\": {...}}");
        }
        if (body == null || !body.isObject() || !body.path("ids").isArray() || body.path("ids").isEmpty()) {
            throw badRequest("ids must be a non-empty array of dead-letter ids");
        }
        if (body.path("ids").size() > MAX_REPLAY) {
            throw badRequest("at most " + MAX_REPLAY + " dead letters in one replay; was " + body.path("ids").size());
        }
        boolean dryRun = body.path("dry_run").asBoolean(false);
        JsonNode edits = body.path("edits");
        if (!edits.isMissingNode() && !edits.isNull() && !edits.isObject()) {
            throw badRequest("edits must be an object: {\"<id>\": {\"field\": \"value\"}}");
        }
        List<Long> ids = new ArrayList<>();
        for (JsonNode id : body.path("ids")) {
            if (!id.canConvertToLong() || id.asLong() <= 0) {
                throw badRequest("ids must be dead-letter ids (positive numbers); was " + printable(id.toString()));
            }
            if (!ids.contains(id.asLong())) {
                ids.add(id.asLong());
            }
        }
        List<Candidate> candidates = new ArrayList<>();
        ArrayNode errors = json.createArrayNode();
        ArrayNode skipped = json.createArrayNode();
        Map<Long, BatchRecords.Row> rows = new LinkedHashMap<>();
        for (long id : ids) {
            rows.put(id, records.record(id).filter(BatchRecords.Row::hasDeadLetter).orElseThrow(
                    () -> ApiProblem.of(404, "unknown-dead-letter", "Not Found", "no dead letter with id " + id)));
        }
        // each dead-letter file read once, however many of its letters are replayed
        Map<String, DeadLetterReplay.Entry> letters = deadLetters.at(rows.values().stream()
                .filter(BatchRecords.Row::pending).map(BatchRecords.Row::deadLetter).toList());
        for (long id : ids) {
            BatchRecords.Row row = rows.get(id);
            JsonNode edit = edits.path(Long.toString(id));
            if (!row.pending()) {
                skipped.addObject().put("id", id).put("reason", "already replayed in batch " + row.replayedBy())
                        .put("batch_id", row.replayedBy());
                continue;
            }
            Optional<DeadLetterReplay.Entry> entry = Optional.ofNullable(letters.get(row.deadLetter()));
            if (entry.isEmpty()) {
                skipped.addObject().put("id", id).put("reason", "its dead letter is no longer in the dead-letter "
                        + "folder (replayed by `replay`, or moved)");
                continue;
            }
            ParticipantUpdate record = edited(entry.get(), edit, id, errors);
            if (record == null) {
                continue;
            }
            Plan plan = planner.plan(record);
            if (plan instanceof Plan.Reject rej) {
                for (Problem p : rej.problems()) {
                    errors.addObject().put("id", id).put("field", p.field()).put("message", p.reason());
                }
            }
            candidates.add(new Candidate(id, entry.get(), record, plan));
        }
        if (dryRun) {
            ObjectNode out = json.createObjectNode();
            ArrayNode items = out.putArray("items");
            for (Candidate c : candidates) {
                items.add(dryRun(c));
            }
            skipped.forEach(s -> items.addObject().put("id", s.path("id").asLong()).put("result",
                    "already_replayed").put("reason", s.path("reason").asText()).putNull("request")
                    .putArray("problems"));
            reply(e, 200, out);
            return;
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.of(422, "invalid-dead-letter", "Unprocessable Content", errors.size() + " problem"
                    + (errors.size() == 1 ? "" : "s") + " in the records to replay: nothing was sent")
                    .with("errors", errors);
        }
        String batchId = "replay-" + UUID.randomUUID();
        List<Candidate> claimed = new ArrayList<>();
        Instant now = clock.instant();
        for (Candidate c : candidates) {
            if (records.claimReplay(c.id(), batchId, now)) {
                claimed.add(c);
            } else {
                String by = records.record(c.id()).map(BatchRecords.Row::replayedBy).orElse(null);
                skipped.addObject().put("id", c.id()).put("reason", "already replayed in batch " + by)
                        .put("batch_id", by);
            }
        }
        if (claimed.isEmpty()) {
            throw ApiProblem.of(409, "already-replayed", "Conflict", "every dead letter asked for is replayed "
                    + "already: nothing was sent").with("skipped", skipped);
        }
        try {
            start(batchId, claimed);
        } catch (RuntimeException ex) {
            claimed.forEach(c -> records.releaseReplay(c.id(), batchId));
            throw ex;
        }
        ObjectNode out = json.createObjectNode();
        out.put("batch_id", batchId);
        out.put("status_url", "/api/v1/batches/" + batchId);
        ArrayNode replayed = out.putArray("replayed");
        claimed.forEach(c -> replayed.add(c.id()));
        out.set("skipped", skipped);
        reply(e, 202, out);
    }

    private record Candidate(long id, DeadLetterReplay.Entry entry, ParticipantUpdate record, Plan plan) {
    }

    /** The letter's record with the edits applied (a blank value removes the field); null (and errors) if bad. */
    private ParticipantUpdate edited(DeadLetterReplay.Entry entry, JsonNode edit, long id, ArrayNode errors) {
        ParticipantUpdate u = entry.record();
        if (edit.isMissingNode() || edit.isNull()) {
            return u;
        }
        if (!edit.isObject()) {
            errors.addObject().put("id", id).putNull("field").put("message", "edits must map field names to values");
            return null;
        }
        Map<String, String> fields = new LinkedHashMap<>(u.fields());
        boolean ok = true;
        for (var it = edit.fields(); it.hasNext();) {
            var f = it.next();
            String name = f.getKey();
            if (CanonicalFields.ROUTING.contains(name) || !CanonicalFields.isKnown(name)) {
                errors.addObject().put("id", id).put("field", name).put("message", "not a field that can be "
                        + "edited (known fields: see the provider's columns in README)");
                ok = false;
                continue;
            }
            if (!f.getValue().isValueNode() || f.getValue().isNull()) {
                fields.remove(name);
                continue;
            }
            String value = f.getValue().asText();
            if (value.isBlank() || CanonicalFields.MASK.equals(value)) {
                fields.remove(name);
            } else {
                fields.put(name, value);
            }
        }
        if (!ok) {
            return null;
        }
        // an edited record is a new source: its checkpoint must not answer for the letter as it was
        String sourceId = u.source().sourceId() + ":" + sha256(edit.toString());
        return ParticipantUpdate.of(u.provider(), u.connection(), fields, u.source().withSourceId(sourceId));
    }

    private ObjectNode dryRun(Candidate c) {
        ObjectNode item = json.createObjectNode();
        item.put("id", c.id());
        ArrayNode problems = json.createArrayNode();
        if (c.plan() instanceof Plan.Deliver d) {
            item.put("result", "would_send");
            ProviderRequest req = d.request();
            ObjectNode request = item.putObject("request");
            request.put("method", req.method());
            request.put("url", d.connection().baseUrl() + req.path() + (req.query() == null ? "" : "?"
                    + Redaction.redact(req.query(), c.record())));
            request.put("body", req.body() == null ? null : Redaction.redact(req.body(), c.record()));
        } else if (c.plan() instanceof Plan.Reject r) {
            item.put("result", "would_reject");
            item.putNull("request");
            r.problems().forEach(p -> problems.addObject().put("field", p.field()).put("message", p.reason()));
        } else {
            item.put("result", "unchanged");
            item.putNull("request");
        }
        item.set("problems", problems);
        if (!c.entry().masked().isEmpty()) {
            ArrayNode m = item.putArray("masked");
            c.entry().masked().forEach(m::add);
        }
        return item;
    }

    /** Sends the claimed letters as one replay batch; each is marked replayed once its outcome is recorded. */
    private void start(String batchId, List<Candidate> claimed) {
        Map<String, Candidate> bySource = new java.util.concurrent.ConcurrentHashMap<>();
        claimed.forEach(c -> bySource.put(c.record().source().sourceId(), c));
        Consumer<DeliveryOutcome> listener = o -> {
            Candidate c = bySource.remove(o.update().source().sourceId());
            if (c == null) {
                return;
            }
            try {
                deadLetters.markReplayed(c.entry());
                forgetSource.accept(o.update().source().sourceId());
            } catch (RuntimeException ex) {
                org.slf4j.LoggerFactory.getLogger(ConsoleApi.class).warn("replay {}: {} could not be marked "
                        + "replayed: {}", batchId, c.entry().name(), ex.getMessage());
            }
        };
        String name = "console: " + claimed.size() + " dead letter" + (claimed.size() == 1 ? "" : "s");
        // in the store before the 202: the status_url answers at once (opening the batch finds it running)
        store.batchStarted(batchId, DeadLetterReplay.SOURCE_KIND, name, null);
        Map<String, Object> headers = new HashMap<>();
        headers.put(Headers.BATCH_ID, batchId);
        headers.put(Headers.SOURCE_KIND, DeadLetterReplay.SOURCE_KIND);
        headers.put(Headers.SOURCE_NAME, name);
        headers.put(Headers.REPORT_PATH, reportDir.resolve(safeName(batchId) + ".report.json").toString());
        headers.put(Headers.OUTCOME_LISTENER, listener);
        List<ParticipantUpdate> updates = claimed.stream().map(Candidate::record).toList();
        template.get().asyncRequestBodyAndHeaders(Endpoints.INGEST_BATCH, RecordSource.of(updates, List.of()),
                headers);
    }

    // ---- GET /api/v1/sync-jobs -----------------------------------------------------------------------------

    public void syncJobs(Exchange e) {
        ObjectNode out = json.createObjectNode();
        ArrayNode items = out.putArray("items");
        for (SyncJob job : jobs.all().stream().sorted(java.util.Comparator.comparing(SyncJob::name)).toList()) {
            ObjectNode item = items.addObject();
            item.put("name", job.name());
            item.put("schedule", job.cron());
            item.put("next_run", nextRun(job.cron()));
            item.put("connection", job.connection());
            item.put("provider", job.provider());
            item.put("source", job.source() == SyncJob.Kind.JDBC ? "jdbc" : "http");
            List<StoredBatch> runs = store.jobRunHeads(job.name(), 5);
            item.put("running", runs.stream().anyMatch(b -> StoredBatch.RUNNING.equals(b.status())));
            ArrayNode last = item.putArray("last_runs");
            runs.forEach(b -> last.add(batch(b)));
        }
        reply(e, 200, out);
    }

    private String nextRun(String cron) {
        if (cron == null || cron.isBlank()) {
            return null;
        }
        try {
            Date next = new CronExpression(cron).getNextValidTimeAfter(Date.from(clock.instant()));
            return next == null ? null : next.toInstant().toString();
        } catch (ParseException ex) {
            return null;
        }
    }

    // ---- shared --------------------------------------------------------------------------------------------

    private ObjectNode batch(StoredBatch b) {
        ObjectNode item = json.createObjectNode();
        item.put("batch_id", b.batchId());
        item.putObject("source").put("kind", b.sourceKind()).put("name", b.sourceName());
        item.put("job", b.jobName());
        item.put("status", b.status());
        item.put("started_at", b.startedAt().toString());
        item.put("finished_at", b.finishedAt() == null ? null : b.finishedAt().toString());
        if (b.finishedAt() == null) {
            item.putNull("duration_ms");
        } else {
            item.put("duration_ms", Duration.between(b.startedAt(), b.finishedAt()).toMillis());
        }
        item.putObject("counts").put("received", b.received()).put("updated", b.updated())
                .put("unchanged", b.unchanged()).put("rejected", b.rejected()).put("failed", b.failed());
        return item;
    }

    private ObjectNode deadLetter(BatchRecords.Row r) {
        ObjectNode item = json.createObjectNode();
        item.put("id", r.recordNo());
        recordFields(item, r);
        item.put("category", r.outcome());
        item.put("created_at", r.recordedAt().toString());
        item.put("replayed_by", r.replayedBy());
        return item;
    }

    private static void recordFields(ObjectNode item, BatchRecords.Row r) {
        item.put("batch_id", r.batchId());
        if (r.row() == null) {
            item.putNull("row");
        } else {
            item.put("row", r.row());
        }
        item.put("source", r.source());
        item.put("participant", r.participant());
        item.put("provider", r.provider());
        item.put("connection", r.connection());
        item.put("outcome", r.outcome());
        if (r.httpStatus() == null) {
            item.putNull("http_status");
        } else {
            item.put("http_status", r.httpStatus());
        }
        item.put("error_category", r.errorCategory());
        item.put("message", r.message());
        item.put("provider_code", r.providerCode());
        item.put("provider_message", r.providerMessage());
    }

    private JsonNode readLetter(BatchRecords.Row r) {
        if (r.deadLetter() == null) {
            return null;
        }
        String location = r.deadLetter();
        try {
            return json.readTree(io.participantsync.deadletter.DeadLetterWriter.readLetter(location));
        } catch (IOException | RuntimeException notThere) {
            // replayed and moved: look in the replayed folder
            int hash = location.lastIndexOf('#');
            Path file = Path.of(hash < 0 ? location : location.substring(0, hash));
            Path moved = deadLetters.replayedLocation(file);
            if (moved == null) {
                return null;
            }
            try {
                return json.readTree(io.participantsync.deadletter.DeadLetterWriter.readLetter(moved
                        + (hash < 0 ? "" : location.substring(hash))));
            } catch (IOException | RuntimeException gone) {
                return null;
            }
        }
    }

    private StoredBatch knownBatch(Exchange e) {
        String id = e.getIn().getHeader("id", String.class);
        // without its report: whoever needs that reads it (a batch's record pages and summary do not)
        return (id == null ? Optional.<StoredBatch>empty() : store.findBatchHead(id)).orElseThrow(() -> ApiProblem.of(
                404, "unknown-batch", "Not Found", "no batch with id '" + printable(id) + "'"));
    }

    private BatchRecords.Row knownLetter(String id) {
        long n;
        try {
            n = Long.parseLong(id == null ? "" : id.trim());
        } catch (NumberFormatException ex) {
            throw badRequest("a dead-letter id is a number; was '" + printable(id) + "'");
        }
        return records.record(n).filter(BatchRecords.Row::hasDeadLetter).orElseThrow(() -> ApiProblem.of(404,
                "unknown-dead-letter", "Not Found", "no dead letter with id " + n));
    }

    /**
     * The report's fields before its rows (notes, failure, rejected_csv): a batch of 100,000 rows has a report of
     * 30 MB, these need a few lines of it.
     */
    private ObjectNode reportHead(String batchId) {
        return store.reportHead(batchId).orElseGet(() -> report(batchId));
    }

    private ObjectNode report(String batchId) {
        return intake.status(batchId).orElseThrow(() -> ApiProblem.of(404, "unknown-batch", "Not Found",
                "no batch with id '" + printable(batchId) + "'"));
    }

    private static Optional<Path> rejectedCsv(ObjectNode report) {
        for (JsonNode p : report.path("rejected_csv")) {
            Path path = Path.of(p.asText());
            if (Files.isReadable(path)) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> query(Exchange e) {
        Map<String, String> out = new HashMap<>();
        String raw = e.getIn().getHeader(Exchange.HTTP_QUERY, String.class);
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(k, v);
            } catch (IllegalArgumentException ex) {
                throw badRequest("the query string is not valid URL encoding");
            }
        }
        return out;
    }

    private static String oneOf(Map<String, String> q, String name, Set<String> allowed) {
        String v = text(q, name);
        if (v == null) {
            return null;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (!allowed.contains(lower)) {
            throw badRequest(name + " must be one of " + String.join(", ", new TreeSet<>(allowed)) + "; was '"
                    + printable(v) + "'");
        }
        return lower;
    }

    private static String text(Map<String, String> q, String name) {
        String v = q.get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        if (v.length() > 200) {
            throw badRequest(name + " must be at most 200 characters");
        }
        return v.trim();
    }

    private static Instant instant(Map<String, String> q, String name) {
        String v = text(q, name);
        if (v == null) {
            return null;
        }
        try {
            return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notADate) {
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException ex) {
                throw badRequest(name + " must be a date (2026-12-05) or an instant (2026-12-05T10:00:00Z); was '"
                        + printable(v) + "'");
            }
        }
    }

    private static int limit(Map<String, String> q) {
        String v = q.get("limit");
        if (v == null || v.isBlank()) {
            return DEFAULT_LIMIT;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException ex) {
            n = -1;
        }
        if (n < 1 || n > MAX_LIMIT) {
            throw badRequest("limit must be an integer from 1 to " + MAX_LIMIT + "; was '" + printable(v) + "'");
        }
        return n;
    }

    private static ApiProblem badRequest(String detail) {
        return ApiProblem.of(400, "bad-parameter", "Bad Request", detail);
    }

    private static String printable(String s) {
        return ApiProblem.printable(s);
    }

    private static String safeName(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private void reply(Exchange e, int status, JsonNode body) {
        e.getMessage().removeHeaders("*");
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, JSON);
        e.getMessage().setHeader("Cache-Control", "no-store");
        try {
            e.getMessage().setBody(json.writeValueAsBytes(body));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
