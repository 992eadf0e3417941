package io.participantsync.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies the adapters' shared helpers: path encoding, tolerant JSON reading, fallback messages, key checks. */
class AdapterSupportTest {

    @Test
    void givenReservedCharacters_whenPath_thenPercentEncodedPerRfc3986() {
        assertThat(AdapterSupport.path("users", "anna.b+tag@example.com", "a b/c", "å~_-.", 42))
                .isEqualTo("/users/anna.b%2Btag%40example.com/a%20b%2Fc/%C3%A5~_-./42");
    }

    @Test
    void givenGarbage_whenReadJson_thenEmptyInsteadOfException() {
        assertThat(AdapterSupport.readJson("<html>")).isEmpty();
        assertThat(AdapterSupport.readJson("")).isEmpty();
        assertThat(AdapterSupport.readJson(null)).isEmpty();
        assertThat(AdapterSupport.readJson("{\"a\":1}").orElseThrow().get("a").asInt()).isEqualTo(1);
    }

    @Test
    void givenUnknownStatusAndEmptyBody_whenFallbackMessage_thenHttpStatusText() {
        assertThat(AdapterSupport.fallbackMessage(418, null)).isEqualTo("HTTP 418");
        assertThat(AdapterSupport.fallbackMessage(0, "")).isEqualTo("no response");
    }

    @Test
    void givenConnection_whenKeyChecks_thenFullKeysNamed() {
        Connection connection = new Connection("c1", "zigned", Map.of("base-url", "https://x.example/api"));
        List<String> problems = new ArrayList<>();

        AdapterSupport.requireKeys(connection, "zigned", problems, "client-id", "base-url");
        AdapterSupport.checkHttpUrl(connection, "base-url", problems);

        assertThat(problems).containsExactly("connections.c1.client-id must be set for provider zigned");
    }

    @Test
    void givenTokenRequestWithSecretsInQueryFormAndHeaders_whenToString_thenMasked() {
        AuthMethod.TokenRequest request = new AuthMethod.TokenRequest(
                "https://accounts.zoho.eu/oauth/v2/token?refresh_token=rt-secret&client_secret=cs-secret",
                Map.of("Authorization", "Basic b64-secret"), Map.of("grant_type", "refresh_token",
                        "refresh_token", "rt-secret", "client_id", "id-1"));

        assertThat(request.toString()).doesNotContain("rt-secret").doesNotContain("cs-secret")
                .doesNotContain("b64-secret").contains("https://accounts.zoho.eu/oauth/v2/token?***")
                .contains("grant_type=refresh_token").contains("client_id=id-1");
    }

    @Test
    void givenOAuthWithStaticToken_whenToString_thenMasked() {
        AuthMethod.OAuth oauth = new AuthMethod.OAuth("Bearer", rt -> null, "static-access-token");

        assertThat(oauth.toString()).doesNotContain("static-access-token").contains("Bearer");
    }
}
