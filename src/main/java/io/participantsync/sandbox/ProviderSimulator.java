package io.participantsync.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * One provider's simulated API and token endpoint: routes its own paths, checks its own credentials and tokens,
 * enforces its state rules and answers in its own error format. State lives in concurrent maps with per-participant
 * (or per-container) locks, never one lock for everything.
 * <p>
 * Each provider's simulator lives in the provider's package, next to its adapter, which hands it to the
 * {@link SandboxServer} ({@code ProviderAdapter.simulator}); with it the provider's sandbox credentials and its seed
 * data ({@value #SEED_RESOURCE} beside the simulator class on the classpath). The server serves the simulator under
 * each of its {@link #prefixes()} and handles knobs, faults, counting and the edit log.
 */
public abstract class ProviderSimulator {

    /** The seed file's name, in the simulator class's own package on the classpath. */
    public static final String SEED_RESOURCE = "sandbox-seed.json";

    private static final Pattern EMAIL = Pattern.compile(
            "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    protected final SimulatorContext ctx;
    protected final ObjectMapper mapper;

    protected ProviderSimulator(SimulatorContext ctx) {
        this.ctx = ctx;
        this.mapper = ctx.mapper();
    }

    /** The provider id, the same as its adapter's. */
    public abstract String id();

    /**
     * The first path segments this simulator answers under ({@code /<prefix>/...}): its id, and e.g. a separate
     * token host ({@code zoho-accounts}).
     */
    protected List<String> prefixes() {
        return List.of(id());
    }

    /**
     * JSON keys of this provider's request bodies whose values the sandbox's edit log endpoint masks (personal
     * numbers, OTP codes), at any depth.
     */
    protected Set<String> maskedKeys() {
        return Set.of();
    }

    /** Whether the request goes to the token endpoint (token calls escape scripted and random faults). */
    protected abstract boolean isTokenCall(SandboxRequest request);

    /** Answers a request whose first path segment is one of this provider's prefixes. */
    protected abstract SandboxResponse handle(SandboxRequest request);

    /** The provider's own error answer for {@code status} (used for scripted and random faults too). */
    protected abstract SandboxResponse error(int status, String message);

    /** Drops all state and loads the seed (a copy of {@link #seedData()}). */
    protected abstract void seed(JsonNode seed);

    /**
     * This provider's seed: {@value #SEED_RESOURCE} in the simulator class's package on the classpath, or an empty
     * object when there is none. Read once, when the sandbox starts.
     */
    protected JsonNode seedData() {
        try (InputStream in = getClass().getResourceAsStream(SEED_RESOURCE)) {
            return in == null ? mapper.createObjectNode() : mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sandbox seed of " + id(), e);
        }
    }

    /** Current state of one participant; the locator is provider-specific (see {@link SandboxServer#participant}). */
    protected abstract Optional<JsonNode> participant(String... locator);

    /** The sandbox connection properties of this provider's connections. */
    protected abstract void connectionProperties(Map<String, String> into, String serverUrl);

    protected final JsonNode parseBody(SandboxRequest request) {
        if (request.body().length == 0) {
            return null;
        }
        try {
            return mapper.readTree(request.body());
        } catch (IOException e) {
            return null;
        }
    }

    protected final String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    protected final void record(String account, String locator, JsonNode fields) {
        ctx.record(id(), account, locator, write(fields));
    }

    protected final ObjectNode object() {
        return mapper.createObjectNode();
    }

    /** Puts {@code connections.<account>.provider} and returns the key prefix for the connection's other settings. */
    protected final String connectionPrefix(Map<String, String> into, String account) {
        String prefix = "connections." + account + ".";
        into.put(prefix + "provider", id());
        return prefix;
    }

    /** Random hex digits (for issued tokens), from the sandbox's token store. */
    protected final String randomHex(int bytes) {
        return ctx.tokens().randomHex(bytes);
    }

    /** Whether the request carries {@code Authorization: <scheme> <token>} with a live token of this provider. */
    protected final boolean hasValidToken(SandboxRequest request, String scheme, String scope) {
        return ctx.tokens().check(request.authorization(scheme), id(), scope).isPresent();
    }

    /**
     * The start of a token endpoint's 200 answer: a new access token for {@code account} (valid in {@code scope},
     * may be {@code null}), its type and its lifetime in seconds (the knobs may shorten {@code defaultTtl}).
     */
    protected final ObjectNode issueAccessToken(String prefix, String account, String scope, long defaultTtl,
            String tokenType) {
        long ttl = ctx.knobs().effectiveTokenTtl(defaultTtl);
        ObjectNode body = object();
        body.put("access_token", ctx.tokens().issue(prefix, id(), account, scope, ttl));
        body.put("token_type", tokenType);
        body.put("expires_in", ttl);
        return body;
    }

    /** A token endpoint's RFC 6749 error; {@code error_description} is left out when {@code description} is null. */
    protected final SandboxResponse oauthError(int status, String error, String description) {
        ObjectNode body = object().put("error", error);
        if (description != null) {
            body.put("error_description", description);
        }
        return SandboxResponse.json(status, write(body));
    }

    protected static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** A random UUID without SecureRandom's lock: request ids are not secrets. */
    protected static String requestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new UUID((r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & 0x3FFFFFFFFFFFFFFFL)
                | 0x8000000000000000L).toString();
    }

    /** {@code Authorization: Basic base64(id:secret)} as {id, secret}, or {@code null} when absent or malformed. */
    protected static String[] basicCredentials(SandboxRequest request) {
        String basic = request.authorization("Basic");
        if (basic == null) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(basic), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon > 0 ? new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)} : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    protected static boolean isEmail(String value) {
        return value != null && EMAIL.matcher(value).matches();
    }
}
