package io.participantsync.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.ProviderError;
import io.participantsync.model.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Verifies the adapters' shared helpers: percent-encoding, tolerant JSON reading, fallback messages, reason phrases,
 * URL and key checks.
 */
class AdapterSupportTest {

    @Test
    void givenReservedCharacters_whenPath_thenPercentEncodedPerRfc3986() {
        assertThat(AdapterSupport.path("users", "anna.b+tag@example.com", "a b/c", "å~_-.", 42))
                .isEqualTo("/users/anna.b%2Btag%40example.com/a%20b%2Fc/%C3%A5~_-./42");
    }

    @Test
    void givenAQueryValue_whenEncode_thenUnreservedKeptAndEverythingElsePercentEncoded() {
        assertThat(AdapterSupport.encode("Nordic Example+AB*~@x.se")).isEqualTo("Nordic%20Example%2BAB%2A~%40x.se");
        assertThat(AdapterSupport.encode("Åsa")).isEqualTo("%C3%85sa");
    }

    @Test
    void givenUrls_whenIsHttpUrl_thenOnlyAbsoluteHttpOrHttpsWithAHost() {
        assertThat(AdapterSupport.isHttpUrl("https://api.example.com/v1")).isTrue();
        assertThat(AdapterSupport.isHttpUrl(" HTTP://localhost:8080 ")).isTrue();
        assertThat(AdapterSupport.isHttpUrl("ftp://example.com")).isFalse();
        assertThat(AdapterSupport.isHttpUrl("api.example.com/v1")).isFalse();
        assertThat(AdapterSupport.isHttpUrl("not a url")).isFalse();
        assertThat(AdapterSupport.isHttpUrl(null)).isFalse();
    }

    @Test
    void givenAnHtmlPage_whenTitleOrText_thenItsTitle() {
        String html = "<!DOCTYPE html><html><head><title> 502\n Bad Gateway </title></head><body>nginx</body></html>";

        assertThat(AdapterSupport.titleOrText(502, html)).isEqualTo("502 Bad Gateway");
    }

    @Test
    void givenHtmlWithoutTitle_whenTitleOrText_thenTextWithoutTagsScriptsOrStyles() {
        String html = "<html><style>p {color:red}</style><script>var x = 1;</script><body><h1>Down</h1>\n"
                + "<p>Try   later</p></body></html>";

        assertThat(AdapterSupport.titleOrText(503, html)).isEqualTo("Down Try later");
    }

    @Test
    void givenPlainOrEmptyBodies_whenTitleOrText_thenTrimmedCappedTextOrTheReason() {
        assertThat(AdapterSupport.titleOrText(400, "  plain text  ")).isEqualTo("plain text");
        assertThat(AdapterSupport.titleOrText(400, "z".repeat(301))).isEqualTo("z".repeat(300));
        assertThat(AdapterSupport.titleOrText(404, " ")).isEqualTo("Not Found");
        assertThat(AdapterSupport.titleOrText(503, null)).isEqualTo("Service Unavailable");
    }

    @Test
    void givenTexts_whenCap_thenAtMost300CharactersWithoutAnEllipsis() {
        assertThat(AdapterSupport.cap("short")).isEqualTo("short");
        assertThat(AdapterSupport.cap("q".repeat(300))).isEqualTo("q".repeat(300));
        assertThat(AdapterSupport.cap("q".repeat(1000))).isEqualTo("q".repeat(300));
    }

    @Test
    void givenStatuses_whenReasonPhrase_thenTheStandardPhraseElseHttpStatus() {
        assertThat(AdapterSupport.reasonPhrase(429)).isEqualTo("Too Many Requests");
        assertThat(AdapterSupport.reasonPhrase(410)).isEqualTo("Gone");
        assertThat(AdapterSupport.reasonPhrase(418)).isEqualTo("HTTP 418");
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
    void givenAnUpdate_whenPutHelpers_thenOnlyPresentFieldsAreWrittenWithTheirJsonTypes() throws Exception {
        ParticipantUpdate update = ParticipantUpdate.of("zigned", null, Map.of("name", "Åsa", "role", "SIGNER",
                "signatory", "yes", "signing_order", "3"), Source.of("test", "t", 1));
        ObjectNode body = AdapterSupport.newObject();

        AdapterSupport.putText(body, update, "name", "user_name");
        AdapterSupport.putText(body, update, "email", "user_email");
        AdapterSupport.putEnum(body, update, "role", "role", List.of("signer", "approver"));
        AdapterSupport.putBoolean(body, update, "signatory", "is_signatory");
        AdapterSupport.putLong(body, update, "signing_order", "order");

        ObjectMapper mapper = new ObjectMapper();
        assertThat(mapper.readTree(AdapterSupport.toJson(body))).isEqualTo(mapper.readTree(
                "{\"user_name\":\"Åsa\",\"role\":\"signer\",\"is_signatory\":true,\"order\":3}"));
    }

    @Test
    void givenJsonBodies_whenFirstTextAndTokenError_thenTheFirstNonBlankFieldAndTheOAuthError() {
        JsonNode node = AdapterSupport.readJson(
                "{\"Message\":\" \",\"message\":\" late \",\"error\":\"invalid_grant\"}").orElseThrow();

        assertThat(AdapterSupport.firstText(node, "Message", "message")).isEqualTo("late");
        assertThat(AdapterSupport.firstText(node, "missing")).isNull();
        assertThat(AdapterSupport.tokenError(400, node)).contains(new ProviderError(400, "invalid_grant",
                "Bad Request"));
        assertThat(AdapterSupport.tokenError(401, AdapterSupport.readJson(
                "{\"error\":\"invalid_client\",\"error_description\":\"Bad client\"}").orElseThrow()))
                .contains(new ProviderError(401, "invalid_client", "Bad client"));
        assertThat(AdapterSupport.tokenError(400, AdapterSupport.readJson("{\"error\":{}}").orElseThrow())).isEmpty();
    }

    @Test
    void givenARefreshTokenConnection_whenChecked_thenKeyNamedProblemsAndQuotedUrls() {
        Connection connection = new Connection("z", "zoho", Map.of("client-id", "id", "token-url", "accounts.zoho"));
        List<String> problems = new ArrayList<>();

        AdapterSupport.requireRefreshTokenClient(connection, "zoho", problems);
        AdapterSupport.checkHttpUrlQuotingValue(connection, "token-url", problems);
        AdapterSupport.checkHttpUrlQuotingValue(connection, "base-url", problems);

        assertThat(problems).containsExactly("connections.z.client-secret must be set for provider zoho",
                "connections.z.refresh-token (or connections.z.access-token) must be set for provider zoho",
                "connections.z.token-url must be an http(s) URL, got 'accounts.zoho'");
    }

    @Test
    void givenNoRefreshToken_whenRequireRefreshToken_thenTheKeyIsNamed() {
        Connection connection = new Connection("evia", "eviasign", Map.of());

        assertThat(AdapterSupport.requireRefreshToken("rt-1", connection, "eviasign")).isEqualTo("rt-1");
        assertThatThrownBy(() -> AdapterSupport.requireRefreshToken(" ", connection, "eviasign"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("connections.evia.refresh-token is not set: cannot renew the access token for provider "
                        + "eviasign");
    }

    @Test
    void givenConnections_whenBaseUrlOrAndClientForm_thenConfiguredOrDefaultAndOrderedForm() {
        assertThat(AdapterSupport.baseUrlOr(new Connection("c", "zigned", Map.of("base-url", "http://h/api//")),
                "https://default")).isEqualTo("http://h/api");
        assertThat(AdapterSupport.baseUrlOr(null, "https://default")).isEqualTo("https://default");
        assertThat(AdapterSupport.clientForm("client_credentials", "id", "secret").entrySet()).containsExactly(
                Map.entry("grant_type", "client_credentials"), Map.entry("client_id", "id"),
                Map.entry("client_secret", "secret"));
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
