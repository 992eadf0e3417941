package io.participantsync.sandbox;

import static io.participantsync.sandbox.SandboxClient.basic;
import static io.participantsync.sandbox.SandboxClient.bearer;
import static io.participantsync.sandbox.SandboxClient.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.participantsync.provider.eviasign.EviaSignSandboxCredentials;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies the Evia Sign simulator: refresh-token grant with rotation, edit-recipient rules, plain-text errors. */
class EviaSignSimulatorIT extends SandboxFixture {

    private static final String REQ1 = "3f2c9a4e-6b1d-4c8e-9f3a-2b7d5e1a0c11";
    private static final String REQ2 = "7a1e5c2d-9b4f-4e6a-8c3d-5f2a1b0e9d22";
    private static final String TOKEN_PATH = "/eviasign/_apis/falcon/auth/api/v2/token";

    private static String edit(String requestId) {
        return "/eviasign/_apis/sign/api/v2/Requests/" + requestId + "/editrecipient";
    }

    private HttpResponse<String> refresh(String refreshToken) {
        return client.form(TOKEN_PATH, Map.of("Authorization", basic(EviaSignSandboxCredentials.EVIASIGN_CLIENT_ID_LOCAL_DEV_ONLY,
                EviaSignSandboxCredentials.EVIASIGN_CLIENT_SECRET_LOCAL_DEV_ONLY)), Map.of("grant_type", "refresh_token",
                "refresh_token", refreshToken));
    }

    @Test
    void givenRefreshToken_whenEditRecipient_thenRecipientMovesToNewEmail() {
        HttpResponse<String> token = refresh(EviaSignSandboxCredentials.EVIASIGN_REFRESH_TOKEN_LOCAL_DEV_ONLY);
        assertThat(token.statusCode()).isEqualTo(200);
        JsonNode t = tree(token.body());
        assertThat(t.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(t.path("expires_in").asLong()).isEqualTo(3600);

        HttpResponse<String> r = client.json("POST", edit(REQ1), bearer(t.path("access_token").asText()),
                "{\"OldUserEmail\":\"asa.oberg@example.com\",\"UserName\":\"Åsa Öberg-Lind\","
                        + "\"UserEmail\":\"asa.oberg-lind@example.com\",\"OTP\":{\"IsRequired\":true,"
                        + "\"AccessCode\":\"482913\",\"MobileNumber\":\"+46 70 000 00 00\",\"Type\":1},"
                        + "\"AuditDetails\":{\"AuthorType\":\"API\",\"AuthorIPAddress\":\"127.0.0.1\","
                        + "\"Device\":\"participant-sync\"}}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(tree(r.body())).isEqualTo(tree("{\"requestId\":\"" + REQ1 + "\"}"));
        assertThat(server.participant("eviasign", REQ1, "asa.oberg@example.com")).isEmpty();
        JsonNode moved = server.participant("eviasign", REQ1, "asa.oberg-lind@example.com").orElseThrow();
        assertThat(moved.path("UserName").asText()).isEqualTo("Åsa Öberg-Lind");
        assertThat(moved.path("OTP").path("IsRequired").asBoolean()).isTrue();
        assertThat(moved.toString()).doesNotContain("482913");
        assertThat(server.appliedEdits()).singleElement().extracting(AppliedEdit::locator)
                .isEqualTo(REQ1 + "/asa.oberg@example.com");
    }

    @Test
    void givenRotation_whenOldAndNewRefreshTokensUsed_thenBothAccepted() {
        String rotated = tree(refresh(EviaSignSandboxCredentials.EVIASIGN_REFRESH_TOKEN_LOCAL_DEV_ONLY).body())
                .path("refresh_token").asText();

        HttpResponse<String> withNew = refresh(rotated);
        HttpResponse<String> withOriginal = refresh(EviaSignSandboxCredentials.EVIASIGN_REFRESH_TOKEN_LOCAL_DEV_ONLY);
        HttpResponse<String> withUnknown = refresh("evr_unknown");

        assertThat(rotated).isNotEqualTo(EviaSignSandboxCredentials.EVIASIGN_REFRESH_TOKEN_LOCAL_DEV_ONLY);
        assertThat(withNew.statusCode()).isEqualTo(200);
        assertThat(withOriginal.statusCode()).isEqualTo(200);
        assertThat(withUnknown.statusCode()).isEqualTo(400);
        assertThat(tree(withUnknown.body()).path("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void givenWrongClientSecret_whenToken_then401() {
        HttpResponse<String> r = client.form(TOKEN_PATH, Map.of("Authorization",
                basic(EviaSignSandboxCredentials.EVIASIGN_CLIENT_ID_LOCAL_DEV_ONLY, "wrong")), Map.of("grant_type",
                "refresh_token", "refresh_token", EviaSignSandboxCredentials.EVIASIGN_REFRESH_TOKEN_LOCAL_DEV_ONLY));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(tree(r.body()).path("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void givenBadAccessToken_whenEdit_then401PlainText() {
        HttpResponse<String> r = client.json("POST", edit(REQ1), bearer("nope"),
                "{\"OldUserEmail\":\"asa.oberg@example.com\",\"UserName\":\"X\"}");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("text/plain"));
    }

    @Test
    void givenStateRules_whenEdit_thenEviaPlainTextMessages() {
        Map<String, String> auth = bearer(client.eviaToken());

        HttpResponse<String> malformed = client.json("POST", edit("not-a-uuid"), auth,
                "{\"OldUserEmail\":\"asa.oberg@example.com\",\"UserName\":\"X\"}");
        HttpResponse<String> same = client.json("POST", edit(REQ1), auth,
                "{\"OldUserEmail\":\"asa.oberg@example.com\",\"UserEmail\":\"ASA.OBERG@example.com\"}");
        HttpResponse<String> completed = client.json("POST", edit(REQ2), auth,
                "{\"OldUserEmail\":\"mikael.eriksson@example.com\",\"UserName\":\"Mikael Eriksson-Lund\"}");
        HttpResponse<String> duplicate = client.json("POST", edit(REQ1), auth,
                "{\"OldUserEmail\":\"asa.oberg@example.com\",\"UserEmail\":\"jose.nunez@example.org\"}");
        HttpResponse<String> notRecipient = client.json("POST", edit(REQ1), auth,
                "{\"OldUserEmail\":\"nobody@example.com\",\"UserName\":\"X\"}");
        HttpResponse<String> noOldEmail = client.json("POST", edit(REQ1), auth, "{\"UserName\":\"X\"}");

        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(same.statusCode()).isEqualTo(400);
        assertThat(same.body()).isEqualTo("The updated email cannot be the same as the existing one.");
        assertThat(completed.statusCode()).isEqualTo(400);
        assertThat(completed.body()).startsWith("Action denied.").contains("already completed the request");
        assertThat(duplicate.statusCode()).isEqualTo(400);
        assertThat(duplicate.body()).isEqualTo(
                "The same user cannot be assigned more than once within a single request");
        assertThat(notRecipient.statusCode()).isEqualTo(404);
        assertThat(notRecipient.body()).isEqualTo("Editing isn't allowed for this recipient.");
        assertThat(noOldEmail.statusCode()).isEqualTo(400);
        assertThat(server.appliedEdits()).isEmpty();
    }

    @Test
    void givenSuccessfulEdit_whenRetriedWithOldEmail_then404() {
        Map<String, String> auth = bearer(client.eviaToken());
        String body = "{\"OldUserEmail\":\"jose.nunez@example.org\",\"UserEmail\":\"jose.nunez@iberia.example.org\"}";

        HttpResponse<String> first = client.json("POST", edit(REQ1), auth, body);
        HttpResponse<String> retry = client.json("POST", edit(REQ1), auth, body);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(retry.statusCode()).isEqualTo(404);
        assertThat(retry.body()).isEqualTo("Editing isn't allowed for this recipient.");
    }
}
