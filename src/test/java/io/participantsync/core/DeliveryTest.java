package io.participantsync.core;

import static io.participantsync.support.FakeHttpTransport.fail;
import static io.participantsync.support.FakeHttpTransport.numberedTokens;
import static io.participantsync.support.FakeHttpTransport.respond;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.auth.TokenService;
import io.participantsync.http.HttpResponse;
import io.participantsync.model.DeliveryException;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Source;
import io.participantsync.provider.Connection;
import io.participantsync.provider.ProviderAdapter;
import io.participantsync.provider.ProviderRegistry;
import io.participantsync.provider.ProviderRequest;
import io.participantsync.support.FakeHttpTransport;
import io.participantsync.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Verifies a Delivery's calls (driven as route call-provider drives them), 401 handling, error classification and SigningHub guard with a fake transport. */
class DeliveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ZIGNED_BASE = "http://zigned.test/rest/v3";
    private static final String ZIGNED_TOKEN = "http://zigned.test/oauth/token";
    private static final String AGREEMENT = "c4zatmug6d5jtfyl1b5example";
    private static final String PARTICIPANT = "clp0q2x9k0000abcd1234efgh";
    private static final String PARTICIPANT_URL = ZIGNED_BASE + "/agreements/" + AGREEMENT + "/participants/"
            + PARTICIPANT;
    private static final String SH_BASE = "http://signinghub.test";

    private final ProviderRegistry registry = ProviderRegistry.standard(id -> Map.of());
    private final FakeHttpTransport http = new FakeHttpTransport();
    private final TokenService tokens = new TokenService(http,
            new MutableClock(Instant.parse("2024-05-06T10:00:00Z")), Duration.ofSeconds(60));
    private final DeliveryDriver caller = new DeliveryDriver(http, tokens);
    // a trailing slash on the base URL must not double the path's
    private final Connection zigned = new Connection("zigned-se", "zigned", Map.of("base-url", ZIGNED_BASE + "/",
            "token-url", ZIGNED_TOKEN, "client-id", "client-1", "client-secret", "zigned-secret"));
    private final Connection signinghub = new Connection("signinghub", "signinghub", Map.of("base-url", SH_BASE,
            "token-url", SH_BASE + "/authenticate", "client-id", "client-2", "client-secret", "sh-secret"));

    @Test
    void given200_whenDeliver_thenResponseReturnedAndRequestSentAsBuilt() throws Exception {
        http.on("POST", ZIGNED_TOKEN, numberedTokens("tok-", 3600))
                .on("PUT", PARTICIPANT_URL, respond(200, "{\"data\":{\"id\":\"" + PARTICIPANT + "\"}}"));

        HttpResponse response = caller.deliver(zignedPlan(Map.of("name", "Anna Andersson", "email",
                "anna@example.se")));

        assertThat(response.status()).isEqualTo(200);
        assertThat(MAPPER.readTree(response.body()).at("/data/id").asText()).isEqualTo(PARTICIPANT);
        FakeHttpTransport.Call put = http.calls("PUT", ZIGNED_BASE).get(0);
        assertThat(put.url()).isEqualTo(PARTICIPANT_URL);
        assertThat(put.headers()).isEqualTo(Map.of("Authorization", "Bearer tok-1", "Accept", "application/json",
                "Content-Type", "application/json"));
        assertThat(MAPPER.readTree(put.body())).isEqualTo(MAPPER.readTree(
                "{\"name\":\"Anna Andersson\",\"email\":\"anna@example.se\"}"));
        assertThat(http.calls()).extracting(FakeHttpTransport.Call::method).containsExactly("POST", "PUT");
        assertThat(http.calls().get(0).form()).containsEntry("grant_type", "client_credentials");
    }

    @Test
    void givenRequestWithQuery_whenDeliver_thenUrlIsBasePlusPathPlusQuery() {
        http.on("POST", ZIGNED_TOKEN, numberedTokens("tok-", 3600))
                .on("GET", ZIGNED_BASE, respond(200, "{}"));
        ProviderRequest request = new ProviderRequest("GET", "/agreements/" + AGREEMENT, "expand=participants&x=a%20b",
                Map.of("Accept", "application/json"), null);

        caller.deliver(new Plan.Deliver(update("zigned", Map.of("agreement_id", AGREEMENT)), zigned,
                registry.get("zigned"), request));

        FakeHttpTransport.Call get = http.calls("GET", ZIGNED_BASE).get(0);
        assertThat(get.url()).isEqualTo(ZIGNED_BASE + "/agreements/" + AGREEMENT + "?expand=participants&x=a%20b");
        assertThat(get.body()).isNull();
        assertThat(get.headers()).isEqualTo(Map.of("Accept", "application/json", "Authorization", "Bearer tok-1"));
    }

    @Test
    void given401Then200_whenDeliver_thenSecondCallCarriesANewToken() {
        http.on("POST", ZIGNED_TOKEN, numberedTokens("tok-", 3600))
                .on("PUT", PARTICIPANT_URL, respond(401, "{\"status\":\"error\",\"error\":{\"code\":401,"
                        + "\"message\":\"Unauthorized\"}}"), respond(200, "{}"));

        HttpResponse response = caller.deliver(zignedPlan(Map.of("name", "Anna")));

        assertThat(response.status()).isEqualTo(200);
        assertThat(http.calls("PUT", PARTICIPANT_URL)).extracting(c -> c.headers().get("Authorization"))
                .containsExactly("Bearer tok-1", "Bearer tok-2");
        assertThat(http.calls("POST", ZIGNED_TOKEN)).hasSize(2);
        assertThat(tokens.tokenRequests("zigned-se")).isEqualTo(2);
    }

    @Test
    void given401Twice_whenDeliver_thenPermanentAuthenticationAfterTwoCalls() {
        http.on("POST", ZIGNED_TOKEN, numberedTokens("tok-", 3600))
                .on("PUT", PARTICIPANT_URL, respond(401, "{\"status\":\"error\",\"error\":{\"code\":401,"
                        + "\"message\":\"Token revoked\"}}"));

        DeliveryException e = catchThrowableOfType(() -> caller.deliver(zignedPlan(Map.of("name", "Anna"))),
                DeliveryException.class);

        assertThat(e.transientError()).isFalse();
        assertThat(e.category()).isEqualTo("authentication");
        assertThat(e.error().status()).isEqualTo(401);
        assertThat(e.error().message()).isEqualTo("Token revoked");
        assertThat(http.calls("PUT", PARTICIPANT_URL)).hasSize(2);
        assertThat(http.calls("POST", ZIGNED_TOKEN)).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(ints = {503, 429})
    void givenRetryAfterSeconds_whenDeliver_thenTransientWithRetryAfterInMs(int status) {
        http.on("POST", ZIGNED_TOKEN, numberedTokens("tok-", 3600))
                .on("PUT", PARTICIPANT_URL, respond(status, "", Map.of("Retry-After", "7")));

        DeliveryException e = catchThrowableOfType(() -> caller.deliver(zignedPlan(Map.of("name", "Anna"))),
                DeliveryException.class);

        assertThat(e.transientError()).isTrue();
        assertThat(e.category()).isEqualTo("transient");
        assertThat(e.retryAfterMs()).isEqualTo(7000);
        assertThat(e.error().status()).isEqualTo(status);
        assertThat(http.calls("PUT", PARTICIPANT_URL)).hasSize(1);
    }

    @Test
    void givenRetryAfterHttpDate_whenDeliver_thenTransientWithMillisecondsUntilThatDate() {
        String in120s = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)
                .plusSeconds(120));
        http.on("POST", ZIGNED_TOKEN, numberedTokens("tok-", 3600))
                .on("PUT", PARTICIPANT_URL, respond(429, "", Map.of("retry-after", in120s)));

        DeliveryException e = catchThrowableOfType(() -> caller.deliver(zignedPlan(Map.of("name", "Anna"))),
                DeliveryException.class);

        assertThat(e.transientError()).isTrue();
        // the header has whole seconds and a moment passes before it is read
        assertThat(e.retryAfterMs()).isBetween(100_000L, 120_000L);
    }

    @Test
    void givenNoOrUnreadableRetryAfter_whenReadingIt_thenMinusOneAndPastDatesZero() {
        assertThat(Delivery.retryAfterMs(null)).isEqualTo(-1);
        assertThat(Delivery.retryAfterMs("soon")).isEqualTo(-1);
        assertThat(Delivery.retryAfterMs(" 3 ")).isEqualTo(3000);
        assertThat(Delivery.retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT")).isZero();
    }

    @Test
    void givenIoException_whenDeliver_thenTransientWithoutStatus() {
        http.on("POST", ZIGNED_TOKEN, numberedTokens("tok-", 3600))
                .on("PUT", PARTICIPANT_URL, fail("Read timed out"))
                // the answer was lost: the participant is read at once, and does not show the update yet
                .on("GET", PARTICIPANT_URL, respond(200, "{\"data\":{\"name\":\"Someone Else\"}}"));

        DeliveryException e = catchThrowableOfType(() -> caller.deliver(zignedPlan(Map.of("name", "Anna"))),
                DeliveryException.class);

        assertThat(http.calls("GET", PARTICIPANT_URL)).hasSize(1);
        assertThat(caller.last().answerLost()).isTrue();
        assertThat(e.transientError()).isTrue();
        assertThat(e.category()).isEqualTo("transient");
        assertThat(e.retryAfterMs()).isEqualTo(-1);
        assertThat(e.error().status()).isZero();
        assertThat(e.error().message()).contains("zigned").contains("Read timed out");
    }

    @Test
    void given404_whenDeliver_thenPermanentProviderErrorWithTheProvidersMessage() {
        http.on("POST", ZIGNED_TOKEN, numberedTokens("tok-", 3600))
                .on("PUT", PARTICIPANT_URL, respond(404, "{\"status\":\"error\",\"error\":{\"code\":404,"
                        + "\"message\":\"Participant not found\"}}"));

        DeliveryException e = catchThrowableOfType(() -> caller.deliver(zignedPlan(Map.of("name", "Anna"))),
                DeliveryException.class);

        assertThat(e.transientError()).isFalse();
        assertThat(e.category()).isEqualTo("provider");
        assertThat(e.error().status()).isEqualTo(404);
        assertThat(e.error().message()).isEqualTo("Participant not found");
        assertThat(http.calls("PUT", PARTICIPANT_URL)).hasSize(1);
    }

    @Test
    void givenSigningHubGuardMismatch_whenDeliver_thenPermanentGuardAndNoPut() {
        http.on("POST", SH_BASE + "/authenticate", numberedTokens("sh-", 3600))
                .on("GET", SH_BASE + "/v3/packages/201/workflow/users", respond(200,
                        "[{\"order\":1,\"user_email\":\"first@example.com\"},"
                                + "{\"order\":2,\"user_email\":\"someone.else@example.com\"}]"));

        DeliveryException e = catchThrowableOfType(() -> caller.deliver(signingHubPlan()), DeliveryException.class);

        assertThat(e.transientError()).isFalse();
        assertThat(e.category()).isEqualTo("guard");
        assertThat(e.error().message()).isEqualTo("recipient at position 2 is not old@example.com");
        assertThat(http.calls("PUT", SH_BASE)).isEmpty();
        FakeHttpTransport.Call get = http.calls("GET", SH_BASE).get(0);
        assertThat(get.url()).isEqualTo(SH_BASE + "/v3/packages/201/workflow/users");
        assertThat(get.headers()).isEqualTo(Map.of("Accept", "application/json", "Authorization", "Bearer sh-1"));
    }

    @Test
    void givenSigningHubGuardMatch_whenDeliver_thenPutMadeAfterTheGuardWithOneToken() throws Exception {
        http.on("POST", SH_BASE + "/authenticate", numberedTokens("sh-", 3600))
                .on("GET", SH_BASE + "/v3/packages/201/workflow/users", respond(200,
                        "[{\"order\":1,\"user_email\":\"first@example.com\"},"
                                + "{\"order\":\"2\",\"user_email\":\"OLD@example.com\"}]"))
                .on("PUT", SH_BASE + "/v3/packages/201/workflow/2/user", respond(200, ""));

        HttpResponse response = caller.deliver(signingHubPlan());

        assertThat(response.status()).isEqualTo(200);
        assertThat(http.calls()).extracting(c -> c.method() + " " + c.url()).containsExactly(
                "POST " + SH_BASE + "/authenticate",
                "GET " + SH_BASE + "/v3/packages/201/workflow/users",
                "PUT " + SH_BASE + "/v3/packages/201/workflow/2/user");
        FakeHttpTransport.Call put = http.calls("PUT", SH_BASE).get(0);
        assertThat(put.headers()).containsEntry("Authorization", "Bearer sh-1")
                .containsEntry("Content-Type", "application/json");
        assertThat(MAPPER.readTree(put.body())).isEqualTo(MAPPER.readTree(
                "{\"user_email\":\"new@example.com\",\"user_name\":\"New Person\"}"));
    }

    @Test
    void givenGuardReadFails_whenDeliver_thenItsErrorIsThrownAndNoPut() {
        http.on("POST", SH_BASE + "/authenticate", numberedTokens("sh-", 3600))
                .on("GET", SH_BASE, respond(404, "{\"Message\":\"Package not found\"}"));

        DeliveryException e = catchThrowableOfType(() -> caller.deliver(signingHubPlan()), DeliveryException.class);

        assertThat(e.category()).isEqualTo("provider");
        assertThat(e.error().message()).isEqualTo("Package not found");
        assertThat(http.calls("PUT", SH_BASE)).isEmpty();
    }

    @Test
    void givenStaticHeaderConnectionAnd401_whenDeliver_thenPermanentAuthenticationAfterOneCallAndNoTokenRequest() {
        String apiToken = "a".repeat(40);
        Connection oneflow = new Connection("oneflow", "oneflow", Map.of("base-url", "http://oneflow.test/v1",
                "api-token", apiToken, "user-email", "admin@example.com"));
        http.on("PUT", "http://oneflow.test/v1/contracts/1/parties/2/participants/3",
                respond(401, "{\"detail\":\"Invalid API token\"}"));

        DeliveryException e = catchThrowableOfType(() -> caller.deliver(plan(update("oneflow", Map.of("contract_id",
                "1", "party_id", "2", "participant_id", "3", "name", "Anna")), oneflow)), DeliveryException.class);

        assertThat(e.category()).isEqualTo("authentication");
        assertThat(e.transientError()).isFalse();
        assertThat(http.calls()).hasSize(1);
        assertThat(http.calls().get(0).headers()).containsEntry("x-oneflow-api-token", apiToken)
                .containsEntry("x-oneflow-user-email", "admin@example.com");
        assertThat(e.getMessage()).doesNotContain(apiToken);
    }

    private Plan.Deliver zignedPlan(Map<String, String> changes) {
        Map<String, String> fields = new LinkedHashMap<>(changes);
        fields.put("agreement_id", AGREEMENT);
        fields.put("participant_id", PARTICIPANT);
        return plan(update("zigned", fields), zigned);
    }

    private Plan.Deliver signingHubPlan() {
        return plan(update("signinghub", Map.of("package_id", "201", "workflow_order", "2", "current_email",
                "old@example.com", "email", "new@example.com", "name", "New Person")), signinghub);
    }

    private Plan.Deliver plan(ParticipantUpdate update, Connection connection) {
        ProviderAdapter adapter = registry.get(connection.provider());
        assertThat(adapter.validate(update, connection)).isEmpty();
        return new Plan.Deliver(update, connection, adapter, adapter.buildRequest(update, connection).orElseThrow());
    }

    private static ParticipantUpdate update(String provider, Map<String, String> fields) {
        return ParticipantUpdate.of(provider, null, fields, Source.of("test", "unit", 1));
    }
}
