package io.participantsync.sandbox;

import static io.participantsync.sandbox.SandboxClient.bearer;
import static io.participantsync.sandbox.SandboxClient.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.participantsync.provider.signinghub.SigningHubSandboxCredentials;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies the SigningHub simulator: authenticate grants, workflow-user updates, locked/XML rules, error bodies. */
class SigningHubSimulatorIT extends SandboxFixture {

    private static Map<String, String> passwordGrant(String password) {
        return Map.of("grant_type", "password",
                "client_id", SigningHubSandboxCredentials.SIGNINGHUB_CLIENT_ID_LOCAL_DEV_ONLY,
                "client_secret", SigningHubSandboxCredentials.SIGNINGHUB_CLIENT_SECRET_LOCAL_DEV_ONLY,
                "username", SigningHubSandboxCredentials.SIGNINGHUB_USERNAME_LOCAL_DEV_ONLY,
                "password", password);
    }

    @Test
    void givenPasswordGrant_whenPutUser_then200EmptyAndUsersListChanged() {
        HttpResponse<String> auth = client.form("/signinghub/authenticate", Map.of(),
                passwordGrant(SigningHubSandboxCredentials.SIGNINGHUB_PASSWORD_LOCAL_DEV_ONLY));
        assertThat(auth.statusCode()).isEqualTo(200);
        JsonNode t = tree(auth.body());
        assertThat(t.path("token_type").asText()).isEqualTo("bearer");
        assertThat(t.path("expires_in").asLong()).isEqualTo(86399);
        assertThat(t.path("refresh_token").asText()).isNotBlank();
        String token = t.path("access_token").asText();

        HttpResponse<String> r = client.json("PUT", "/signinghub/v3/packages/401001/workflow/2/user", bearer(token),
                "{\"user_email\":\"jose.nunez@iberia.example.org\",\"user_name\":\"José Núñez\","
                        + "\"email_notification\":false,\"signing_order\":4}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        HttpResponse<String> users = client.send("GET", "/signinghub/v3/packages/401001/workflow/users",
                bearer(token), null);
        assertThat(users.statusCode()).isEqualTo(200);
        assertThat(tree(users.body()).get(1)).isEqualTo(tree("{\"order\":2,\"user_email\":"
                + "\"jose.nunez@iberia.example.org\",\"user_name\":\"José Núñez\",\"role\":\"SIGNER\","
                + "\"email_notification\":false,\"signing_order\":4}"));
        assertThat(server.appliedEdits()).singleElement().extracting(AppliedEdit::locator).isEqualTo("401001/2");
    }

    @Test
    void givenRefreshToken_whenRefreshed_thenNewRefreshTokenAndOldOneSpent() {
        String refresh = tree(client.form("/signinghub/authenticate", Map.of(),
                passwordGrant(SigningHubSandboxCredentials.SIGNINGHUB_PASSWORD_LOCAL_DEV_ONLY)).body())
                .path("refresh_token").asText();
        Map<String, String> grant = Map.of("grant_type", "refresh_token",
                "client_id", SigningHubSandboxCredentials.SIGNINGHUB_CLIENT_ID_LOCAL_DEV_ONLY,
                "client_secret", SigningHubSandboxCredentials.SIGNINGHUB_CLIENT_SECRET_LOCAL_DEV_ONLY,
                "refresh_token", refresh);

        HttpResponse<String> first = client.form("/signinghub/authenticate", Map.of(), grant);
        HttpResponse<String> again = client.form("/signinghub/authenticate", Map.of(), grant);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(tree(first.body()).path("refresh_token").asText()).isNotBlank().isNotEqualTo(refresh);
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(tree(again.body()).path("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void givenWrongPasswordOrClient_whenAuthenticate_thenOAuthError() {
        HttpResponse<String> badPassword = client.form("/signinghub/authenticate", Map.of(), passwordGrant("wrong"));
        HttpResponse<String> badClient = client.form("/signinghub/authenticate", Map.of(), Map.of(
                "grant_type", "client_credentials", "client_id", "x", "client_secret", "y"));

        assertThat(badPassword.statusCode()).isEqualTo(400);
        assertThat(tree(badPassword.body()).path("error").asText()).isEqualTo("invalid_grant");
        assertThat(badClient.statusCode()).isEqualTo(401);
        assertThat(tree(badClient.body()).path("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void givenBadToken_whenPut_then401RequestAuthorizationDenied() {
        HttpResponse<String> r = client.json("PUT", "/signinghub/v3/packages/401001/workflow/1/user", bearer("nope"),
                "{\"user_name\":\"X\"}");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(tree(r.body())).isEqualTo(tree("{\"Message\":\"Request authorization denied\"}"));
    }

    @Test
    void givenStateRules_whenPut_thenProviderMessages() {
        Map<String, String> auth = bearer(client.signingHubToken());

        HttpResponse<String> locked = client.json("PUT", "/signinghub/v3/packages/401003/workflow/1/user", auth,
                "{\"user_name\":\"Karin Lindqvist-Ek\"}");
        HttpResponse<String> noUser = client.json("PUT", "/signinghub/v3/packages/401001/workflow/9/user", auth,
                "{\"user_name\":\"Nobody\"}");
        HttpResponse<String> noDoc = client.json("PUT", "/signinghub/v3/packages/499999/workflow/1/user", auth,
                "{\"user_name\":\"Nobody\"}");
        HttpResponse<String> xmlEditor = client.json("PUT", "/signinghub/v4/packages/401002/workflow/1/user", auth,
                "{\"role\":\"EDITOR\"}");
        HttpResponse<String> xmlCc = client.json("PUT", "/signinghub/v4/packages/401002/workflow/2/user", auth,
                "{\"role\":\"CARBON_COPY\"}");
        HttpResponse<String> badInt = client.json("PUT", "/signinghub/v3/packages/401001/workflow/1/user", auth,
                "{\"signing_order\":\"second\"}");

        assertThat(locked.statusCode()).isEqualTo(403);
        assertThat(tree(locked.body())).isEqualTo(tree(
                "{\"Message\":\"You are not allowed to perform this action on locked workflow\"}"));
        assertThat(noUser.statusCode()).isEqualTo(404);
        assertThat(tree(noUser.body())).isEqualTo(tree("{\"Message\":\"No user found at given order\"}"));
        assertThat(noDoc.statusCode()).isEqualTo(404);
        assertThat(tree(noDoc.body())).isEqualTo(tree("{\"Message\":\"Document not found\"}"));
        assertThat(xmlEditor.statusCode()).isEqualTo(400);
        assertThat(tree(xmlEditor.body())).isEqualTo(tree(
                "{\"Message\":\"Recipient role is not supported for an XML type document\"}"));
        assertThat(xmlCc.statusCode()).isEqualTo(200);
        assertThat(badInt.statusCode()).isEqualTo(400);
        assertThat(server.participant("signinghub", "401002", "2").orElseThrow().path("role").asText())
                .isEqualTo("CARBON_COPY");
        assertThat(server.appliedEdits()).hasSize(1);
    }
}
