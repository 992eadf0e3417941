package io.participantsync.sandbox;

import static io.participantsync.sandbox.SandboxClient.oneflowAcmeHeaders;
import static io.participantsync.sandbox.SandboxClient.oneflowHeaders;
import static io.participantsync.sandbox.SandboxClient.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.participantsync.provider.oneflow.OneflowSandboxCredentials;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies the Oneflow simulator: header auth, accounts, body validation, owner-side rule and error bodies. */
class OneflowSimulatorIT extends SandboxFixture {

    private static final String PARTICIPANT = "/oneflow/v1/contracts/100101/parties/200101/participants/300101";

    @Test
    void givenValidHeaders_whenPutParticipant_thenStateChangesAndEditIsRecorded() {
        HttpResponse<String> r = client.json("PUT", PARTICIPANT, oneflowHeaders(),
                "{\"name\":\"Åsa Öberg-Lind\",\"email\":\"asa.oberg-lind@example.com\",\"_permissions\":"
                        + "{\"contract:update\":true},\"signatory\":false}");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = tree(r.body());
        assertThat(body.path("id").asLong()).isEqualTo(300101);
        assertThat(body.path("name").asText()).isEqualTo("Åsa Öberg-Lind");
        assertThat(body.path("_links").path("self").path("href").asText()).isEqualTo(server.url() + PARTICIPANT);
        JsonNode state = server.participant("oneflow", "100101", "200101", "300101").orElseThrow();
        assertThat(state.path("email").asText()).isEqualTo("asa.oberg-lind@example.com");
        assertThat(state.path("_permissions").path("contract:update").asBoolean()).isTrue();
        assertThat(state.path("signatory").asBoolean()).isFalse();
        assertThat(server.appliedEdits()).hasSize(1);
        AppliedEdit edit = server.appliedEdits().get(0);
        assertThat(edit.provider()).isEqualTo("oneflow");
        assertThat(edit.account()).isEqualTo(OneflowSandboxCredentials.ONEFLOW);
        assertThat(edit.locator()).isEqualTo("100101/200101/300101");
        assertThat(edit.fields()).isEqualTo(tree("{\"name\":\"Åsa Öberg-Lind\",\"email\":\"asa.oberg-lind@example.com\","
                + "\"_permissions\":{\"contract:update\":true},\"signatory\":false}"));
    }

    @Test
    void givenTokenOfOtherUserEmail_whenPut_then401WithOneflowBody() {
        HttpResponse<String> r = client.json("PUT", PARTICIPANT, Map.of("x-oneflow-api-token",
                OneflowSandboxCredentials.ONEFLOW_API_TOKEN_LOCAL_DEV_ONLY, "x-oneflow-user-email",
                OneflowSandboxCredentials.ONEFLOW_ACME_USER_EMAIL_LOCAL_DEV_ONLY), "{\"name\":\"X\"}");

        assertThat(r.statusCode()).isEqualTo(401);
        JsonNode body = tree(r.body());
        assertThat(body.path("error_code").asInt()).isEqualTo(4010001);
        assertThat(body.path("status").asInt()).isEqualTo(401);
        assertThat(body.path("type").asText()).isEqualTo("https://api.oneflow.com/v1/error_codes/4010001");
        assertThat(body.path("request_id").asText()).isNotBlank();
        assertThat(server.appliedEdits()).isEmpty();
    }

    @Test
    void givenBadTypesAndEnums_whenPut_then400WithParameterProblems() {
        HttpResponse<String> r = client.json("PUT", PARTICIPANT, oneflowHeaders(),
                "{\"signatory\":\"yes\",\"delivery_channel\":\"pigeon\",\"sign_method\":\"swedish_bankid\","
                        + "\"nickname\":\"x\",\"_permissions\":{\"contract:update\":\"true\"}}");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = tree(r.body());
        assertThat(body.path("error_code").asInt()).isEqualTo(4000003);
        assertThat(body.path("parameter_problems").properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("signatory", "delivery_channel", "nickname", "_permissions.contract:update");
        assertThat(server.participant("oneflow", "100101", "200101", "300101").orElseThrow().path("sign_method")
                .asText()).isEqualTo("standard_esign");
    }

    @Test
    void givenEmptyBody_whenPut_then400() {
        HttpResponse<String> r = client.json("PUT", PARTICIPANT, oneflowHeaders(), "{}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(tree(r.body()).path("status").asInt()).isEqualTo(400);
    }

    @Test
    void givenOwnerSideParticipant_whenEmailChanges_then409ButNameChangeWorks() {
        String owner = "/oneflow/v1/contracts/100101/parties/200100/participants/300100";

        HttpResponse<String> email = client.json("PUT", owner, oneflowHeaders(),
                "{\"email\":\"karin.lindqvist@legal.example.com\"}");
        HttpResponse<String> title = client.json("PUT", owner, oneflowHeaders(), "{\"title\":\"Head of Legal\"}");

        assertThat(email.statusCode()).isEqualTo(409);
        assertThat(tree(email.body()).path("error_code").asInt()).isEqualTo(4090001);
        assertThat(tree(email.body()).path("parameter_problems").has("email")).isTrue();
        assertThat(title.statusCode()).isEqualTo(200);
        assertThat(server.participant("oneflow", "100101", "200100", "300100").orElseThrow().path("email").asText())
                .isEqualTo("karin.lindqvist@example.com");
    }

    @Test
    void givenContractOfOtherAccount_whenPut_then403AndOwnAccountSucceeds() {
        String acme = "/oneflow/v1/contracts/100901/parties/200901/participants/300901";

        HttpResponse<String> wrong = client.json("PUT", acme, oneflowHeaders(), "{\"title\":\"CFO\"}");
        HttpResponse<String> right = client.json("PUT", acme, oneflowAcmeHeaders(), "{\"title\":\"CFO\"}");

        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(tree(wrong.body()).path("error_code").asInt()).isEqualTo(4030001);
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(server.appliedEdits()).extracting(AppliedEdit::account)
                .containsExactly(OneflowSandboxCredentials.ONEFLOW_ACME);
    }

    @Test
    void givenUnknownParticipantOrNonIntegerId_whenPut_then404Or400() {
        HttpResponse<String> missing = client.json("PUT",
                "/oneflow/v1/contracts/100101/parties/200101/participants/399999", oneflowHeaders(), "{\"name\":\"X\"}");
        HttpResponse<String> notInt = client.json("PUT",
                "/oneflow/v1/contracts/abc/parties/200101/participants/300101", oneflowHeaders(), "{\"name\":\"X\"}");

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(tree(missing.body()).path("error_code").asInt()).isEqualTo(4040003);
        assertThat(notInt.statusCode()).isEqualTo(400);
        assertThat(tree(notInt.body()).path("parameter_problems").has("contract_id")).isTrue();
    }

    @Test
    void givenSmsDeliveryWithoutPhone_whenPut_then400() {
        HttpResponse<String> r = client.json("PUT", PARTICIPANT, oneflowHeaders(), "{\"delivery_channel\":\"sms\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(tree(r.body()).path("parameter_problems").has("phone_number")).isTrue();
    }

    @Test
    void givenWrongContentType_whenPut_then400() {
        HttpResponse<String> r = client.send("PUT", PARTICIPANT, Map.of("x-oneflow-api-token",
                OneflowSandboxCredentials.ONEFLOW_API_TOKEN_LOCAL_DEV_ONLY, "x-oneflow-user-email",
                OneflowSandboxCredentials.ONEFLOW_USER_EMAIL_LOCAL_DEV_ONLY, "Content-Type", "text/plain"), "{\"name\":\"X\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(tree(r.body()).path("error_code").asInt()).isEqualTo(4000001);
    }

    @Test
    void givenParty_whenGetPartyAndPing_thenParticipantsListedAndPingOk() {
        HttpResponse<String> party = client.send("GET", "/oneflow/v1/contracts/100101/parties/200101",
                oneflowHeaders(), null);
        HttpResponse<String> ping = client.send("GET", "/oneflow/v1/ping", oneflowHeaders(), null);

        assertThat(party.statusCode()).isEqualTo(200);
        List<Long> ids = tree(party.body()).path("participants").findValues("id").stream().map(JsonNode::asLong)
                .toList();
        assertThat(ids).containsExactly(300101L, 300102L);
        assertThat(ping.statusCode()).isEqualTo(200);
    }
}
