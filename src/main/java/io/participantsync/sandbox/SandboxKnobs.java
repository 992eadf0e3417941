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
 * Random faults ({@code rate429}, {@code rate503}, {@code rateSlow}) and scripted faults ({@link #failNext}) hit API
 * calls only, never token calls, so the auth code under test always gets a token.
 */
public final class SandboxKnobs {

    /** Seed of the fault generator after {@link #clear()}: runs are reproducible unless a test picks another. */
    public static final long DEFAULT_RANDOM_SEED = 42L;

    /** Which fault a random draw picked for one call. */
    public enum Fault { NONE, TOO_MANY_REQUESTS, UNAVAILABLE, SLOW }

    private volatile long latencyMs;
    private volatile double rate429;
    private volatile double rate503;
    private volatile double rateSlow;
    private volatile long slowMs;
    private volatile String provider;
    private volatile Random random;
    private volatile long tokenTtlSeconds;
    private volatile boolean autoCreate;
    private volatile boolean recordEdits;
    private volatile boolean recordRequestTimes;
    private volatile int zohoTokenLimit;
    private volatile long zohoTokenWindowSeconds;
    private final Map<String, Queue<Integer>> scripted = new ConcurrentHashMap<>();

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

    /** When on, an unknown participant (and its contract, agreement, package, request or organisation) is created on
     * first touch: for benchmarks with generated ids. */
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
     * {@link SandboxServer#requestTimes(String)}: the benchmarks' rate-limit check. Off by default so nothing grows.
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
        Queue<Integer> queue = scripted.computeIfAbsent(providerId.toLowerCase(Locale.ROOT),
                k -> new ConcurrentLinkedQueue<>());
        for (int i = 0; i < count; i++) {
            queue.add(status);
        }
        return this;
    }

    /** Scripted faults still waiting for the provider. */
    public int pendingFailures(String providerId) {
        Queue<Integer> queue = scripted.get(providerId);
        return queue == null ? 0 : queue.size();
    }

    Integer pollScripted(String providerId) {
        Queue<Integer> queue = scripted.get(providerId);
        return queue == null ? null : queue.poll();
    }

    Fault drawFault(String providerId) {
        double r429 = rate429;
        double r503 = rate503;
        double rSlow = rateSlow;
        if (r429 + r503 + rSlow <= 0) {
            return Fault.NONE;
        }
        String only = provider;
        if (only != null && !only.equals(providerId)) {
            return Fault.NONE;
        }
        double r = random.nextDouble();
        if (r < r429) {
            return Fault.TOO_MANY_REQUESTS;
        }
        if (r < r429 + r503) {
            return Fault.UNAVAILABLE;
        }
        if (r < r429 + r503 + rSlow) {
            return Fault.SLOW;
        }
        return Fault.NONE;
    }

    /**
     * Applies the keys present in a JSON object (the {@code POST /_sandbox/knobs} body): latencyMs, rate429, rate503,
     * rateSlow, slowMs, provider, seed, tokenTtlSeconds, autoCreate, recordEdits, recordRequestTimes, zohoTokenLimit,
     * zohoTokenWindowSeconds, clear (true first resets), failNext ({provider, count, status} or an array of them).
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
                failNext(f.path("provider").asText(), f.path("count").asInt(1), f.path("status").asInt());
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
                + rateSlow + ", slowMs=" + slowMs + ", provider=" + provider + ", tokenTtlSeconds=" + tokenTtlSeconds
                + ", autoCreate=" + autoCreate + "]";
    }

    private static double clamp(double rate) {
        return Math.max(0.0, Math.min(1.0, rate));
    }
}
