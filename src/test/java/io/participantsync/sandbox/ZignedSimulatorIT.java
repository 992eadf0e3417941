package io.participantsync.sandbox;

import static io.participantsync.sandbox.SandboxClient.bearer;
import static io.participantsync.sandbox.SandboxClient.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.participantsync.provider.zigned.ZignedSandboxCredentials;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies the Zigned simulator: client-credentials tokens, field validation, draft-only rule and error bodies. */
class ZignedSimulatorIT extends SandboxFixture {

    private static final String DRAFT = "/zigned/rest/v3/agreements/cm4draftnordic0001example/participants/";

    @Test
    void givenClientCredentials_whenTokenThenPut_thenParticipantUpdatedInEnvelope() {
        HttpResponse<String> token = client.form("/zigned/oauth/token", Map.of(), Map.of("grant_type",
                "client_credentials", "client_id", ZignedSandboxCredentials.ZIGNED_CLIENT_ID_LOCAL_DEV_ONLY,
                "client_secret", ZignedSandboxCredentials.ZIGNED_CLIENT_SECRET_LOCAL_DEV_ONLY));
        assertThat(token.statusCode()).isEqualTo(200);
        JsonNode t = tree(token.body());
        assertThat(t.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(t.path("expires_in").asLong()).isEqualTo(3600);

        HttpResponse<String> r = client.json("PUT", DRAFT + "cm4p0003mikaeleriexample",
                bearer(t.path("access_token").asText()),
                "{\"role\":\"signer\",\"identity_enforcement\":{\"personal_number\":\"19121212-1212\"},\"order\":3,"
                        + "\"locale\":\"en-US\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = tree(r.body());
        assertThat(body.path("version").asText()).isEqualTo("1.0");
        assertThat(body.path("result_type").asText()).isEqualTo("single");
        assertThat(body.path("resource_type").asText()).isEqualTo("participant");
        assertThat(body.path("data").path("role").asText()).isEqualTo("signer");
        assertThat(body.path("data").path("identity_enforcement").path("enabled").asBoolean()).isTrue();
        assertThat(r.body()).doesNotContain("19121212-1212");
        JsonNode state = server.participant("zigned", "cm4draftnordic0001example", "cm4p0003mikaeleriexample")
                .orElseThrow();
        assertThat(state.path("locale").asText()).isEqualTo("en-US");
        assertThat(server.appliedEdits()).singleElement().satisfies(e -> {
            assertThat(e.locator()).isEqualTo("cm4draftnordic0001example/cm4p0003mikaeleriexample");
            assertThat(e.fields().path("identity_enforcement").path("personal_number").asText())
                    .isEqualTo("19121212-1212");
            assertThat(e.toString()).doesNotContain("19121212-1212");
        });
        assertThat(server.tokenRequestCount("zigned")).isEqualTo(1);
        assertThat(server.requestCount("zigned")).isEqualTo(2);
    }

    @Test
    void givenWrongSecret_whenToken_then401InvalidClient() {
        HttpResponse<String> r = client.form("/zigned/oauth/token", Map.of(), Map.of("grant_type",
                "client_credentials", "client_id", ZignedSandboxCredentials.ZIGNED_CLIENT_ID_LOCAL_DEV_ONLY,
                "client_secret", "wrong"));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(tree(r.body()).path("error").asText()).isEqualTo("invalid_client");
        assertThat(tree(r.body()).path("error_description").asText()).isNotBlank();
    }

    @Test
    void givenUnknownToken_whenPut_then401WithZignedBody() {
        HttpResponse<String> r = client.json("PUT", DRAFT + "cm4p0001asaoberg00example", bearer("nope"),
                "{\"name\":\"X\"}");

        assertThat(r.statusCode()).isEqualTo(401);
        JsonNode body = tree(r.body());
        assertThat(body.path("status").asText()).isEqualTo("error");
        assertThat(body.path("error").path("code").asInt()).isEqualTo(401);
        assertThat(body.path("error").path("request_id").asText()).matches("[0-9a-f-]{36}");
    }

    @Test
    void givenOpenAgreement_whenPut_then400Immutable() {
        HttpResponse<String> r = client.json("PUT",
                "/zigned/rest/v3/agreements/cm4opennordic00002example/participants/cm4p0004sofiakarlexample",
                bearer(client.zignedToken()), "{\"name\":\"Sofia Karlsson-Berg\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(tree(r.body()).path("error").path("message").asText()).contains("immutable");
        assertThat(server.appliedEdits()).isEmpty();
    }

    @Test
    void givenUnknownFieldOrBadType_whenPut_then400() {
        String token = client.zignedToken();

        HttpResponse<String> unknown = client.json("PUT", DRAFT + "cm4p0001asaoberg00example", bearer(token),
                "{\"title\":\"CFO\"}");
        HttpResponse<String> badType = client.json("PUT", DRAFT + "cm4p0001asaoberg00example", bearer(token),
                "{\"order\":\"2\",\"role\":\"witness\"}");
        HttpResponse<String> badDisable = client.json("PUT", DRAFT + "cm4p0001asaoberg00example", bearer(token),
                "{\"identity_enforcement\":{\"disable\":false}}");

        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(tree(unknown.body()).path("error").path("message").asText()).contains("'title'");
        assertThat(badType.statusCode()).isEqualTo(400);
        assertThat(tree(badType.body()).path("error").path("message").asText()).contains("'order'").contains("'role'");
        assertThat(badDisable.statusCode()).isEqualTo(400);
    }

    @Test
    void givenApprover_whenPersonalNumberSet_then400SignersOnly() {
        HttpResponse<String> r = client.json("PUT", DRAFT + "cm4p0003mikaeleriexample", bearer(client.zignedToken()),
                "{\"identity_enforcement\":{\"personal_number\":\"19121212-1212\"}}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(tree(r.body()).path("error").path("message").asText()).contains("signer");
    }

    @Test
    void givenUnknownParticipant_whenPutOrGet_then404() {
        String token = client.zignedToken();

        HttpResponse<String> put = client.json("PUT", DRAFT + "cm4nosuchparticipantxx", bearer(token),
                "{\"name\":\"X\"}");
        HttpResponse<String> get = client.send("GET", "/zigned/rest/v3/agreements/nope/participants/x",
                bearer(token), null);
        HttpResponse<String> known = client.send("GET", DRAFT + "cm4p0002josenunez0example", bearer(token), null);

        assertThat(put.statusCode()).isEqualTo(404);
        assertThat(tree(put.body()).path("error").path("message").asText()).isEqualTo("Participant not found");
        assertThat(get.statusCode()).isEqualTo(404);
        assertThat(tree(get.body()).path("error").path("message").asText()).isEqualTo("Agreement not found");
        assertThat(known.statusCode()).isEqualTo(200);
        assertThat(tree(known.body()).path("data").path("name").asText()).isEqualTo("José Núñez");
    }
}
