package io.participantsync.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.delivery.ConnectionHolds;
import io.participantsync.http.HttpResponse;
import io.participantsync.http.HttpTransport;
import io.participantsync.model.DeliveryException;
import io.participantsync.model.ProviderError;
import io.participantsync.provider.AuthMethod;
import io.participantsync.provider.Connection;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication headers for every connection, shared by all routes. OAuth access tokens are fetched once, cached
 * until shortly before they expire, and fetched by one caller at a time per connection (the others wait and reuse
 * it); rotated refresh tokens are kept. A 401 invalidates the token that was used, so the next call fetches a new
 * one. Where a provider limits token requests (Zoho: 10 per 10 minutes per refresh token) a sliding-window limiter
 * keeps this service under it: a caller that finds no slot gets a transient error whose Retry-After is the time until
 * one frees (the delivery's error handler tries the record again then, holding no thread meanwhile); the request over
 * the limit is never sent. Token values are never logged.
 */
public final class TokenService {

    private static final Logger LOG = LoggerFactory.getLogger(TokenService.class);
    /** Used when a token answer has no expires_in: short, so a wrong guess costs little. */
    private static final Duration UNKNOWN_LIFETIME = Duration.ofMinutes(5);
    /** Token request fields whose values are not secrets (the rest is masked in messages). */
    private static final Set<String> NON_SECRET_FIELDS = Set.of("grant_type", "client_id", "username", "scope");
    /** Shorter values are not masked: they would mask ordinary words and cannot be real credentials. */
    private static final int MIN_SECRET_LENGTH = 4;

    private final HttpTransport http;
    private final Clock clock;
    private final Duration refreshAhead;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final Function<Connection, Optional<TokenRequestLimit>> limits;
    private final Map<String, Optional<TokenRequestLimit>> limitByConnection = new ConcurrentHashMap<>();
    private final TokenRequestLimiter limiter;
    private final ConnectionHolds holds;

    /** A token service without token request limits. */
    public TokenService(HttpTransport http, Clock clock, Duration refreshAhead) {
        this(http, clock, refreshAhead, c -> Optional.empty());
    }

    /** @param limits each connection's token request limit, if any (its {@code token-rate-limit} or the provider's) */
    public TokenService(HttpTransport http, Clock clock, Duration refreshAhead,
            Function<Connection, Optional<TokenRequestLimit>> limits) {
        this(http, clock, refreshAhead, limits, new ConnectionHolds());
    }

    /** @param holds told when a connection's token request limit starts and stops holding its records */
    public TokenService(HttpTransport http, Clock clock, Duration refreshAhead,
            Function<Connection, Optional<TokenRequestLimit>> limits, ConnectionHolds holds) {
        this.holds = holds;
        this.http = http;
        this.clock = clock;
        this.refreshAhead = refreshAhead;
        this.limits = limits;
        this.limiter = new TokenRequestLimiter(clock);
    }

    /** The headers that authenticate a call on {@code connection}; may fetch a token. */
    public Map<String, String> headers(Connection connection, AuthMethod method) {
        if (method instanceof AuthMethod.StaticHeaders s) {
            return s.headers();
        }
        AuthMethod.OAuth oauth = (AuthMethod.OAuth) method;
        String token = accessToken(connection, oauth);
        return Map.of("Authorization", oauth.scheme() + " " + token);
    }

    /** The provider refused {@code authorizationValue} (401): forget it unless a newer token already replaced it. */
    public void invalidate(Connection connection, String authorizationValue) {
        State s = states.get(connection.name());
        if (s == null || authorizationValue == null) {
            return;
        }
        s.lock.lock();
        try {
            if (s.accessToken != null && authorizationValue.endsWith(" " + s.accessToken)) {
                s.accessToken = null;
                s.expiresAt = Instant.MIN;
                s.staticTokenUsed = true;
            }
        } finally {
            s.lock.unlock();
        }
    }

    /**
     * Whether the next call on {@code connection} would fetch a new token: it has none yet, or its token is within
     * {@code auth.refresh-ahead-seconds} of expiring (for tests and metrics).
     */
    public boolean renewalDue(Connection connection) {
        State s = states.get(connection.name());
        return s == null || s.validToken(clock.instant()) == null;
    }

    /** How many token requests were made for a connection (for tests and metrics). */
    public int tokenRequests(String connectionName) {
        State s = states.get(connectionName);
        return s == null ? 0 : s.requests;
    }

    private String accessToken(Connection connection, AuthMethod.OAuth oauth) {
        State s = states.computeIfAbsent(connection.name(), n -> new State(connection.get("refresh-token")));
        String current = s.validToken(clock.instant());
        if (current != null) {
            return current;
        }
        s.lock.lock();
        try {
            current = s.validToken(clock.instant());
            if (current != null) {
                return current;
            }
            if (!s.staticTokenUsed && oauth.staticToken() != null) {
                s.staticTokenUsed = true;
                s.accessToken = oauth.staticToken();
                s.expiresAt = Instant.MAX;
                return s.accessToken;
            }
            fetch(connection, oauth, s);
            return s.accessToken;
        } finally {
            s.lock.unlock();
        }
    }

    private void fetch(Connection connection, AuthMethod.OAuth oauth, State s) {
        AuthMethod.TokenRequest request;
        try {
            request = oauth.tokenRequest().apply(s.refreshToken);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // e.g. only an access token is configured and the provider refused it
            throw DeliveryException.permanent(new ProviderError(0, "token_unavailable",
                    scrub(e.getMessage(), secrets(connection, oauth, s, null))), "authentication");
        }
        Map<String, String> headers = new LinkedHashMap<>(request.headers());
        String body = null;
        if (!request.form().isEmpty()) {
            headers.putIfAbsent("Content-Type", "application/x-www-form-urlencoded");
            body = request.form().entrySet().stream()
                    .map(e -> enc(e.getKey()) + "=" + enc(e.getValue() == null ? "" : e.getValue()))
                    .collect(Collectors.joining("&"));
        }
        HttpResponse response;
        TokenRequestLimiter.Permit permit = admit(connection);
        s.requests++;
        try {
            response = http.send("POST", request.url(), headers, body);
        } catch (IOException e) {
            // a transport error may quote the URL, and Zoho's token URL carries the credentials in its query
            throw DeliveryException.transientFailure(
                    new ProviderError(0, "token_endpoint_unreachable",
                            "token request for connection " + connection.name() + " failed: "
                                    + scrub(e.getMessage(), secrets(connection, oauth, s, request))),
                    -1);
        } finally {
            if (permit != null) {
                permit.done(clock.instant());
            }
        }
        int status = response.status();
        JsonNode node = parse(response.body());
        String accessToken = node == null ? null : text(node, "access_token");
        if (status >= 200 && status < 300 && accessToken != null) {
            long expiresIn = node.path("expires_in").asLong(-1);
            Duration lifetime = expiresIn > 0 ? Duration.ofSeconds(expiresIn) : UNKNOWN_LIFETIME;
            Duration ahead = refreshAhead.compareTo(lifetime.dividedBy(2)) > 0 ? lifetime.dividedBy(2) : refreshAhead;
            s.accessToken = accessToken;
            s.expiresAt = clock.instant().plus(lifetime).minus(ahead);
            String rotated = text(node, "refresh_token");
            if (rotated != null) {
                s.refreshToken = rotated;
            }
            LOG.info("connection {}: new access token, valid for {} s", connection.name(), lifetime.toSeconds());
            return;
        }
        String code = node == null ? null : text(node, "error");
        String message = node == null ? null : text(node, "error_description");
        // the provider's description may echo what it was sent (an expired refresh token, the client secret)
        ProviderError error = new ProviderError(status, code == null ? "token_request_failed" : code,
                "token request for connection " + connection.name() + " refused"
                        + (message == null ? "" : ": " + scrub(message, secrets(connection, oauth, s, request))));
        boolean transientError = status == 408 || status == 429 || status >= 500;
        throw new DeliveryException(error, transientError, -1, transientError ? "transient" : "authentication");
    }

    /**
     * A slot for one token request under the connection's limit (null when it has none), or a transient error that
     * says when the next slot frees; nothing is sent then.
     */
    private TokenRequestLimiter.Permit admit(Connection connection) {
        Optional<TokenRequestLimit> limit = limitByConnection.computeIfAbsent(connection.name(),
                n -> limits.apply(connection));
        if (limit.isEmpty()) {
            return null;
        }
        // the provider counts per refresh token, which two connections could share
        String key = connection.has("refresh-token") ? "refresh-token:" + connection.get("refresh-token")
                : "connection:" + connection.name();
        TokenRequestLimiter.Attempt attempt = limiter.tryAcquire(key, limit.get());
        if (attempt.permit() != null) {
            holds.end(connection.name(), ConnectionHolds.Reason.TOKEN_LIMIT);
            return attempt.permit();
        }
        long seconds = Math.max(1, attempt.waitFor().toSeconds());
        // one line when the hold starts (and one when it ends), not one per record that finds no slot
        if (!holds.begin(connection.name(), ConnectionHolds.Reason.TOKEN_LIMIT, limit.get()
                + " reached; records that need a new token wait, the next token request in " + seconds + " s")) {
            LOG.debug("connection {}: token request limit of {} reached, next request in {} s", connection.name(),
                    limit.get(), seconds);
        }
        throw DeliveryException.transientFailure(new ProviderError(0, "token_rate_limited",
                "connection " + connection.name() + ": the token request limit of " + limit.get()
                        + " is reached; the next token request is possible in " + seconds + " s"),
                attempt.waitFor().toMillis());
    }

    /**
     * Every credential a message about this token request could quote: the connection's secret settings, the current
     * refresh and access tokens, the static token, the request's secret form and query values and its Authorization
     * header; each also URL-encoded, as it travels.
     */
    private static Set<String> secrets(Connection connection, AuthMethod.OAuth oauth, State s,
            AuthMethod.TokenRequest request) {
        Set<String> raw = new HashSet<>();
        Connection.SECRET_KEYS.forEach(k -> raw.add(connection.get(k)));
        raw.add(s.refreshToken);
        raw.add(s.accessToken);
        raw.add(oauth.staticToken());
        if (request != null) {
            request.form().forEach((k, v) -> {
                if (!NON_SECRET_FIELDS.contains(k)) {
                    raw.add(v);
                }
            });
            request.headers().forEach((k, v) -> {
                if (k.equalsIgnoreCase("Authorization") && v != null) {
                    raw.add(v);
                    raw.add(v.substring(v.indexOf(' ') + 1));
                }
            });
            int q = request.url() == null ? -1 : request.url().indexOf('?');
            if (q >= 0) {
                for (String pair : request.url().substring(q + 1).split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && !NON_SECRET_FIELDS.contains(pair.substring(0, eq))) {
                        raw.add(pair.substring(eq + 1));
                        raw.add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        Set<String> all = new HashSet<>();
        for (String v : raw) {
            if (v != null && v.length() >= MIN_SECRET_LENGTH) {
                all.add(v);
                all.add(enc(v));
                all.add(enc(v).replace("+", "%20"));
            }
        }
        return all;
    }

    /** {@code text} with every secret replaced by a mask, longest first so no part of a longer one survives. */
    static String scrub(String text, Set<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            out = out.replace(secret, "***");
        }
        return out;
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : json.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Token state of one connection; fields guarded by {@code lock}, read racily only through validToken. */
    private static final class State {
        final ReentrantLock lock = new ReentrantLock();
        volatile String accessToken;
        volatile Instant expiresAt = Instant.MIN;
        String refreshToken;
        boolean staticTokenUsed;
        int requests;

        State(String refreshToken) {
            this.refreshToken = refreshToken;
        }

        String validToken(Instant now) {
            String t = accessToken;
            return t != null && now.isBefore(expiresAt) ? t : null;
        }
    }
}
