package io.participantsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.participantsync.provider.Connection;
import io.participantsync.provider.ProviderAdapter;
import io.participantsync.provider.ProviderRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * In-process simulators of the registered providers' APIs and their token endpoints on one loopback HTTP server: the
 * embedded default target of the main job, the fixture of the tests and the target of the benchmarks. Each provider's
 * adapter hands over its simulator ({@code ProviderAdapter.simulator}), served under the simulator's path prefixes
 * (the five standard ones: {@code /oneflow/v1}, {@code /zigned/...}, {@code /signinghub/...},
 * {@code /eviasign/_apis/...}, {@code /zoho/{dc}/...} and {@code /zoho-accounts/{dc}/...}); {@code /_sandbox/*} holds
 * the admin endpoints (health, reset, knobs, edits, counts, request-times, revoke-tokens). Each simulator's state is
 * seeded from its own {@value ProviderSimulator#SEED_RESOURCE}.
 */
public final class SandboxServer implements AutoCloseable {

    /** Default size of the request thread pool. */
    public static final int DEFAULT_THREADS = 64;

    /** Marks a call whose connection is closed without an answer. */
    private static final SandboxResponse NO_ANSWER = SandboxResponse.empty(0);

    private final HttpServer server;
    private final ExecutorService executor;
    private final ObjectMapper mapper = new ObjectMapper();
    private final SandboxKnobs knobs = new SandboxKnobs();
    private final SimulatorContext ctx;
    private final Map<String, ProviderSimulator> simulators = new LinkedHashMap<>();
    private final Map<String, ProviderSimulator> byPrefix = new LinkedHashMap<>();
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> tokenRequests = new ConcurrentHashMap<>();
    private final Map<String, Queue<Long>> requestTimes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> droppedAnswers = new ConcurrentHashMap<>();
    private final Map<String, Map<SandboxKnobs.Fault, LongAdder>> injected = new ConcurrentHashMap<>();
    private final Queue<SandboxCall> calls = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxInFlight = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> seeds = new LinkedHashMap<>();
    private final Set<String> maskedKeys = new HashSet<>();
    private final String url;

    private SandboxServer(int port, int threads, ProviderRegistry providers) throws IOException {
        // without it the JDK server answers Java clients ~44 ms late (Nagle + delayed ACK)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        this.url = "http://127.0.0.1:" + server.getAddress().getPort();
        this.ctx = new SimulatorContext(knobs, mapper, () -> url);
        for (ProviderSimulator sim : newSimulators(providers, ctx)) {
            simulators.put(sim.id(), sim);
            for (String prefix : sim.prefixes()) {
                ProviderSimulator other = byPrefix.putIfAbsent(prefix, sim);
                if (other != null || "_sandbox".equals(prefix)) {
                    server.stop(0);
                    throw new IllegalStateException("sandbox path prefix '" + prefix + "' of " + sim.id()
                            + " is taken" + (other == null ? "" : " by " + other.id()));
                }
            }
            seeds.put(sim.id(), sim.seedData());
            maskedKeys.addAll(sim.maskedKeys());
            requests.put(sim.id(), new LongAdder());
            tokenRequests.put(sim.id(), new LongAdder());
            requestTimes.put(sim.id(), new ConcurrentLinkedQueue<>());
            droppedAnswers.put(sim.id(), new LongAdder());
            Map<SandboxKnobs.Fault, LongAdder> byKind = new EnumMap<>(SandboxKnobs.Fault.class);
            for (SandboxKnobs.Fault f : SandboxKnobs.Fault.values()) {
                byKind.put(f, new LongAdder());
            }
            injected.put(sim.id(), byKind);
            inFlight.put(sim.id(), new AtomicInteger());
            maxInFlight.put(sim.id(), new AtomicInteger());
        }
        seedAll();
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sandbox-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
    }

    /** Starts a sandbox of the standard providers on 127.0.0.1; port 0 picks a free port. */
    public static SandboxServer start(int port) {
        return start(port, DEFAULT_THREADS);
    }

    /** Starts a sandbox of the standard providers on 127.0.0.1 with a request pool of {@code threads} daemon threads. */
    public static SandboxServer start(int port, int threads) {
        return start(port, threads, ProviderRegistry.standardDefaults());
    }

    /**
     * Starts a sandbox on 127.0.0.1 with a request pool of {@code threads} daemon threads, simulating every provider
     * of {@code providers} that has a simulator.
     */
    public static SandboxServer start(int port, int threads, ProviderRegistry providers) {
        try {
            return new SandboxServer(port, threads, providers);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the sandbox on port " + port, e);
        }
    }

    /** The ids of the simulated providers, in registration order. */
    public List<String> providers() {
        return List.copyOf(simulators.keySet());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String url() {
        return url;
    }

    /**
     * Every sandbox connection's {@code connections.<name>.*} properties (provider, base-url, token-url,
     * credentials and the provider's other settings) pointing at this server; each simulator names its own
     * connections (the standard ones: oneflow, oneflow-acme, zigned, signinghub, eviasign, zoho, zoho-eu).
     */
    public Map<String, String> connectionProperties() {
        Map<String, String> props = new MaskedProperties();
        simulators.values().forEach(s -> s.connectionProperties(props, url));
        return Collections.unmodifiableMap(props);
    }

    /**
     * The same properties for a sandbox of the standard providers at {@code serverUrl}
     * ({@code http://127.0.0.1:<port>}), e.g. one started as its own process with the {@code sandbox} command,
     * whose output masks the secrets.
     */
    public static Map<String, String> connectionProperties(String serverUrl) {
        return connectionProperties(serverUrl, ProviderRegistry.standardDefaults());
    }

    /** The same properties for a sandbox of {@code providers} at {@code serverUrl}. */
    public static Map<String, String> connectionProperties(String serverUrl, ProviderRegistry providers) {
        SimulatorContext probe = new SimulatorContext(new SandboxKnobs(), new ObjectMapper(), () -> serverUrl);
        Map<String, String> props = new MaskedProperties();
        newSimulators(providers, probe).forEach(s -> s.connectionProperties(props, serverUrl));
        return Collections.unmodifiableMap(props);
    }

    /** The simulator of each provider that has one, in registration order. */
    private static List<ProviderSimulator> newSimulators(ProviderRegistry providers, SimulatorContext ctx) {
        List<ProviderSimulator> sims = new ArrayList<>();
        for (ProviderAdapter adapter : providers.adapters()) {
            adapter.simulator(ctx).ifPresent(sim -> {
                if (!sim.id().equals(adapter.id())) {
                    throw new IllegalStateException("the simulator of provider " + adapter.id() + " says it is "
                            + sim.id());
                }
                sims.add(sim);
            });
        }
        return sims;
    }

    /** Sorted properties whose {@code toString()} hides the secret values, should anyone log the map. */
    private static final class MaskedProperties extends TreeMap<String, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String toString() {
            Map<String, String> shown = new TreeMap<>();
            forEach((k, v) -> shown.put(k, Connection.SECRET_KEYS.contains(k.substring(k.lastIndexOf('.') + 1))
                    ? "***" : v));
            return shown.toString();
        }
    }

    public SandboxKnobs knobs() {
        return knobs;
    }

    /** Successful mutating calls, oldest first. */
    public List<AppliedEdit> appliedEdits() {
        return List.copyOf(new ArrayList<>(ctx.edits()));
    }

    /** Every request seen for the provider, token calls included. */
    public int requestCount(String provider) {
        return count(requests, provider);
    }

    /** Token-endpoint requests seen for the provider. */
    public int tokenRequestCount(String provider) {
        return count(tokenRequests, provider);
    }

    private static int count(Map<String, LongAdder> counters, String provider) {
        LongAdder adder = counters.get(provider);
        if (adder == null) {
            throw new IllegalArgumentException("unknown provider '" + provider + "'");
        }
        return adder.intValue();
    }

    /**
     * Arrival times ({@link System#nanoTime()}, ascending) of the provider's API calls (token calls excluded) since
     * the last reset, recorded only while {@link SandboxKnobs#recordRequestTimes()} is on; {@code null} provider
     * means every provider: to check a client's rate limit.
     */
    public List<Long> requestTimes(String provider) {
        List<Long> times = new ArrayList<>();
        if (provider == null) {
            requestTimes.values().forEach(times::addAll);
        } else {
            Queue<Long> queue = requestTimes.get(provider);
            if (queue == null) {
                throw new IllegalArgumentException("unknown provider '" + provider + "'");
            }
            times.addAll(queue);
        }
        Collections.sort(times);
        return times;
    }

    /** The most API calls of the provider the sandbox was answering at once since the start or the last reset. */
    public int maxInFlight(String provider) {
        AtomicInteger max = maxInFlight.get(provider);
        if (max == null) {
            throw new IllegalArgumentException("unknown provider '" + provider + "'");
        }
        return max.get();
    }

    /** API calls the sandbox closed without an answer (reset, timeout and lost-answer faults). */
    public int droppedAnswers(String provider) {
        return count(droppedAnswers, provider);
    }

    /**
     * How many API calls of the provider met each fault since the start or the last reset, random or scripted
     * ({@code TOO_MANY_REQUESTS} and {@code UNAVAILABLE} include scripted 429 and 503 answers); {@code NONE} counts the
     * calls that met no fault. Every kind is present, zero if it never happened.
     */
    public Map<SandboxKnobs.Fault, Integer> injectedFaults(String provider) {
        Map<SandboxKnobs.Fault, LongAdder> byKind = injected.get(provider);
        if (byKind == null) {
            throw new IllegalArgumentException("unknown provider '" + provider + "'");
        }
        Map<SandboxKnobs.Fault, Integer> counts = new EnumMap<>(SandboxKnobs.Fault.class);
        byKind.forEach((k, v) -> counts.put(k, v.intValue()));
        return counts;
    }

    /**
     * The API calls (token calls excluded) received since the last reset while
     * {@link SandboxKnobs#recordRequestTimes()} was on, in arrival order; {@code null} provider means every provider.
     */
    public List<SandboxCall> calls(String provider) {
        List<SandboxCall> list = new ArrayList<>();
        for (SandboxCall c : calls) {
            if (provider == null || provider.equals(c.provider())) {
                list.add(c);
            }
        }
        list.sort(java.util.Comparator.comparingLong(SandboxCall::nanoTime));
        return list;
    }

    /** Invalidates every access token issued so far: the next API call with one answers 401. */
    public void revokeTokens() {
        ctx.tokens().revokeAll();
    }

    /**
     * Back to the seeded state: knobs, edits, counters and Zoho's token-request window cleared. Issued access and
     * refresh tokens stay valid, so a client that cached one carries on; {@link #revokeTokens()} ends them.
     */
    public void reset() {
        knobs.clear();
        ctx.edits().clear();
        requests.values().forEach(LongAdder::reset);
        tokenRequests.values().forEach(LongAdder::reset);
        requestTimes.values().forEach(Queue::clear);
        droppedAnswers.values().forEach(LongAdder::reset);
        injected.values().forEach(m -> m.values().forEach(LongAdder::reset));
        calls.clear();
        maxInFlight.values().forEach(m -> m.set(0));
        seedAll();
    }

    /**
     * Current state of one participant, as JSON; the locator is the provider's own (see each simulator's
     * {@code participant}, e.g. Oneflow's {@code (contract_id, party_id, participant_id)}). Empty when there is no
     * such participant.
     */
    public Optional<JsonNode> participant(String provider, String... locator) {
        ProviderSimulator sim = simulators.get(provider);
        if (sim == null) {
            throw new IllegalArgumentException("unknown provider '" + provider + "'");
        }
        return sim.participant(locator);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "SandboxServer[" + url + "]";
    }

    private void seedAll() {
        simulators.forEach((id, sim) -> sim.seed(seeds.get(id).deepCopy()));
    }

    private void serve(HttpExchange exchange) {
        try (exchange) {
            SandboxResponse response;
            try {
                SandboxRequest request = SandboxRequest.of(exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
                        exchange.getRequestHeaders(), exchange.getRequestBody().readAllBytes());
                response = dispatch(request);
            } catch (RuntimeException e) {
                response = SandboxResponse.text(500, "sandbox error: " + e.getClass().getSimpleName());
            }
            if (response == NO_ANSWER) {
                // closing an exchange before its headers were sent closes the connection: the client gets no answer
                return;
            }
            write(exchange, response);
        } catch (IOException e) {
            // the client went away: nothing to answer
        }
    }

    private SandboxResponse dispatch(SandboxRequest request) {
        String first = request.segment(0);
        if ("_sandbox".equals(first)) {
            return admin(request);
        }
        ProviderSimulator sim = first == null ? null : byPrefix.get(first);
        if (sim == null) {
            return SandboxResponse.text(404, "no sandbox provider at this path");
        }
        long arrived = System.nanoTime();
        requests.get(sim.id()).increment();
        if (sim.isTokenCall(request)) {
            pause(knobs.latencyMs());
            tokenRequests.get(sim.id()).increment();
            return guarded(sim, request);
        }
        if (knobs.recordRequestTimes()) {
            requestTimes.get(sim.id()).add(arrived);
        }
        AtomicInteger current = inFlight.get(sim.id());
        maxInFlight.get(sim.id()).accumulateAndGet(current.incrementAndGet(), Math::max);
        try {
            pause(knobs.latencyMs());
            return answer(sim, request, arrived);
        } finally {
            current.decrementAndGet();
        }
    }

    private SandboxResponse answer(ProviderSimulator sim, SandboxRequest request, long arrived) {
        boolean mutating = !"GET".equals(request.method()) && !"HEAD".equals(request.method());
        SandboxKnobs.Scripted scripted = knobs.pollScripted(sim.id(), mutating);
        if (scripted != null && scripted.status() > 0) {
            note(sim, request, arrived, scripted.status() == 429 ? SandboxKnobs.Fault.TOO_MANY_REQUESTS
                    : scripted.status() == 503 ? SandboxKnobs.Fault.UNAVAILABLE : SandboxKnobs.Fault.NONE);
            return fault(sim, scripted.status());
        }
        SandboxKnobs.Fault fault = scripted != null ? scripted.fault() : knobs.drawFault(sim.id());
        note(sim, request, arrived, fault);
        switch (fault) {
            case TOO_MANY_REQUESTS:
                return fault(sim, 429);
            case UNAVAILABLE:
                return fault(sim, 503);
            case SLOW:
                pause(knobs.slowMs());
                break;
            case RESET:
                return noAnswer(sim);
            case TIMEOUT:
                pause(knobs.hangMs());
                return noAnswer(sim);
            case LOST_ANSWER:
                guarded(sim, request);
                return noAnswer(sim);
            case LOST_ANSWER_TIMEOUT:
                guarded(sim, request);
                pause(knobs.hangMs());
                return noAnswer(sim);
            default:
                break;
        }
        return guarded(sim, request);
    }

    /** Counts the fault the call met and, while request times are recorded, logs the call. */
    private void note(ProviderSimulator sim, SandboxRequest request, long arrived, SandboxKnobs.Fault fault) {
        injected.get(sim.id()).get(fault).increment();
        if (knobs.recordRequestTimes()) {
            calls.add(new SandboxCall(sim.id(), request.method(), "/" + String.join("/", request.segments()),
                    arrived, fault));
        }
    }

    private SandboxResponse noAnswer(ProviderSimulator sim) {
        droppedAnswers.get(sim.id()).increment();
        return NO_ANSWER;
    }

    private static SandboxResponse guarded(ProviderSimulator sim, SandboxRequest request) {
        try {
            return sim.handle(request);
        } catch (RuntimeException e) {
            return sim.error(500, "Internal server error");
        }
    }

    private static SandboxResponse fault(ProviderSimulator sim, int status) {
        SandboxResponse response = sim.error(status, reason(status));
        return status == 429 ? response.withHeader("Retry-After", "1") : response;
    }

    private static String reason(int status) {
        return switch (status) {
            case 429 -> "Too many requests: rate limit exceeded";
            case 500 -> "Internal server error";
            case 502 -> "Bad gateway";
            case 503 -> "Service temporarily unavailable";
            case 504 -> "Gateway timeout";
            default -> "Scripted sandbox failure " + status;
        };
    }

    private static void pause(long ms) {
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private SandboxResponse admin(SandboxRequest request) {
        String action = request.segment(1) == null ? "" : request.segment(1);
        String method = request.method();
        try {
            switch (action + " " + method) {
                case "health GET":
                    return SandboxResponse.json(200, "{\"status\":\"UP\"}");
                case "reset POST":
                    reset();
                    return SandboxResponse.json(200, "{\"status\":\"reset\"}");
                case "revoke-tokens POST":
                    revokeTokens();
                    return SandboxResponse.json(200, "{\"status\":\"revoked\"}");
                case "knobs GET":
                    return SandboxResponse.json(200, mapper.writeValueAsString(knobs.toJson(mapper)));
                case "knobs POST":
                    knobs.apply(mapper.readTree(request.body()));
                    return SandboxResponse.json(200, mapper.writeValueAsString(knobs.toJson(mapper)));
                case "edits GET":
                    return SandboxResponse.json(200, mapper.writeValueAsString(editsJson()));
                case "counts GET":
                    return SandboxResponse.json(200, mapper.writeValueAsString(countsJson()));
                case "request-times GET":
                    return SandboxResponse.json(200, mapper.writeValueAsString(requestTimesJson(
                            request.query().get("provider"))));
                default:
                    return SandboxResponse.text(404, "unknown admin endpoint");
            }
        } catch (IOException | IllegalArgumentException e) {
            return SandboxResponse.text(400, "bad admin request: " + e.getMessage());
        }
    }

    /** The edit log for the admin endpoint; personal numbers and OTP codes are masked, as on every other output. */
    private ArrayNode editsJson() {
        ArrayNode list = mapper.createArrayNode();
        for (AppliedEdit e : ctx.edits()) {
            ObjectNode node = list.addObject();
            node.put("provider", e.provider());
            node.put("account", e.account());
            node.put("locator", e.locator());
            node.set("fields", mask(e.fields()));
            node.put("nanoTime", e.nanoTime());
            node.put("at", e.at().toString());
        }
        return list;
    }

    private JsonNode mask(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = (ObjectNode) node.deepCopy();
            List<String> keys = new ArrayList<>();
            copy.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                copy.set(k, maskedKeys.contains(k) ? copy.textNode("***") : mask(copy.get(k)));
            }
            return copy;
        }
        return node;
    }

    private ObjectNode requestTimesJson(String provider) {
        ObjectNode node = mapper.createObjectNode();
        node.put("provider", provider);
        ArrayNode nanos = node.putArray("nanos");
        requestTimes(provider == null || provider.isBlank() ? null : provider).forEach(nanos::add);
        return node;
    }

    private ObjectNode countsJson() {
        ObjectNode node = mapper.createObjectNode();
        for (String id : simulators.keySet()) {
            node.putObject(id).put("requests", requestCount(id)).put("tokenRequests", tokenRequestCount(id))
                    .put("droppedAnswers", droppedAnswers(id));
        }
        return node;
    }

    private void write(HttpExchange exchange, SandboxResponse response) throws IOException {
        if (response.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
        }
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        byte[] body = response.body();
        boolean head = "HEAD".equals(exchange.getRequestMethod().toUpperCase(Locale.ROOT));
        exchange.sendResponseHeaders(response.status(), body.length == 0 || head ? -1 : body.length);
        if (body.length > 0 && !head) {
            exchange.getResponseBody().write(body);
        }
    }
}
