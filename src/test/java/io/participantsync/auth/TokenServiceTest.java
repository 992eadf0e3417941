package io.participantsync.auth;

import static io.participantsync.support.FakeHttpTransport.fail;
import static io.participantsync.support.FakeHttpTransport.numberedTokens;
import static io.participantsync.support.FakeHttpTransport.respond;
import static io.participantsync.support.FakeHttpTransport.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.participantsync.model.DeliveryException;
import io.participantsync.provider.AuthMethod;
import io.participantsync.provider.Connection;
import io.participantsync.provider.eviasign.EviaSignAdapter;
import io.participantsync.provider.zoho.ZohoAdapter;
import io.participantsync.support.FakeHttpTransport;
import io.participantsync.support.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Verifies TokenService's caching, expiry, single-flight fetching, invalidation, rotation, errors and secrecy. */
class TokenServiceTest {

    private static final String TOKEN_URL = "http://auth.test/oauth/token";
    private static final String CLIENT_SECRET = "cl1ent-s3cret+&=value";
    private static final String REFRESH_TOKEN = "refresh-0riginal-R1";
    private static final Duration REFRESH_AHEAD = Duration.ofSeconds(60);

    private final FakeHttpTransport http = new FakeHttpTransport();
    private final MutableClock clock = new MutableClock(Instant.parse("2024-05-06T10:00:00Z"));
    private final TokenService tokens = new TokenService(http, clock, REFRESH_AHEAD);
    private final Connection connection = new Connection("acme", "zigned",
            Map.of("client-id", "client-1", "client-secret", CLIENT_SECRET, "refresh-token", REFRESH_TOKEN));
    /** Refresh tokens the auth method was asked to build a request from, in order. */
    private final List<String> refreshTokensSeen = new ArrayList<>();

    /** A refresh-token grant, so a test can see which refresh token each request carried. */
    private AuthMethod.OAuth oauth(String staticToken) {
        return new AuthMethod.OAuth("Bearer", refreshToken -> {
            synchronized (refreshTokensSeen) {
                refreshTokensSeen.add(refreshToken);
            }
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "refresh_token");
            form.put("client_id", "client-1");
            form.put("client_secret", CLIENT_SECRET);
            form.put("refresh_token", refreshToken);
            return new AuthMethod.TokenRequest(TOKEN_URL, Map.of("Accept", "application/json"), form);
        }, staticToken);
    }

    @Test
    void givenNoToken_whenHeadersTwice_thenOneFormEncodedTokenRequestAndCachedToken() {
        http.on("POST", TOKEN_URL, numberedTokens("tok-", 3600));

        Map<String, String> first = tokens.headers(connection, oauth(null));
        Map<String, String> second = tokens.headers(connection, oauth(null));

        assertThat(first).isEqualTo(Map.of("Authorization", "Bearer tok-1"));
        assertThat(second).isEqualTo(first);
        assertThat(http.calls()).hasSize(1);
        assertThat(tokens.tokenRequests("acme")).isEqualTo(1);
        FakeHttpTransport.Call call = http.calls().get(0);
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.url()).isEqualTo(TOKEN_URL);
        assertThat(call.headers()).containsEntry("Content-Type", "application/x-www-form-urlencoded")
                .containsEntry("Accept", "application/json");
        // form fields in any order, each value form-encoded
        assertThat(call.body().split("&")).containsExactlyInAnyOrder("grant_type=refresh_token",
                "client_id=client-1", "client_secret=cl1ent-s3cret%2B%26%3Dvalue",
                "refresh_token=refresh-0riginal-R1");
        assertThat(call.form()).isEqualTo(Map.of("grant_type", "refresh_token", "client_id", "client-1",
                "client_secret", CLIENT_SECRET, "refresh_token", REFRESH_TOKEN));
    }

    @Test
    void givenCachedToken_whenClockReachesExpiryMinusRefreshAhead_thenFetchedAgain() {
        http.on("POST", TOKEN_URL, numberedTokens("tok-", 3600));
        assertThat(tokens.headers(connection, oauth(null))).containsEntry("Authorization", "Bearer tok-1");

        clock.advance(Duration.ofSeconds(3600 - 60 - 1));
        assertThat(tokens.headers(connection, oauth(null))).containsEntry("Authorization", "Bearer tok-1");
        assertThat(http.calls()).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.headers(connection, oauth(null))).containsEntry("Authorization", "Bearer tok-2");
        assertThat(http.calls()).hasSize(2);
    }

    @Test
    void givenShortLivedToken_whenHalfItsLifetimePassed_thenRefreshAheadIsCappedAtHalfAndTokenRenewed() {
        http.on("POST", TOKEN_URL, numberedTokens("tok-", 100));
        tokens.headers(connection, oauth(null));

        clock.advance(Duration.ofSeconds(49));
        assertThat(tokens.headers(connection, oauth(null))).containsEntry("Authorization", "Bearer tok-1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.headers(connection, oauth(null))).containsEntry("Authorization", "Bearer tok-2");
    }

    @Test
    void givenFiftyConcurrentCallers_whenNoTokenYet_thenThemAllShareOneTokenRequest() throws Exception {
        http.on("POST", TOKEN_URL, numberedTokens("tok-", 3600)).delay(Duration.ofMillis(200));
        int callers = 50;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch ready = new CountDownLatch(callers);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Map<String, String>>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                Callable<Map<String, String>> caller = () -> {
                    ready.countDown();
                    start.await();
                    return tokens.headers(connection, oauth(null));
                };
                results.add(pool.submit(caller));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            start.countDown();
            for (Future<Map<String, String>> r : results) {
                assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo(Map.of("Authorization", "Bearer tok-1"));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(http.calls()).hasSize(1);
        assertThat(tokens.tokenRequests("acme")).isEqualTo(1);
    }

    @Test
    void givenUsedTokenInvalidated_whenHeaders_thenExactlyOneNewFetch() {
        http.on("POST", TOKEN_URL, numberedTokens("tok-", 3600));
        String used = tokens.headers(connection, oauth(null)).get("Authorization");

        tokens.invalidate(connection, used);

        assertThat(tokens.headers(connection, oauth(null))).containsEntry("Authorization", "Bearer tok-2");
        assertThat(tokens.headers(connection, oauth(null))).containsEntry("Authorization", "Bearer tok-2");
        assertThat(http.calls()).hasSize(2);
    }

    @Test
    void givenOlderTokenInvalidated_whenHeaders_thenNewerTokenKeptAndNoFetch() {
        http.on("POST", TOKEN_URL, numberedTokens("tok-", 3600));
        String old = tokens.headers(connection, oauth(null)).get("Authorization");
        tokens.invalidate(connection, old);
        String current = tokens.headers(connection, oauth(null)).get("Authorization");

        // a second caller's 401 on the token that was already replaced
        tokens.invalidate(connection, old);

        assertThat(tokens.headers(connection, oauth(null))).containsEntry("Authorization", current);
        assertThat(current).isEqualTo("Bearer tok-2");
        assertThat(http.calls()).hasSize(2);
    }

    @Test
    void givenRotatedRefreshToken_whenNextTokenRequest_thenRotatedTokenSent() {
        http.on("POST", TOKEN_URL,
                respond(200, "{\"access_token\":\"tok-1\",\"expires_in\":3600,\"refresh_token\":\"refresh-R2\"}"),
                respond(200, "{\"access_token\":\"tok-2\",\"expires_in\":3600}"),
                token("tok-3", 3600));
        tokens.headers(connection, oauth(null));

        tokens.invalidate(connection, "Bearer tok-1");
        tokens.headers(connection, oauth(null));
        // tok-2 came without a new refresh token: R2 stays the one to use
        tokens.invalidate(connection, "Bearer tok-2");
        tokens.headers(connection, oauth(null));

        assertThat(refreshTokensSeen).containsExactly(REFRESH_TOKEN, "refresh-R2", "refresh-R2");
        assertThat(http.calls()).extracting(c -> c.form().get("refresh_token"))
                .containsExactly(REFRESH_TOKEN, "refresh-R2", "refresh-R2");
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403})
    void givenTokenEndpointRefuses_whenHeaders_thenPermanentAuthenticationErrorWithoutSecrets(int status) {
        http.on("POST", TOKEN_URL, respond(status, "{\"error\":\"invalid_grant\",\"error_description\":"
                + "\"refresh token refresh-0riginal-R1 is expired\"}"));

        DeliveryException e = catchThrowableOfType(() -> tokens.headers(connection, oauth(null)),
                DeliveryException.class);

        assertThat(e.transientError()).isFalse();
        assertThat(e.category()).isEqualTo("authentication");
        assertThat(e.error().status()).isEqualTo(status);
        assertThat(e.error().code()).isEqualTo("invalid_grant");
        assertThat(e.getMessage()).contains("acme").contains("is expired");
        assertNoSecrets(e);
    }

    @Test
    void givenTokenAnswer2xxWithoutAccessToken_whenHeaders_thenPermanentAuthenticationError() {
        http.on("POST", TOKEN_URL, respond(200, "{\"error\":\"invalid_client\"}"));

        DeliveryException e = catchThrowableOfType(() -> tokens.headers(connection, oauth(null)),
                DeliveryException.class);

        assertThat(e.transientError()).isFalse();
        assertThat(e.category()).isEqualTo("authentication");
        assertThat(e.error().code()).isEqualTo("invalid_client");
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 429, 408})
    void givenTokenEndpointUnavailable_whenHeaders_thenTransientError(int status) {
        http.on("POST", TOKEN_URL, respond(status, "<html>down</html>"));

        DeliveryException e = catchThrowableOfType(() -> tokens.headers(connection, oauth(null)),
                DeliveryException.class);

        assertThat(e.transientError()).isTrue();
        assertThat(e.category()).isEqualTo("transient");
        assertThat(e.error().status()).isEqualTo(status);
        assertNoSecrets(e);
    }

    @Test
    void givenTokenEndpointUnreachable_whenHeaders_thenTransientErrorAndNextCallTriesAgain() {
        http.on("POST", TOKEN_URL, fail("Connection refused"), token("tok-1", 3600));

        DeliveryException e = catchThrowableOfType(() -> tokens.headers(connection, oauth(null)),
                DeliveryException.class);

        assertThat(e.transientError()).isTrue();
        assertThat(e.category()).isEqualTo("transient");
        assertThat(e.error().status()).isZero();
        assertThat(e.getMessage()).contains("Connection refused");
        assertThat(tokens.headers(connection, oauth(null))).containsEntry("Authorization", "Bearer tok-1");
        assertThat(http.calls()).hasSize(2);
    }

    @Test
    void givenTransportErrorEchoingTheSecretQuery_whenHeaders_thenMessageHasNoSecret() {
        // Zoho sends its credentials in the token URL's query string; a transport error may quote the URL
        Connection zoho = new Connection("zoho", "zoho", Map.of("client-id", "client-1", "client-secret",
                CLIENT_SECRET, "refresh-token", REFRESH_TOKEN, "token-url", "http://auth.test/oauth/v2/token"));
        AuthMethod auth = new ZohoAdapter(Map.of()).authMethod(zoho);
        http.on("POST", "http://auth.test/oauth/v2/token", call -> {
            throw new IOException("I/O error on POST request for \"" + call.url() + "\": reset");
        });

        DeliveryException e = catchThrowableOfType(() -> tokens.headers(zoho, auth), DeliveryException.class);

        assertThat(http.calls().get(0).url()).contains(CLIENT_SECRET.replace("+", "%2B").replace("&", "%26")
                .replace("=", "%3D"));
        assertThat(e.transientError()).isTrue();
        assertThat(e.getMessage()).contains("reset");
        assertNoSecrets(e);
        assertThat(e.getMessage()).doesNotContain("s3cret").doesNotContain("0riginal");
    }

    @Test
    void givenStaticAccessToken_whenHeaders_thenUsedWithoutFetchUntilA401InvalidatesIt() {
        Connection evia = new Connection("evia", "eviasign", Map.of("client-id", "client-1", "client-secret",
                CLIENT_SECRET, "refresh-token", REFRESH_TOKEN, "access-token", "static-access-T0",
                "token-url", TOKEN_URL));
        AuthMethod auth = new EviaSignAdapter(Map.of()).authMethod(evia);
        http.on("POST", TOKEN_URL, numberedTokens("tok-", 3600));

        assertThat(tokens.headers(evia, auth)).isEqualTo(Map.of("Authorization", "Bearer static-access-T0"));
        clock.advance(Duration.ofDays(1));
        assertThat(tokens.headers(evia, auth)).isEqualTo(Map.of("Authorization", "Bearer static-access-T0"));
        assertThat(http.calls()).isEmpty();

        tokens.invalidate(evia, "Bearer static-access-T0");

        assertThat(tokens.headers(evia, auth)).isEqualTo(Map.of("Authorization", "Bearer tok-1"));
        assertThat(http.calls()).hasSize(1);
        assertThat(http.calls().get(0).form()).isEqualTo(Map.of("grant_type", "refresh_token", "refresh_token",
                REFRESH_TOKEN));
        // the static token is not used again after a fetched one expires
        clock.advance(Duration.ofHours(2));
        assertThat(tokens.headers(evia, auth)).isEqualTo(Map.of("Authorization", "Bearer tok-2"));
    }

    @Test
    void givenOnlyStaticAccessTokenAndIt401s_whenHeaders_thenPermanentAuthenticationWithoutTheToken() {
        Connection evia = new Connection("evia", "eviasign", Map.of("client-id", "client-1", "client-secret",
                CLIENT_SECRET, "access-token", "static-access-T0", "token-url", TOKEN_URL));
        AuthMethod auth = new EviaSignAdapter(Map.of()).authMethod(evia);
        tokens.headers(evia, auth);
        tokens.invalidate(evia, "Bearer static-access-T0");

        DeliveryException e = catchThrowableOfType(() -> tokens.headers(evia, auth), DeliveryException.class);

        assertThat(e.transientError()).isFalse();
        assertThat(e.category()).isEqualTo("authentication");
        assertThat(e.getMessage()).contains("connections.evia.refresh-token");
        assertThat(e.getMessage()).doesNotContain("static-access-T0");
        assertNoSecrets(e);
        assertThat(http.calls()).isEmpty();
    }

    @Test
    void givenStaticHeaders_whenHeaders_thenReturnedAsTheyAreWithoutFetch() {
        AuthMethod auth = new AuthMethod.StaticHeaders(Map.of("x-oneflow-api-token", "api-token-value"));

        assertThat(tokens.headers(connection, auth)).isEqualTo(Map.of("x-oneflow-api-token", "api-token-value"));
        assertThat(http.calls()).isEmpty();
    }

    /** The exception, its provider error and its causes never show a credential. */
    private static void assertNoSecrets(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String shown = t + " " + t.getMessage()
                    + (t instanceof DeliveryException d ? " " + d.error() + " " + d.error().message() : "");
            assertThat(shown).doesNotContain(CLIENT_SECRET).doesNotContain(REFRESH_TOKEN)
                    .doesNotContain("static-access-T0").doesNotContain("tok-1")
                    .doesNotContain("cl1ent-s3cret%2B%26%3Dvalue");
        }
    }
}
