package io.participantsync.auth;

import static io.participantsync.support.FakeHttpTransport.numberedTokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.participantsync.delivery.ConnectionHolds;
import io.participantsync.model.DeliveryException;
import io.participantsync.provider.AuthMethod;
import io.participantsync.provider.Connection;
import io.participantsync.provider.zoho.ZohoAdapter;
import io.participantsync.support.FakeHttpTransport;
import io.participantsync.support.LogCapture;
import io.participantsync.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

/** Verifies the token request limit: its format, and that TokenService never sends a request over it. */
class TokenRequestLimitTest {

    private static final String TOKEN_URL = "http://zoho.test/oauth/v2/token";

    private final FakeHttpTransport http = new FakeHttpTransport();
    private final MutableClock clock = new MutableClock(Instant.parse("2024-05-06T10:00:00Z"));
    private final Connection zoho = new Connection("zoho", "zoho", Map.of("base-url", "http://zoho.test",
            "token-url", TOKEN_URL, "client-id", "c", "client-secret", "zoho-s3cret", "refresh-token",
            "zoho-refresh-t0ken"));
    private final AuthMethod auth = new ZohoAdapter(Map.of()).authMethod(zoho);

    private TokenService service(String limit) {
        return new TokenService(http, clock, Duration.ofSeconds(60),
                c -> Optional.of(TokenRequestLimit.parse(limit)));
    }

    /** A 401 on the current token, then a new one: one token request each time the limit allows. */
    private String renew(TokenService tokens) {
        String used = tokens.headers(zoho, auth).get("Authorization");
        tokens.invalidate(zoho, used);
        return tokens.headers(zoho, auth).get("Authorization");
    }

    @Test
    void givenFormats_whenParsed_thenCountAndWindow() {
        assertThat(TokenRequestLimit.parse("10/10m")).isEqualTo(new TokenRequestLimit(10, Duration.ofMinutes(10)));
        assertThat(TokenRequestLimit.parse(" 3 / 2s ")).isEqualTo(new TokenRequestLimit(3, Duration.ofSeconds(2)));
        assertThat(TokenRequestLimit.parse("100/h")).isEqualTo(new TokenRequestLimit(100, Duration.ofHours(1)));
        assertThat(TokenRequestLimit.parse("5/1500ms")).isEqualTo(new TokenRequestLimit(5, Duration.ofMillis(1500)));
        assertThatThrownBy(() -> TokenRequestLimit.parse("ten per minute"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10/10m");
        assertThatThrownBy(() -> TokenRequestLimit.parse("0/1m")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void givenSettingAndProviderDefault_whenOf_thenSettingWinsAndNoneTurnsItOff() {
        Optional<String> zohoDefault = new ZohoAdapter(Map.of()).tokenRequestLimit();

        assertThat(TokenRequestLimit.of(null, zohoDefault)).contains(new TokenRequestLimit(10,
                Duration.ofMinutes(10)));
        assertThat(TokenRequestLimit.of("5/1m", zohoDefault)).contains(new TokenRequestLimit(5,
                Duration.ofMinutes(1)));
        assertThat(TokenRequestLimit.of("none", zohoDefault)).isEmpty();
        assertThat(TokenRequestLimit.of(null, Optional.empty())).isEmpty();
    }

    @Test
    void givenLimitReached_whenAnotherTokenIsNeeded_thenTransientErrorWithRetryAfterAndNoRequestSent() {
        http.on("POST", TOKEN_URL, numberedTokens("zo-", 3600));
        TokenService tokens = service("3/10m");
        tokens.headers(zoho, auth);
        renew(tokens);
        renew(tokens);
        clock.advance(Duration.ofMinutes(4));
        String used = tokens.headers(zoho, auth).get("Authorization");
        tokens.invalidate(zoho, used);

        DeliveryException e = catchThrowableOfType(() -> tokens.headers(zoho, auth), DeliveryException.class);

        assertThat(http.calls("POST", TOKEN_URL)).hasSize(3);
        assertThat(e.transientError()).isTrue();
        assertThat(e.error().code()).isEqualTo("token_rate_limited");
        assertThat(e.error().message()).contains("connection zoho").contains("3 per 600 s").contains("360 s")
                .doesNotContain("zoho-refresh-t0ken").doesNotContain("zoho-s3cret");
        assertThat(e.retryAfterMs()).isEqualTo(Duration.ofMinutes(6).toMillis());
    }

    @Test
    void givenLimitReached_whenRecordsFindNoSlotUntilOneFrees_thenOneLineWhenTheHoldStartsAndOneWhenItEnds() {
        http.on("POST", TOKEN_URL, numberedTokens("zo-", 3600));
        ConnectionHolds holds = new ConnectionHolds();
        TokenService tokens = new TokenService(http, clock, Duration.ofSeconds(60),
                c -> Optional.of(TokenRequestLimit.parse("1/10m")), holds);
        try (LogCapture log = LogCapture.of(ConnectionHolds.class)) {
            String used = tokens.headers(zoho, auth).get("Authorization");
            tokens.invalidate(zoho, used);
            for (int i = 0; i < 5; i++) {
                catchThrowableOfType(() -> tokens.headers(zoho, auth), DeliveryException.class);
            }
            assertThat(holds.reasons("zoho")).containsExactly(ConnectionHolds.Reason.TOKEN_LIMIT);

            clock.advance(Duration.ofMinutes(10));
            tokens.headers(zoho, auth);

            assertThat(holds.reasons("zoho")).isEmpty();
            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .startsWith("connection zoho: held by its token request limit: 1 per 600 s reached; ")
                    .doesNotContain("zoho-refresh-t0ken");
            assertThat(log.messages(Level.INFO)).singleElement().asString()
                    .startsWith("connection zoho: no longer held by its token request limit");
        }
    }

    @Test
    void givenLimitReached_whenTheOldestRequestLeavesTheWindow_thenTheNextRequestIsSent() {
        http.on("POST", TOKEN_URL, numberedTokens("zo-", 3600));
        TokenService tokens = service("2/10m");
        tokens.headers(zoho, auth);
        clock.advance(Duration.ofMinutes(1));
        renew(tokens);
        String used = tokens.headers(zoho, auth).get("Authorization");
        tokens.invalidate(zoho, used);
        catchThrowableOfType(() -> tokens.headers(zoho, auth), DeliveryException.class);

        clock.advance(Duration.ofMinutes(9));

        assertThat(tokens.headers(zoho, auth)).containsEntry("Authorization", "Zoho-oauthtoken zo-3");
        assertThat(http.calls("POST", TOKEN_URL)).hasSize(3);
    }

    @Test
    void givenManyRenewalsFromManyThreads_whenLimitIsTen_thenNeverMoreThanTenRequestsInTheWindow() throws Exception {
        http.on("POST", TOKEN_URL, numberedTokens("zo-", 3600));
        TokenService tokens = service("10/10m");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger refused = new AtomicInteger();
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                runs.add(pool.submit(() -> {
                    start.await();
                    try {
                        renew(tokens);
                    } catch (DeliveryException e) {
                        refused.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : runs) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(http.calls("POST", TOKEN_URL).size()).isLessThanOrEqualTo(10);
        // however the threads met, renewals go on until the limit refuses one, which is the 11th
        int more = 0;
        while (refused.get() == 0 && more++ < 20) {
            try {
                renew(tokens);
            } catch (DeliveryException e) {
                refused.incrementAndGet();
            }
        }
        assertThat(refused.get()).isPositive();
        assertThat(http.calls("POST", TOKEN_URL)).hasSize(10);
        assertThat(tokens.tokenRequests("zoho")).isEqualTo(10);
    }
}
