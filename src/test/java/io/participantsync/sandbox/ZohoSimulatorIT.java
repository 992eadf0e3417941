package io.participantsync.sandbox;

import static io.participantsync.sandbox.SandboxClient.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.participantsync.provider.zoho.ZohoSandboxCredentials;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies the Zoho Contracts simulator: per-data-centre tokens and state, token limit, paths and error codes. */
class ZohoSimulatorIT extends SandboxFixture {

    private static final String CONTACTS = "/zoho/com/api/v1/counterparties/NordicExampleAB/counterpartyusers/";

    private static Map<String, String> zoho(String token) {
        return Map.of("Authorization", "Zoho-oauthtoken " + token);
    }

    private HttpResponse<String> comToken() {
        return client.zohoTokenResponse("com", ZohoSandboxCredentials.ZOHO_CLIENT_ID_LOCAL_DEV_ONLY,
                ZohoSandboxCredentials.ZOHO_CLIENT_SECRET_LOCAL_DEV_ONLY,
                ZohoSandboxCredentials.ZOHO_REFRESH_TOKEN_LOCAL_DEV_ONLY);
    }

    @Test
    void givenRefreshTokenInQuery_whenPutContact_thenContactMovesToNewEmail() {
        HttpResponse<String> token = comToken();
        assertThat(token.statusCode()).isEqualTo(200);
        JsonNode t = tree(token.body());
        assertThat(t.path("expires_in").asLong()).isEqualTo(3600);
        assertThat(t.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(t.path("api_domain").asText()).isEqualTo(server.url() + "/zoho/com");

        HttpResponse<String> r = client.json("PUT", CONTACTS + "asa.oberg%40example.com/",
                zoho(t.path("access_token").asText()),
                "{\"emailId\":\"asa.oberg-lind@example.com\",\"displayName\":\"Åsa Öberg-Lind\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(tree(r.body())).isEqualTo(tree(
                "{\"Type\":\"counterpartyuser\",\"emailId\":\"asa.oberg-lind@example.com\"}"));
        assertThat(server.participant("zoho", "com", "NordicExampleAB", "asa.oberg@example.com")).isEmpty();
        assertThat(server.participant("zoho", "com", "NordicExampleAB", "asa.oberg-lind@example.com").orElseThrow()
                .path("displayName").asText()).isEqualTo("Åsa Öberg-Lind");
        assertThat(server.appliedEdits()).singleElement().satisfies(e -> {
            assertThat(e.account()).isEqualTo(ZohoSandboxCredentials.ZOHO);
            assertThat(e.locator()).isEqualTo("com/NordicExampleAB/asa.oberg@example.com");
        });
        HttpResponse<String> list = client.send("GET",
                "/zoho/com/api/v1/counterparties/NordicExampleAB/counterpartyusers?status=all",
                zoho(t.path("access_token").asText()), null);
        assertThat(list.statusCode()).isEqualTo(200);
        List<String> emails = tree(list.body()).path("counterpartyusers").findValuesAsText("emailId");
        assertThat(emails).contains("asa.oberg-lind@example.com").doesNotContain("asa.oberg@example.com");
    }

    @Test
    void givenWrongSecret_whenToken_then401WithZohoOAuthError() {
        HttpResponse<String> r = client.zohoTokenResponse("com", ZohoSandboxCredentials.ZOHO_CLIENT_ID_LOCAL_DEV_ONLY,
                "wrong", ZohoSandboxCredentials.ZOHO_REFRESH_TOKEN_LOCAL_DEV_ONLY);
        HttpResponse<String> euClientAtCom = client.zohoTokenResponse("com",
                ZohoSandboxCredentials.ZOHO_EU_CLIENT_ID_LOCAL_DEV_ONLY,
                ZohoSandboxCredentials.ZOHO_EU_CLIENT_SECRET_LOCAL_DEV_ONLY,
                ZohoSandboxCredentials.ZOHO_EU_REFRESH_TOKEN_LOCAL_DEV_ONLY);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(tree(r.body()).path("error").asText()).isEqualTo("invalid_client_secret");
        assertThat(euClientAtCom.statusCode()).isEqualTo(401);
        assertThat(tree(euClientAtCom.body()).path("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void givenTenTokenRequests_whenEleventhInWindow_thenAccessDenied() {
        for (int i = 0; i < 10; i++) {
            assertThat(comToken().statusCode()).isEqualTo(200);
        }

        HttpResponse<String> eleventh = comToken();
        HttpResponse<String> otherDc = client.zohoTokenResponse("eu",
                ZohoSandboxCredentials.ZOHO_EU_CLIENT_ID_LOCAL_DEV_ONLY,
                ZohoSandboxCredentials.ZOHO_EU_CLIENT_SECRET_LOCAL_DEV_ONLY,
                ZohoSandboxCredentials.ZOHO_EU_REFRESH_TOKEN_LOCAL_DEV_ONLY);

        assertThat(eleventh.statusCode()).isEqualTo(400);
        assertThat(tree(eleventh.body())).isEqualTo(tree("{\"error\":\"Access Denied\",\"error_description\":"
                + "\"You have made too many requests continuously. Please try again after some time.\"}"));
        assertThat(otherDc.statusCode()).isEqualTo(200);
        assertThat(server.tokenRequestCount("zoho")).isEqualTo(12);
    }

    @Test
    void givenBearerSchemeOrOtherDcToken_whenPut_then401ScopeMismatch() {
        String euToken = client.zohoEuToken();
        String comToken = client.zohoToken();

        HttpResponse<String> bearer = client.json("PUT", CONTACTS + "lars.nilsson%40example.com/",
                SandboxClient.bearer(comToken), "{\"displayName\":\"Lars\"}");
        HttpResponse<String> crossDc = client.json("PUT", CONTACTS + "lars.nilsson%40example.com/", zoho(euToken),
                "{\"displayName\":\"Lars\"}");

        assertThat(bearer.statusCode()).isEqualTo(401);
        assertThat(tree(bearer.body()).path("Errors").path("ErrorCode").asText()).isEqualTo("OAUTH_SCOPE_MISMATCH");
        assertThat(crossDc.statusCode()).isEqualTo(401);
    }

    @Test
    void givenPathAndMethodErrors_whenCalled_thenZohoErrorCodes() {
        Map<String, String> auth = zoho(client.zohoToken());

        HttpResponse<String> noSlash = client.json("PUT", CONTACTS + "lars.nilsson%40example.com", auth,
                "{\"displayName\":\"Lars\"}");
        HttpResponse<String> post = client.json("POST", CONTACTS + "lars.nilsson%40example.com/", auth,
                "{\"displayName\":\"Lars\"}");
        HttpResponse<String> unknownContact = client.json("PUT", CONTACTS + "nobody%40example.com/", auth,
                "{\"displayName\":\"Nobody\"}");
        HttpResponse<String> unknownOrg = client.json("PUT",
                "/zoho/com/api/v1/counterparties/NoSuchOrg/counterpartyusers/lars.nilsson%40example.com/", auth,
                "{\"displayName\":\"Lars\"}");

        assertThat(noSlash.statusCode()).isEqualTo(404);
        assertThat(tree(noSlash.body()).path("Errors").path("ErrorCode").asText()).isEqualTo("INVALID_URL_PATTERN");
        assertThat(post.statusCode()).isEqualTo(400);
        assertThat(tree(post.body()).path("Errors").path("ErrorCode").asText()).isEqualTo("INVALID_REQUEST_METHOD");
        assertThat(unknownContact.statusCode()).isEqualTo(404);
        assertThat(unknownOrg.statusCode()).isEqualTo(404);
        assertThat(server.appliedEdits()).isEmpty();
    }

    @Test
    void givenEuConnection_whenPutEuContact_thenOnlyEuStateChanges() {
        HttpResponse<String> r = client.json("PUT",
                "/zoho/eu/api/v1/counterparties/IberiaEjemploSL/counterpartyusers/maria.garcia%40example.org/",
                zoho(client.zohoEuToken()), "{\"displayName\":\"María García López\"}");
        HttpResponse<String> comHasNoEuOrg = client.json("PUT",
                "/zoho/com/api/v1/counterparties/IberiaEjemploSL/counterpartyusers/maria.garcia%40example.org/",
                zoho(client.zohoToken()), "{\"displayName\":\"X\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(server.participant("zoho", "eu", "IberiaEjemploSL", "maria.garcia@example.org").orElseThrow()
                .path("displayName").asText()).isEqualTo("María García López");
        assertThat(server.appliedEdits()).singleElement().extracting(AppliedEdit::account)
                .isEqualTo(ZohoSandboxCredentials.ZOHO_EU);
        assertThat(comHasNoEuOrg.statusCode()).isEqualTo(404);
    }
}
