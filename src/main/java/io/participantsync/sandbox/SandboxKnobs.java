package io.participantsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The sandbox's fault and behaviour settings: latency, random faults, scripted faults, token lifetime, auto-creation
 * of unknown participants. Mutable at any time from any thread; every setter returns {@code this}.
 * <p>
 * Random faults ({@code rate429}, {@code rate503}, {@code rateSlow}, {@code rateReset}, {@code rateTimeout},
 * {@code rateLostAnswer}, {@code rateLostAnswerTimeout}) and scripted faults ({@link #failNext}) hit API calls only,
 * never token calls, so the auth code under test always gets a token. The faults without an answer: a
 * <em>reset</em> closes the connection at once without answering and applies nothing; a <em>timeout</em> holds the
 * request for {@link #hangMs()} (longer than the client's response timeout), applies nothing and closes without
 * answering; a <em>lost answer</em> applies the call as usual and then closes without answering (at once, or after
 * {@code hangMs} for the {@code _TIMEOUT} variant), as when a provider's answer is lost on the way back.
 */
public final class SandboxKnobs {

    /** Seed of the fault generator after {@link #clear()}: runs are reproducible unless a test picks another. */
    public static final long DEFAULT_RANDOM_SEED = 42L;
    /** Default hold of a timeout fault: longer than the service's default 30 s response timeout. */
    public static final long DEFAULT_HANG_MS = 35_000;

    /** Which fault a random draw or a scripted entry picked for one call. */
    public enum Fault {
        NONE, TOO_MANY_REQUESTS, UNAVAILABLE, SLOW,
        /** Close the connection without an answer; nothing applied. */
        RESET,
        /** Hold the request for {@code hangMs}, then close without an answer; nothing applied. */
        TIMEOUT,
        /** Apply the call, then close without an answer. */
        LOST_ANSWER,
        /** Apply the call, hold it for {@code hangMs}, then close without an answer. */
        LOST_ANSWER_TIMEOUT;

        /** Whether the call is processed (and a mutating one applied) before its answer is lost. */
        public boolean appliesBeforeLoss() {
            return this == LOST_ANSWER || this == LOST_ANSWER_TIMEOUT;
        }

        /** Reads {@code lost-answer}, {@code LOST_ANSWER}, {@code timeout}, ... */
        public static Fault parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("unknown fault kind '" + name + "'");
            }
        }
    }

    /** One scripted fault: an HTTP status to answer, or a fault kind (status 0). */
    record Scripted(int status, Fault fault) {
    }

    private volatile long latencyMs;
    private volatile double rate429;
    private volatile double rate503;
    private volatile double rateSlow;
    private volatile long slowMs;
    private volatile double rateReset;
    private volatile double rateTimeout;
    private volatile double rateLostAnswer;
    private volatile double rateLostAnswerTimeout;
    private volatile long hangMs;
    private volatile String provider;
    private volatile Random random;
    private volatile long tokenTtlSeconds;
    private volatile boolean autoCreate;
    private volatile boolean recordEdits;
    private volatile boolean recordRequestTimes;
    private volatile int zohoTokenLimit;
    private volatile long zohoTokenWindowSeconds;
    private final Map<String, Queue<Scripted>> scripted = new ConcurrentHashMap<>();

    SandboxKnobs() {
        clear();
    }

    /** Back to the defaults: no latency, no faults, provider-default token lifetime, no auto-creation. */
    public synchronized SandboxKnobs clear() {
        latencyMs = 0;
        rate429 = 0;
        rate503 = 0;
        rateSlow = 0;
        slowMs = 5_000;
        rateReset = 0;
        rateTimeout = 0;
        rateLostAnswer = 0;
        rateLostAnswerTimeout = 0;
        hangMs = DEFAULT_HANG_MS;
        provider = null;
        random = new Random(DEFAULT_RANDOM_SEED);
        tokenTtlSeconds = 0;
        autoCreate = false;
        recordEdits = true;
        recordRequestTimes = false;
        zohoTokenLimit = 10;
        zohoTokenWindowSeconds = 600;
        scripted.clear();
        return this;
    }

    /** Milliseconds added to every provider answer (token calls included). */
    public SandboxKnobs latencyMs(long ms) {
        this.latencyMs = Math.max(0, ms);
        return this;
    }

    public long latencyMs() {
        return latencyMs;
    }

    /** Share of API calls answered 429 with {@code Retry-After: 1}. */
    public SandboxKnobs rate429(double rate) {
        this.rate429 = clamp(rate);
        return this;
    }

    public double rate429() {
        return rate429;
    }

    /** Share of API calls answered 503. */
    public SandboxKnobs rate503(double rate) {
        this.rate503 = clamp(rate);
        return this;
    }

    public double rate503() {
        return rate503;
    }

    /** Share of API calls held for {@link #slowMs()} before being answered normally (to provoke client timeouts). */
    public SandboxKnobs rateSlow(double rate) {
        this.rateSlow = clamp(rate);
        return this;
    }

    public double rateSlow() {
        return rateSlow;
    }

    public SandboxKnobs slowMs(long ms) {
        this.slowMs = Math.max(0, ms);
        return this;
    }

    public long slowMs() {
        return slowMs;
    }

    /** Share of API calls whose connection is closed at once without an answer (nothing applied). */
    public SandboxKnobs rateReset(double rate) {
        this.rateReset = clamp(rate);
        return this;
    }

    public double rateReset() {
        return rateReset;
    }

    /** Share of API calls held for {@link #hangMs()} and then closed without an answer (nothing applied). */
    public SandboxKnobs rateTimeout(double rate) {
        this.rateTimeout = clamp(rate);
        return this;
    }

    public double rateTimeout() {
        return rateTimeout;
    }

    /** Share of API calls applied as usual whose answer is then lost (connection closed at once). */
    public SandboxKnobs rateLostAnswer(double rate) {
        this.rateLostAnswer = clamp(rate);
        return this;
    }

    public double rateLostAnswer() {
        return rateLostAnswer;
    }

    /** Share of API calls applied as usual whose answer is then held for {@link #hangMs()} and lost. */
    public SandboxKnobs rateLostAnswerTimeout(double rate) {
        this.rateLostAnswerTimeout = clamp(rate);
        return this;
    }

    public double rateLostAnswerTimeout() {
        return rateLostAnswerTimeout;
    }

    /**
     * How long a timeout fault holds the request before closing the connection; set it above the client's response
     * timeout (default {@value #DEFAULT_HANG_MS} ms).
     */
    public SandboxKnobs hangMs(long ms) {
        this.hangMs = Math.max(0, ms);
        return this;
    }

    public long hangMs() {
        return hangMs;
    }

    /** Limits the random faults to one provider id; {@code null} means every provider. */
    public SandboxKnobs provider(String providerId) {
        this.provider = providerId == null || providerId.isBlank() ? null : providerId.trim().toLowerCase(Locale.ROOT);
        return this;
    }

    public String provider() {
        return provider;
    }

    /** Re-seeds the random fault generator. */
    public SandboxKnobs seed(long seed) {
        this.random = new Random(seed);
        return this;
    }

    /**
     * Lifetime of newly issued access tokens; 0 (the default) means each provider's documented value (3600 s,
     * SigningHub 86399 s).
     */
    public SandboxKnobs tokenTtlSeconds(long seconds) {
        this.tokenTtlSeconds = Math.max(0, seconds);
        return this;
    }

    public long tokenTtlSeconds() {
        return tokenTtlSeconds;
    }

    long effectiveTokenTtl(long providerDefault) {
        long ttl = tokenTtlSeconds;
        return ttl > 0 ? ttl : providerDefault;
    }

    /**
     * When on, an unknown participant (and its contract, agreement, package, request or organisation) is created on
     * first touch by an edit: for benchmarks and suites with generated ids. An email an Evia Sign recipient or a Zoho
     * contact moved away from is not created again: an edit that names it is refused as at the real provider.
     */
    public SandboxKnobs autoCreate(boolean on) {
        this.autoCreate = on;
        return this;
    }

    public boolean autoCreate() {
        return autoCreate;
    }

    /** When off, successful edits are not kept in {@link SandboxServer#appliedEdits()} (long benchmarks). */
    public SandboxKnobs recordEdits(boolean on) {
        this.recordEdits = on;
        return this;
    }

    public boolean recordEdits() {
        return recordEdits;
    }

    /**
     * When on, the arrival time of every API call (not token calls) is kept per provider, for
     * {@link SandboxServer#requestTimes(String)}: the benchmarks' rate-limit check; and each call's method, path and
     * fault, for {@link SandboxServer#calls(String)}. Off by default so nothing grows.
     */
    public SandboxKnobs recordRequestTimes(boolean on) {
        this.recordRequestTimes = on;
        return this;
    }

    public boolean recordRequestTimes() {
        return recordRequestTimes;
    }

    /** Zoho's token-request limit per refresh token and window (default 10 per 600 s, as Zoho documents). */
    public SandboxKnobs zohoTokenLimit(int limit, long windowSeconds) {
        this.zohoTokenLimit = Math.max(1, limit);
        this.zohoTokenWindowSeconds = Math.max(1, windowSeconds);
        return this;
    }

    public int zohoTokenLimit() {
        return zohoTokenLimit;
    }

    public long zohoTokenWindowSeconds() {
        return zohoTokenWindowSeconds;
    }

    /**
     * The next {@code count} API calls (not token calls) of {@code providerId} answer {@code status} with that
     * provider's own error body; a 429 carries {@code Retry-After: 1}. Calls queue up: failNext(p, 1, 503) then
     * failNext(p, 1, 429) answers 503 first, then 429.
     */
    public SandboxKnobs failNext(String providerId, int count, int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status, was " + status);
        }
        return script(providerId, count, new Scripted(status, Fault.NONE));
    }

    /**
     * The next {@code count} API calls of {@code providerId} meet fault {@code kind} (queued with the status faults
     * of {@link #failNext(String, int, int)}). A lost answer ({@link Fault#LOST_ANSWER},
     * {@link Fault#LOST_ANSWER_TIMEOUT}) waits for the next mutating call (PUT, POST...): a read lets it pass, so the
     * fault always meets an edit the simulator applies.
     */
    public SandboxKnobs failNext(String providerId, int count, Fault kind) {
        if (kind == null || kind == Fault.NONE) {
            throw new IllegalArgumentException("a scripted fault needs a kind");
        }
        Scripted entry = switch (kind) {
            case TOO_MANY_REQUESTS -> new Scripted(429, Fault.NONE);
            case UNAVAILABLE -> new Scripted(503, Fault.NONE);
            default -> new Scripted(0, kind);
        };
        return script(providerId, count, entry);
    }

    private SandboxKnobs script(String providerId, int count, Scripted entry) {
        Queue<Scripted> queue = scripted.computeIfAbsent(providerId.toLowerCase(Locale.ROOT),
                k -> new ConcurrentLinkedQueue<>());
        synchronized (queue) {
            for (int i = 0; i < count; i++) {
                queue.add(entry);
            }
        }
        return this;
    }

    /** Scripted faults still waiting for the provider. */
    public int pendingFailures(String providerId) {
        Queue<Scripted> queue = scripted.get(providerId);
        return queue == null ? 0 : queue.size();
    }

    /** The scripted fault for this call, if one is due; a lost answer at the head is kept for a mutating call. */
    Scripted pollScripted(String providerId, boolean mutating) {
        Queue<Scripted> queue = scripted.get(providerId);
        if (queue == null) {
            return null;
        }
        synchronized (queue) {
            Scripted head = queue.peek();
            if (head == null || (!mutating && head.fault().appliesBeforeLoss())) {
                return null;
            }
            return queue.poll();
        }
    }

    Fault drawFault(String providerId) {
        double[] rates = {rate429, rate503, rateSlow, rateReset, rateTimeout, rateLostAnswer, rateLostAnswerTimeout};
        Fault[] faults = {Fault.TOO_MANY_REQUESTS, Fault.UNAVAILABLE, Fault.SLOW, Fault.RESET, Fault.TIMEOUT,
                Fault.LOST_ANSWER, Fault.LOST_ANSWER_TIMEOUT};
        double total = 0;
        for (double r : rates) {
            total += r;
        }
        if (total <= 0) {
            return Fault.NONE;
        }
        String only = provider;
        if (only != null && !only.equals(providerId)) {
            return Fault.NONE;
        }
        double r = random.nextDouble();
        double upTo = 0;
        for (int i = 0; i < rates.length; i++) {
            upTo += rates[i];
            if (r < upTo) {
                return faults[i];
            }
        }
        return Fault.NONE;
    }

    /**
     * Applies the keys present in a JSON object (the {@code POST /_sandbox/knobs} body): latencyMs, rate429, rate503,
     * rateSlow, slowMs, rateReset, rateTimeout, rateLostAnswer, rateLostAnswerTimeout, hangMs, provider, seed,
     * tokenTtlSeconds, autoCreate, recordEdits, recordRequestTimes, zohoTokenLimit, zohoTokenWindowSeconds, clear
     * (true first resets), failNext ({provider, count, status} or {provider, count, kind} with kind reset, timeout,
     * lost-answer, lost-answer-timeout, slow; or an array of them).
     */
    public synchronized SandboxKnobs apply(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("knobs must be a JSON object");
        }
        if (json.path("clear").asBoolean(false)) {
            clear();
        }
        if (json.has("latencyMs")) {
            latencyMs(json.get("latencyMs").asLong());
        }
        if (json.has("rate429")) {
            rate429(json.get("rate429").asDouble());
        }
        if (json.has("rate503")) {
            rate503(json.get("rate503").asDouble());
        }
        if (json.has("rateSlow")) {
            rateSlow(json.get("rateSlow").asDouble());
        }
        if (json.has("slowMs")) {
            slowMs(json.get("slowMs").asLong());
        }
        if (json.has("rateReset")) {
            rateReset(json.get("rateReset").asDouble());
        }
        if (json.has("rateTimeout")) {
            rateTimeout(json.get("rateTimeout").asDouble());
        }
        if (json.has("rateLostAnswer")) {
            rateLostAnswer(json.get("rateLostAnswer").asDouble());
        }
        if (json.has("rateLostAnswerTimeout")) {
            rateLostAnswerTimeout(json.get("rateLostAnswerTimeout").asDouble());
        }
        if (json.has("hangMs")) {
            hangMs(json.get("hangMs").asLong());
        }
        if (json.has("provider")) {
            provider(json.get("provider").isNull() ? null : json.get("provider").asText());
        }
        if (json.has("seed")) {
            seed(json.get("seed").asLong());
        }
        if (json.has("tokenTtlSeconds")) {
            tokenTtlSeconds(json.get("tokenTtlSeconds").asLong());
        }
        if (json.has("autoCreate")) {
            autoCreate(json.get("autoCreate").asBoolean());
        }
        if (json.has("recordEdits")) {
            recordEdits(json.get("recordEdits").asBoolean());
        }
        if (json.has("recordRequestTimes")) {
            recordRequestTimes(json.get("recordRequestTimes").asBoolean());
        }
        if (json.has("zohoTokenLimit") || json.has("zohoTokenWindowSeconds")) {
            zohoTokenLimit(json.path("zohoTokenLimit").asInt(zohoTokenLimit),
                    json.path("zohoTokenWindowSeconds").asLong(zohoTokenWindowSeconds));
        }
        JsonNode fail = json.get("failNext");
        if (fail != null) {
            for (JsonNode f : fail.isArray() ? fail : List.of(fail)) {
                String p = f.path("provider").asText();
                int count = f.path("count").asInt(1);
                if (f.hasNonNull("kind")) {
                    failNext(p, count, Fault.parse(f.get("kind").asText()));
                } else {
                    failNext(p, count, f.path("status").asInt());
                }
            }
        }
        return this;
    }

    /** The current settings as JSON (the {@code GET /_sandbox/knobs} answer). */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode node = mapper.createObjectNode();
        node.put("latencyMs", latencyMs);
        node.put("rate429", rate429);
        node.put("rate503", rate503);
        node.put("rateSlow", rateSlow);
        node.put("slowMs", slowMs);
        node.put("rateReset", rateReset);
        node.put("rateTimeout", rateTimeout);
        node.put("rateLostAnswer", rateLostAnswer);
        node.put("rateLostAnswerTimeout", rateLostAnswerTimeout);
        node.put("hangMs", hangMs);
        node.put("provider", provider);
        node.put("tokenTtlSeconds", tokenTtlSeconds);
        node.put("autoCreate", autoCreate);
        node.put("recordEdits", recordEdits);
        node.put("recordRequestTimes", recordRequestTimes);
        node.put("zohoTokenLimit", zohoTokenLimit);
        node.put("zohoTokenWindowSeconds", zohoTokenWindowSeconds);
        ObjectNode pending = node.putObject("pendingFailures");
        scripted.forEach((p, q) -> pending.put(p, q.size()));
        return node;
    }

    @Override
    public String toString() {
        return "SandboxKnobs[latencyMs=" + latencyMs + ", rate429=" + rate429 + ", rate503=" + rate503 + ", rateSlow="
                + rateSlow + ", slowMs=" + slowMs + ", rateReset=" + rateReset + ", rateTimeout=" + rateTimeout
                + ", rateLostAnswer=" + rateLostAnswer + ", rateLostAnswerTimeout=" + rateLostAnswerTimeout
                + ", hangMs=" + hangMs + ", provider=" + provider + ", tokenTtlSeconds=" + tokenTtlSeconds
                + ", autoCreate=" + autoCreate + "]";
    }

    private static double clamp(double rate) {
        return Math.max(0.0, Math.min(1.0, rate));
    }
}
