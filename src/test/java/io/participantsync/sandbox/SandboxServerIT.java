package io.participantsync.sandbox;

import static io.participantsync.sandbox.SandboxClient.bearer;
import static io.participantsync.sandbox.SandboxClient.oneflowHeaders;
import static io.participantsync.sandbox.SandboxClient.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.participantsync.provider.eviasign.EviaSignSandboxCredentials;
import io.participantsync.provider.oneflow.OneflowSandboxCredentials;
import io.participantsync.provider.signinghub.SigningHubSandboxCredentials;
import io.participantsync.provider.zigned.ZignedSandboxCredentials;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** Verifies the sandbox-wide behaviour: scripted and random faults, latency, token revocation and expiry, reset,
 * admin endpoints, connection properties and auto-creation. */
class SandboxServerIT extends SandboxFixture {

    private static final String ONEFLOW = "/oneflow/v1/contracts/100101/parties/200101/participants/300101";
    private static final String ZIGNED =
            "/zigned/rest/v3/agreements/cm4draftnordic0001example/participants/cm4p0001asaoberg00example";
    private static final String SIGNINGHUB = "/signinghub/v3/packages/401001/workflow/1/user";
    private static final String EVIA = "/eviasign/_apis/sign/api/v2/Requests/3f2c9a4e-6b1d-4c8e-9f3a-2b7d5e1a0c11"
            + "/editrecipient";
    private static final String ZOHO =
            "/zoho/com/api/v1/counterparties/NordicExampleAB/counterpartyusers/lars.nilsson%40example.com/";

    private HttpResponse<String> zignedPut(String token) {
        return client.json("PUT", ZIGNED, bearer(token), "{\"name\":\"Åsa Öberg-Lind\"}");
    }

    @Test
    void givenFailNext429_whenCalled_thenRetryAfterAndProviderBodyThenSuccess() {
        String token = client.zignedToken();
        server.knobs().failNext("zigned", 2, 429);

        HttpResponse<String> first = zignedPut(token);
        HttpResponse<String> second = zignedPut(token);
        HttpResponse<String> third = zignedPut(token);

        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(first.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(tree(first.body()).path("error").path("code").asInt()).isEqualTo(429);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(server.appliedEdits()).hasSize(1);
    }

    @Test
    void givenFailNext_whenTokenCallsHappen_thenTokenCallsAreNotConsumed() {
        server.knobs().failNext("zigned", 1, 503);

        String token = client.zignedToken();
        HttpResponse<String> api = zignedPut(token);

        assertThat(api.statusCode()).isEqualTo(503);
        assertThat(tree(api.body()).path("status").asText()).isEqualTo("error");
        assertThat(server.knobs().pendingFailures("zigned")).isZero();
    }

    @Test
    void givenFailNextOnEachProvider_whenCalled_thenEachProvidersOwnErrorShape() {
        server.knobs().failNext("oneflow", 1, 503).failNext("signinghub", 1, 503).failNext("eviasign", 1, 429)
                .failNext("zoho", 1, 500);

        HttpResponse<String> oneflow = client.json("PUT", ONEFLOW, oneflowHeaders(), "{\"name\":\"X\"}");
        HttpResponse<String> signinghub = client.json("PUT", SIGNINGHUB, bearer(client.signingHubToken()),
                "{\"user_name\":\"X\"}");
        HttpResponse<String> evia = client.json("POST", EVIA, bearer(client.eviaToken()),
                "{\"OldUserEmail\":\"asa.oberg@example.com\",\"UserName\":\"X\"}");
        HttpResponse<String> zoho = client.json("PUT", ZOHO,
                Map.of("Authorization", "Zoho-oauthtoken " + client.zohoToken()), "{\"displayName\":\"X\"}");

        assertThat(oneflow.statusCode()).isEqualTo(503);
        assertThat(tree(oneflow.body()).path("error_code").asInt()).isEqualTo(5030001);
        assertThat(signinghub.statusCode()).isEqualTo(503);
        assertThat(tree(signinghub.body()).path("Message").asText()).isNotBlank();
        assertThat(evia.statusCode()).isEqualTo(429);
        assertThat(evia.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(evia.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("text/plain"));
        assertThat(zoho.statusCode()).isEqualTo(500);
        assertThat(tree(zoho.body()).path("Errors").path("ErrorCode").asText()).isEqualTo("INTERNAL_ERROR");
        assertThat(server.appliedEdits()).isEmpty();
    }

    @Test
    void givenRandomFaultRateOneForOneProvider_whenCalled_thenOnlyThatProviderFails() {
        server.knobs().rate503(1.0).provider("oneflow");
        String token = client.zignedToken();

        HttpResponse<String> oneflow = client.json("PUT", ONEFLOW, oneflowHeaders(), "{\"name\":\"X\"}");
        HttpResponse<String> zigned = zignedPut(token);

        assertThat(oneflow.statusCode()).isEqualTo(503);
        assertThat(zigned.statusCode()).isEqualTo(200);
    }

    @Test
    void givenRandom429Rate_whenManyCalls_thenSomeButNotAllAre429WithRetryAfter() {
        server.knobs().rate429(0.5).seed(7);
        int limited = 0;
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = client.json("PUT", ONEFLOW, oneflowHeaders(), "{\"name\":\"N" + i + "\"}");
            if (r.statusCode() == 429) {
                limited++;
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            } else {
                assertThat(r.statusCode()).isEqualTo(200);
            }
        }

        assertThat(limited).isBetween(5, 35);
        assertThat(server.appliedEdits()).hasSize(40 - limited);
    }

    @Test
    void givenLatencyKnob_whenCalled_thenAnswerTakesAtLeastThatLong() {
        server.knobs().latencyMs(150);

        long start = System.nanoTime();
        HttpResponse<String> r = client.send("GET", "/oneflow/v1/ping", oneflowHeaders(), null);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(150);
    }

    @Test
    void givenSlowRate_whenCalled_thenAnswerDelayedButSuccessful() {
        server.knobs().rateSlow(1.0).slowMs(120);

        long start = System.nanoTime();
        HttpResponse<String> r = client.json("PUT", ONEFLOW, oneflowHeaders(), "{\"name\":\"X\"}");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(120);
    }

    @Test
    void givenIssuedTokens_whenRevoked_thenEveryOAuthProviderAnswers401() {
        String zigned = client.zignedToken();
        String signinghub = client.signingHubToken();
        String evia = client.eviaToken();
        String zoho = client.zohoToken();
        assertThat(zignedPut(zigned).statusCode()).isEqualTo(200);

        server.revokeTokens();

        assertThat(zignedPut(zigned).statusCode()).isEqualTo(401);
        assertThat(client.json("PUT", SIGNINGHUB, bearer(signinghub), "{\"user_name\":\"X\"}").statusCode())
                .isEqualTo(401);
        assertThat(client.json("POST", EVIA, bearer(evia),
                "{\"OldUserEmail\":\"asa.oberg@example.com\",\"UserName\":\"X\"}").statusCode()).isEqualTo(401);
        assertThat(client.json("PUT", ZOHO, Map.of("Authorization", "Zoho-oauthtoken " + zoho),
                "{\"displayName\":\"X\"}").statusCode()).isEqualTo(401);
        assertThat(zignedPut(client.zignedToken()).statusCode()).isEqualTo(200);
    }

    @Test
    void givenShortTokenTtl_whenTokenExpires_then401() throws InterruptedException {
        server.knobs().tokenTtlSeconds(1);
        HttpResponse<String> token = client.form("/zigned/oauth/token", Map.of(), Map.of("grant_type",
                "client_credentials", "client_id", ZignedSandboxCredentials.ZIGNED_CLIENT_ID_LOCAL_DEV_ONLY,
                "client_secret", ZignedSandboxCredentials.ZIGNED_CLIENT_SECRET_LOCAL_DEV_ONLY));
        assertThat(tree(token.body()).path("expires_in").asLong()).isEqualTo(1);

        // the sandbox ages tokens by its own clock: a read (it applies nothing) tells when the token has expired
        String access = tree(token.body()).path("access_token").asText();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> client.send("GET", ZIGNED, bearer(access), null).statusCode() == 401);

        assertThat(zignedPut(tree(token.body()).path("access_token").asText()).statusCode()).isEqualTo(401);
    }

    @Test
    void givenConnectionProperties_whenPrinted_thenSecretsAreMasked() {
        String printed = server.connectionProperties().toString();

        assertThat(printed).doesNotContain(OneflowSandboxCredentials.ONEFLOW_API_TOKEN_LOCAL_DEV_ONLY)
                .doesNotContain(ZignedSandboxCredentials.ZIGNED_CLIENT_SECRET_LOCAL_DEV_ONLY)
                .doesNotContain(SigningHubSandboxCredentials.SIGNINGHUB_PASSWORD_LOCAL_DEV_ONLY)
                .doesNotContain(EviaSignSandboxCredentials.EVIASIGN_REFRESH_TOKEN_LOCAL_DEV_ONLY)
                .contains("connections.zoho-eu.data-centre=eu");
    }

    @Test
    void givenIssuedToken_whenReset_thenTokenStillValid() {
        String token = client.zignedToken();

        server.reset();

        assertThat(zignedPut(token).statusCode()).isEqualTo(200);
    }

    @Test
    void givenChangedState_whenReset_thenSeedIsBackAndLogsCleared() {
        assertThat(client.json("PUT", ONEFLOW, oneflowHeaders(), "{\"name\":\"Changed\"}").statusCode())
                .isEqualTo(200);
        server.knobs().latencyMs(50);

        server.reset();

        assertThat(server.participant("oneflow", "100101", "200101", "300101").orElseThrow().path("name").asText())
                .isEqualTo("Åsa Öberg");
        assertThat(server.appliedEdits()).isEmpty();
        assertThat(server.requestCount("oneflow")).isZero();
        assertThat(server.knobs().latencyMs()).isZero();
    }

    @Test
    void givenAdminEndpoints_whenUsed_thenKnobsEditsAndResetWork() {
        HttpResponse<String> health = client.send("GET", "/_sandbox/health", Map.of(), null);
        HttpResponse<String> knobs = client.json("POST", "/_sandbox/knobs", Map.of(),
                "{\"latencyMs\":5,\"failNext\":{\"provider\":\"oneflow\",\"count\":1,\"status\":503}}");
        HttpResponse<String> failed = client.json("PUT", ONEFLOW, oneflowHeaders(), "{\"name\":\"X\"}");
        HttpResponse<String> ok = client.json("PUT", ONEFLOW, oneflowHeaders(), "{\"name\":\"Y\"}");
        HttpResponse<String> edits = client.send("GET", "/_sandbox/edits", Map.of(), null);

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(knobs.statusCode()).isEqualTo(200);
        assertThat(tree(knobs.body()).path("latencyMs").asLong()).isEqualTo(5);
        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode list = tree(edits.body());
        assertThat(list).hasSize(1);
        assertThat(list.get(0).path("fields")).isEqualTo(tree("{\"name\":\"Y\"}"));
        assertThat(list.get(0).path("locator").asText()).isEqualTo("100101/200101/300101");

        HttpResponse<String> reset = client.send("POST", "/_sandbox/reset", Map.of(), "");
        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat(server.appliedEdits()).isEmpty();
        assertThat(server.knobs().latencyMs()).isZero();
    }

    @Test
    void givenPersonalNumberEdit_whenEditsEndpointRead_thenValueIsMasked() {
        HttpResponse<String> r = client.json("PUT", ONEFLOW, oneflowHeaders(),
                "{\"identification_number\":\"19121212-1212\"}");

        HttpResponse<String> edits = client.send("GET", "/_sandbox/edits", Map.of(), null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(tree(edits.body()).get(0).path("fields").path("identification_number").asText()).isEqualTo("***");
        assertThat(server.appliedEdits().get(0).fields().path("identification_number").asText())
                .isEqualTo("19121212-1212");
    }

    @Test
    void givenServer_whenConnectionProperties_thenEverySandboxConnectionPointsHere() {
        Map<String, String> props = server.connectionProperties();

        assertThat(props).containsEntry("connections.oneflow.base-url", server.url() + "/oneflow/v1")
                .containsEntry("connections.oneflow-acme.api-token",
                        OneflowSandboxCredentials.ONEFLOW_ACME_API_TOKEN_LOCAL_DEV_ONLY)
                .containsEntry("connections.zigned.token-url", server.url() + "/zigned/oauth/token")
                .containsEntry("connections.signinghub.api-version", "v3")
                .containsEntry("connections.eviasign.audit-author-type", "API")
                .containsEntry("connections.zoho.data-centre", "com")
                .containsEntry("connections.zoho-eu.token-url", server.url() + "/zoho-accounts/eu/oauth/v2/token")
                .containsEntry("connections.zoho-eu.provider", "zoho");
        assertThat(SandboxServer.connectionProperties(server.url())).isEqualTo(props);
        assertThat(OneflowSandboxCredentials.ONEFLOW_API_TOKEN_LOCAL_DEV_ONLY).matches("[A-Za-z0-9-]{40}");
        assertThat(OneflowSandboxCredentials.ONEFLOW_ACME_API_TOKEN_LOCAL_DEV_ONLY).matches("[A-Za-z0-9-]{40}");
        assertThat(props.keySet().stream().map(k -> k.split("\\.")[1]).distinct())
                .containsExactlyInAnyOrder("oneflow", "oneflow-acme", "zigned", "signinghub", "eviasign", "zoho",
                        "zoho-eu");
    }

    @Test
    void givenAutoCreate_whenUnknownParticipantsTouched_thenCreatedAndUpdated() {
        server.knobs().autoCreate(true);

        HttpResponse<String> oneflow = client.json("PUT", "/oneflow/v1/contracts/7001/parties/7002/participants/7003",
                oneflowHeaders(), "{\"name\":\"Generated\"}");
        HttpResponse<String> signinghub = client.json("PUT", "/signinghub/v3/packages/9001/workflow/3/user",
                bearer(client.signingHubToken()), "{\"user_name\":\"Third\"}");
        HttpResponse<String> zoho = client.json("PUT",
                "/zoho/com/api/v1/counterparties/GenOrg/counterpartyusers/gen%40example.com/",
                Map.of("Authorization", "Zoho-oauthtoken " + client.zohoToken()), "{\"displayName\":\"Gen\"}");

        assertThat(oneflow.statusCode()).isEqualTo(200);
        assertThat(signinghub.statusCode()).isEqualTo(200);
        assertThat(zoho.statusCode()).isEqualTo(200);
        assertThat(server.participant("oneflow", "7001", "7002", "7003").orElseThrow().path("name").asText())
                .isEqualTo("Generated");
        assertThat(server.participant("signinghub", "9001", "3").orElseThrow().path("user_name").asText())
                .isEqualTo("Third");
        assertThat(server.participant("zoho", "com", "GenOrg", "gen@example.com")).isPresent();
    }

    @Test
    void givenAutoCreate_whenAnEmailChangeIsSentAgain_thenTheOldEmailIsGoneAndNothingIsCreated() {
        server.knobs().autoCreate(true);
        String evia = "/eviasign/_apis/sign/api/v2/Requests/fa17fa17-0000-4000-8000-000000000001/editrecipient";
        String eviaBody = "{\"OldUserEmail\":\"gen.v0@example.com\",\"UserEmail\":\"gen.v1@example.com\"}";
        String zoho = "/zoho/com/api/v1/counterparties/GenOrg/counterpartyusers/gen.v0%40example.com/";
        Map<String, String> zohoAuth = Map.of("Authorization", "Zoho-oauthtoken " + client.zohoToken());
        String eviaToken = client.eviaToken();

        HttpResponse<String> eviaFirst = client.json("POST", evia, bearer(eviaToken), eviaBody);
        HttpResponse<String> eviaAgain = client.json("POST", evia, bearer(eviaToken), eviaBody);
        HttpResponse<String> zohoFirst = client.json("PUT", zoho, zohoAuth, "{\"emailId\":\"gen.v1@example.com\"}");
        HttpResponse<String> zohoAgain = client.json("PUT", zoho, zohoAuth, "{\"emailId\":\"gen.v1@example.com\"}");

        assertThat(eviaFirst.statusCode()).isEqualTo(200);
        assertThat(eviaAgain.statusCode()).isEqualTo(404);
        assertThat(eviaAgain.body()).isEqualTo("Editing isn't allowed for this recipient.");
        assertThat(server.participant("eviasign", "fa17fa17-0000-4000-8000-000000000001", "gen.v0@example.com"))
                .isEmpty();
        assertThat(zohoFirst.statusCode()).isEqualTo(200);
        assertThat(zohoAgain.statusCode()).isEqualTo(404);
        assertThat(tree(zohoAgain.body()).path("Errors").path("ErrorCode").asText()).isEqualTo("INVALID_URL_PATTERN");
        assertThat(server.participant("zoho", "com", "GenOrg", "gen.v0@example.com")).isEmpty();
        assertThat(server.participant("zoho", "com", "GenOrg", "gen.v1@example.com")).isPresent();
        assertThat(server.appliedEdits()).hasSize(2);
    }

    @Test
    void givenScriptedFaults_whenCalled_thenCountedByKindAndLoggedWithMethodAndPath() {
        server.knobs().recordRequestTimes(true).failNext("oneflow", 1, 429).failNext("oneflow", 1,
                SandboxKnobs.Fault.RESET);

        HttpResponse<String> limited = client.json("PUT", ONEFLOW, oneflowHeaders(), "{\"name\":\"One\"}");
        assertThatThrownBy(() -> client.json("PUT", ONEFLOW, oneflowHeaders(), "{\"name\":\"Two\"}"))
                .isInstanceOf(UncheckedIOException.class);
        HttpResponse<String> read = client.send("GET", "/oneflow/v1/contracts/100101/parties/200101", oneflowHeaders(),
                null);

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(server.injectedFaults("oneflow")).containsEntry(SandboxKnobs.Fault.TOO_MANY_REQUESTS, 1)
                .containsEntry(SandboxKnobs.Fault.RESET, 1).containsEntry(SandboxKnobs.Fault.NONE, 1)
                .containsEntry(SandboxKnobs.Fault.UNAVAILABLE, 0);
        assertThat(server.calls("oneflow")).extracting(SandboxCall::method, SandboxCall::path, SandboxCall::fault)
                .containsExactly(
                        Tuple.tuple("PUT", ONEFLOW, SandboxKnobs.Fault.TOO_MANY_REQUESTS),
                        Tuple.tuple("PUT", ONEFLOW, SandboxKnobs.Fault.RESET),
                        Tuple.tuple("GET", "/oneflow/v1/contracts/100101/parties/200101",
                                SandboxKnobs.Fault.NONE));
        assertThat(server.calls(null)).hasSize(3).allSatisfy(c -> assertThat(c.provider()).isEqualTo("oneflow"));
        assertThat(server.calls("oneflow").get(0).mutating()).isTrue();
        server.reset();
        assertThat(server.calls(null)).isEmpty();
        assertThat(server.injectedFaults("oneflow").values()).containsOnly(0);
    }

    @Test
    void givenUnknownPath_whenCalled_then404AndNoProviderCounted() {
        HttpResponse<String> r = client.send("GET", "/docusign/v2/envelopes", Map.of(), null);

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(server.requestCount("oneflow")).isZero();
    }

    @Test
    void givenRecordRequestTimes_whenApiAndTokenCalls_thenOnlyApiCallArrivalsListedInOrder() {
        client.json("PUT", ONEFLOW, oneflowHeaders(), "{\"name\":\"Before\"}");
        HttpResponse<String> on = client.json("POST", "/_sandbox/knobs", Map.of(), "{\"recordRequestTimes\":true}");
        long before = System.nanoTime();
        client.json("PUT", ONEFLOW, oneflowHeaders(), "{\"name\":\"One\"}");
        client.json("PUT", ONEFLOW, oneflowHeaders(), "{\"name\":\"Two\"}");
        zignedPut(client.zignedToken());
        long after = System.nanoTime();

        HttpResponse<String> oneflow = client.send("GET", "/_sandbox/request-times?provider=oneflow", Map.of(), null);
        HttpResponse<String> all = client.send("GET", "/_sandbox/request-times", Map.of(), null);
        HttpResponse<String> unknown = client.send("GET", "/_sandbox/request-times?provider=acme", Map.of(), null);

        assertThat(tree(on.body()).path("recordRequestTimes").asBoolean()).isTrue();
        JsonNode nanos = tree(oneflow.body()).path("nanos");
        assertThat(nanos).hasSize(2);
        assertThat(nanos.get(0).asLong()).isBetween(before, nanos.get(1).asLong());
        assertThat(nanos.get(1).asLong()).isLessThanOrEqualTo(after);
        assertThat(tree(all.body()).path("nanos")).hasSize(3);
        assertThat(unknown.statusCode()).isEqualTo(400);
        server.reset();
        assertThat(server.requestTimes(null)).isEmpty();
        assertThat(server.knobs().recordRequestTimes()).isFalse();
    }
}
