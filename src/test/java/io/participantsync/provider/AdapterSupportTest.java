package io.participantsync.provider;

import static org.assertj.core.api.Assertions.assertThat;

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
