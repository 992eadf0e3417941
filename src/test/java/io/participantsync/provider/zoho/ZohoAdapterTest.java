package io.participantsync.provider.zoho;

import static io.participantsync.support.TestJson.providerFile;
import static io.participantsync.support.TestJson.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.model.ProviderError;
import io.participantsync.model.Source;
import io.participantsync.provider.AuthMethod;
import io.participantsync.provider.Connection;
import io.participantsync.provider.Disposition;
import io.participantsync.provider.ProviderRegistry;
import io.participantsync.provider.ProviderRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Verifies the Zoho Contracts adapter's request mapping, validation, error reading, data centres and OAuth setup. */
class ZohoAdapterTest {

    private static final String CLIENT_SECRET = "cs-SECRET+/=4711";
    private static final String REFRESH_TOKEN = "1000.rt-SECRET.0815";
    private static final String ACCESS_TOKEN = "1000.at-SECRET.9999";

    private final ZohoAdapter adapter = new ZohoAdapter(Map.of());

    // --- buildRequest -------------------------------------------------------------------------------------------

    @Test
    void givenEmailAndName_whenBuildRequest_thenPutsToTheContactPathWithBothFields() {
        ParticipantUpdate update = update(Map.of(
                "organization", "ABCcompany", "current_email", "ian.walker@abc.com",
                "email", "ian.walker+new@abc.com", "name", "Ian Walker"));

        ProviderRequest request = adapter.buildRequest(update, connection(Map.of())).orElseThrow();

        assertThat(request.method()).isEqualTo("PUT");
        assertThat(request.path()).isEqualTo("/api/v1/counterparties/ABCcompany/counterpartyusers/ian.walker%40abc.com/");
        assertThat(request.query()).isNull();
        assertThat(request.headers()).isEqualTo(
                Map.of("Accept", "application/json", "Content-Type", "application/json"));
        assertThat(tree(request.body())).isEqualTo(providerFile("zoho", "update-all-fields.json"));
    }

    @Test
    void givenOnlyAName_whenBuildRequest_thenOnlyDisplayNameIsSent() {
        ParticipantUpdate update = update(Map.of(
                "organization", "ABCcompany", "current_email", "ian.walker@abc.com", "name", "Ian Walker"));

        ProviderRequest request = adapter.buildRequest(update, connection(Map.of())).orElseThrow();

        assertThat(tree(request.body())).isEqualTo(providerFile("zoho", "update-name-only.json"));
    }

    @Test
    void givenOnlyAnEmail_whenBuildRequest_thenOnlyEmailIdIsSent() {
        ParticipantUpdate update = update(Map.of(
                "organization", "ABCcompany", "current_email", "ian.walker@abc.com", "email", "ian@new.example.com"));

        ProviderRequest request = adapter.buildRequest(update, connection(Map.of())).orElseThrow();

        assertThat(tree(request.body())).isEqualTo(providerFile("zoho", "update-email-only.json"));
    }

    @Test
    void givenSpecialCharactersInLocators_whenBuildRequest_thenPathAndQueryArePercentEncoded() {
        ParticipantUpdate update = update(Map.of(
                "organization", "ABC company/Ltd", "current_email", "ian+sales@abc.com",
                "orgname", "abc & co", "name", "Ian"));

        ProviderRequest request = adapter.buildRequest(update, connection(Map.of())).orElseThrow();

        assertThat(request.path())
                .isEqualTo("/api/v1/counterparties/ABC%20company%2FLtd/counterpartyusers/ian%2Bsales%40abc.com/");
        assertThat(request.query()).isEqualTo("orgname=abc%20%26%20co");
    }

    @Test
    void givenAnOrgname_whenBuildRequest_thenItIsTheOnlyQueryParameter() {
        ParticipantUpdate update = update(Map.of(
                "organization", "ABCcompany", "current_email", "ian.walker@abc.com",
                "orgname", "abcsales", "name", "Ian"));

        ProviderRequest request = adapter.buildRequest(update, connection(Map.of())).orElseThrow();

        assertThat(request.query()).isEqualTo("orgname=abcsales");
    }

    @Test
    void givenOnlyLocatorsAndRoutingFields_whenBuildRequest_thenNoCall() {
        ParticipantUpdate update = update(Map.of(
                "provider", "zoho", "connection", "zoho", "organization", "ABCcompany",
                "current_email", "ian.walker@abc.com", "orgname", "abcsales"));

        assertThat(adapter.buildRequest(update, connection(Map.of()))).isEmpty();
    }

    // --- validate -----------------------------------------------------------------------------------------------

    @Test
    void givenACompleteRecord_whenValidate_thenNoProblems() {
        ParticipantUpdate update = update(Map.of(
                "provider", "zoho", "organization", "ABCcompany", "current_email", "ian.walker@abc.com",
                "orgname", "abcsales", "email", "ian@new.example.com", "name", "Ian Walker"));

        assertThat(adapter.validate(update, connection(Map.of()))).isEmpty();
    }

    @Test
    void givenNoLocators_whenValidate_thenOrganizationAndCurrentEmailAreRequired() {
        List<Problem> problems = adapter.validate(update(Map.of("name", "Ian", "organization", "  ")),
                connection(Map.of()));

        assertThat(problems).containsExactlyInAnyOrder(
                Problem.of("organization", "is required for provider zoho"),
                Problem.of("current_email", "is required for provider zoho"));
    }

    @Test
    void givenBadEmailSyntax_whenValidate_thenBothEmailFieldsAreReported() {
        List<Problem> problems = adapter.validate(update(Map.of(
                "organization", "ABCcompany", "current_email", "ian.walker", "email", "ian@@abc.com")),
                connection(Map.of()));

        assertThat(problems).containsExactlyInAnyOrder(
                Problem.of("current_email", "'ian.walker' is not a valid email address"),
                Problem.of("email", "'ian@@abc.com' is not a valid email address"));
    }

    @Test
    void givenFieldsZohoDoesNotHave_whenValidate_thenEachIsRejected() {
        List<Problem> problems = adapter.validate(update(Map.of(
                "organization", "ABCcompany", "current_email", "ian.walker@abc.com",
                "phone_number", "+46701234567", "otp_access_code", "123456", "request_id", "x", "nickname", "Ian")),
                connection(Map.of()));

        assertThat(problems).containsExactlyInAnyOrder(
                Problem.of("phone_number", "is not supported by provider zoho"),
                Problem.of("otp_access_code", "is not supported by provider zoho"),
                Problem.of("request_id", "is not supported by provider zoho"),
                Problem.of("nickname", "is not a known field"));
        assertThat(problems.toString()).doesNotContain("123456");
    }

    // --- readError ----------------------------------------------------------------------------------------------

    @Test
    void givenTheDocumentedErrorBody_whenReadError_thenCodeAndDocumentedText() {
        ProviderError error = adapter.readError(404, "{\"Errors\":{\"ErrorCode\":\"INVALID_URL_PATTERN\"}}",
                Map.of());

        assertThat(error).isEqualTo(new ProviderError(404, "INVALID_URL_PATTERN", "Request URL is incorrect"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"Errors\":{\"ErrorCode\":\"NO_PERMISSION\",\"Message\":\"You cannot edit this contact\"}}"
                + "|NO_PERMISSION|You cannot edit this contact",
        "{\"Errors\":[{\"ErrorCode\":\"AUTHORIZATION_FAILED\",\"ErrorMessage\":\"No privilege\"}]}"
                + "|AUTHORIZATION_FAILED|No privilege",
        "{\"ErrorCode\":\"INVALID_REQUEST_METHOD\",\"ErrorMessage\":\"Use PUT\"}|INVALID_REQUEST_METHOD|Use PUT",
        "{\"code\":\"INVALID_TOKEN\",\"message\":\"invalid oauth token\"}|INVALID_TOKEN|invalid oauth token",
        "{\"code\":1002,\"message\":\"Record not found\"}|1002|Record not found",
        "{\"Errors\":{\"ErrorCode\":\"OAUTH_SCOPE_MISMATCH\"}}|OAUTH_SCOPE_MISMATCH"
                + "|Unauthorized: the client lacks the contracts.contracts.UPDATE scope",
        "{\"Errors\":{\"ErrorCode\":\"SOMETHING_NEW\"}}|SOMETHING_NEW|Bad Request"
    })
    void givenAZohoErrorShape_whenReadError_thenCodeAndMessage(String body, String code, String message) {
        assertThat(adapter.readError(400, body, Map.of())).isEqualTo(new ProviderError(400, code, message));
    }

    @Test
    void givenAnEmptyOrNullBody_whenReadError_thenTheHttpReasonAndNoCode() {
        assertThat(adapter.readError(500, "", Map.of()))
                .isEqualTo(new ProviderError(500, null, "Internal Server Error"));
        assertThat(adapter.readError(404, null, Map.of())).isEqualTo(new ProviderError(404, null, "Not Found"));
    }

    @Test
    void givenAnHtmlErrorPage_whenReadError_thenItsTitle() {
        String html = "<html><head><title>Zoho Contracts - 503 Service Unavailable</title></head>"
                + "<body><p>We are down for maintenance</p></body></html>";

        assertThat(adapter.readError(503, html, Map.of()))
                .isEqualTo(new ProviderError(503, null, "Zoho Contracts - 503 Service Unavailable"));
    }

    @Test
    void givenGarbageOrJsonWithoutAnErrorField_whenReadError_thenTheTrimmedCappedText() {
        assertThat(adapter.readError(400, "  {oops  ", Map.of())).isEqualTo(new ProviderError(400, null, "{oops"));
        assertThat(adapter.readError(400, "{\"Type\":\"x\"}", Map.of()))
                .isEqualTo(new ProviderError(400, null, "{\"Type\":\"x\"}"));
        assertThat(adapter.readError(400, "y".repeat(500), Map.of()).message()).isEqualTo("y".repeat(300));
    }

    // --- classify -----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"200, SUCCESS", "400, REJECT", "401, REAUTHENTICATE", "403, REJECT", "404, REJECT", "409, REJECT",
        "429, RETRY", "500, RETRY", "503, RETRY"})
    void givenAStatus_whenClassify_thenTheDocumentedDisposition(int status, Disposition expected) {
        assertThat(adapter.classify(status)).isEqualTo(expected);
    }

    // --- validateConnection -------------------------------------------------------------------------------------

    @Test
    void givenACompleteConnection_whenValidateConnection_thenNoProblems() {
        assertThat(adapter.validateConnection(connection(Map.of("data-centre", "com.au")))).isEmpty();
    }

    @Test
    void givenAnEmptyConnection_whenValidateConnection_thenEachMissingKeyIsNamed() {
        List<String> problems = adapter.validateConnection(new Connection("zoho-eu", "zoho", Map.of()));

        assertThat(problems).containsExactly(
                "connections.zoho-eu.client-id must be set for provider zoho",
                "connections.zoho-eu.client-secret must be set for provider zoho",
                "connections.zoho-eu.refresh-token (or connections.zoho-eu.access-token) must be set for provider "
                        + "zoho");
    }

    @Test
    void givenAnAccessTokenInsteadOfARefreshToken_whenValidateConnection_thenAccepted() {
        Connection connection = new Connection("zoho", "zoho", Map.of(
                "client-id", "id", "client-secret", CLIENT_SECRET, "access-token", ACCESS_TOKEN));

        assertThat(adapter.validateConnection(connection)).isEmpty();
    }

    @Test
    void givenAnUnknownDataCentreAndBadUrl_whenValidateConnection_thenKeysAndAllowedValuesAreNamed() {
        List<String> problems = adapter.validateConnection(connection(Map.of(
                "data-centre", "us", "base-url", "contracts.zoho.com")));

        assertThat(problems).containsExactly(
                "connections.zoho.data-centre 'us' is not one of com, eu, in, com.au, jp, ca, sa",
                "connections.zoho.base-url must be an http(s) URL, got 'contracts.zoho.com'");
        assertThat(String.join("\n", problems)).doesNotContain(CLIENT_SECRET, REFRESH_TOKEN);
    }

    // --- data centres -------------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({
        "com,    https://contracts.zoho.com,       https://accounts.zoho.com/oauth/v2/token",
        "eu,     https://contracts.zoho.eu,        https://accounts.zoho.eu/oauth/v2/token",
        "in,     https://contracts.zoho.in,        https://accounts.zoho.in/oauth/v2/token",
        "com.au, https://contracts.zoho.com.au,    https://accounts.zoho.com.au/oauth/v2/token",
        "jp,     https://contracts.zoho.jp,        https://accounts.zoho.jp/oauth/v2/token",
        "ca,     https://contracts.zohocloud.ca,   https://accounts.zohocloud.ca/oauth/v2/token",
        "sa,     https://contracts.zoho.sa,        https://accounts.zoho.sa/oauth/v2/token",
        "EU,     https://contracts.zoho.eu,        https://accounts.zoho.eu/oauth/v2/token"
    })
    void givenADataCentre_whenResolvingUrls_thenItsContractsAndAccountsHosts(String dc, String base, String token) {
        Connection connection = connection(Map.of("data-centre", dc));
        AuthMethod.OAuth oauth = (AuthMethod.OAuth) adapter.authMethod(connection);

        assertThat(adapter.defaultBaseUrl(connection)).isEqualTo(base);
        assertThat(oauth.tokenRequest().apply("rt").url()).startsWith(token + "?");
    }

    @Test
    void givenNoDataCentre_whenResolvingUrls_thenDotCom() {
        assertThat(adapter.defaultBaseUrl(connection(Map.of()))).isEqualTo("https://contracts.zoho.com");
    }

    @Test
    void givenConfiguredUrls_whenResolvingUrls_thenTheyWin() {
        Connection connection = connection(Map.of("data-centre", "eu", "base-url", "http://localhost:9000/zoho/",
                "token-url", "http://localhost:9000/zoho/token"));
        AuthMethod.OAuth oauth = (AuthMethod.OAuth) adapter.authMethod(connection);

        assertThat(adapter.defaultBaseUrl(connection)).isEqualTo("http://localhost:9000/zoho");
        assertThat(oauth.tokenRequest().apply("rt").url()).startsWith("http://localhost:9000/zoho/token?");
    }

    @Test
    void givenAnUnknownDataCentre_whenResolvingUrls_thenAnErrorNamingTheKey() {
        Connection connection = connection(Map.of("data-centre", "mars"));

        assertThatThrownBy(() -> adapter.defaultBaseUrl(connection))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connections.zoho.data-centre 'mars' is not one of com, eu, in, com.au, jp, ca, sa");
        assertThatThrownBy(() -> adapter.authMethod(connection)).isInstanceOf(IllegalArgumentException.class);
    }

    // --- auth ---------------------------------------------------------------------------------------------------

    @Test
    void givenARefreshToken_whenBuildingTheTokenRequest_thenEverythingGoesInTheEncodedQuery() {
        AuthMethod.OAuth oauth = (AuthMethod.OAuth) adapter.authMethod(connection(Map.of("data-centre", "eu")));

        AuthMethod.TokenRequest token = oauth.tokenRequest().apply(REFRESH_TOKEN);

        assertThat(oauth.scheme()).isEqualTo("Zoho-oauthtoken");
        assertThat(oauth.staticToken()).isNull();
        assertThat(token.url()).isEqualTo("https://accounts.zoho.eu/oauth/v2/token?grant_type=refresh_token"
                + "&refresh_token=1000.rt-SECRET.0815&client_id=1000.CLIENT42"
                + "&client_secret=cs-SECRET%2B%2F%3D4711");
        assertThat(token.headers()).isEqualTo(Map.of("Accept", "application/json"));
        assertThat(token.form()).isEmpty();
    }

    @Test
    void givenAStaticAccessToken_whenAuthMethod_thenItIsTheStaticToken() {
        AuthMethod.OAuth oauth = (AuthMethod.OAuth) adapter.authMethod(connection(Map.of(
                "access-token", ACCESS_TOKEN)));

        assertThat(oauth.staticToken()).isEqualTo(ACCESS_TOKEN);
        assertThat(oauth.tokenRequest().apply("1000.rotated").url()).contains("&refresh_token=1000.rotated&");
    }

    @Test
    void givenTheAuthMethod_whenPrinted_thenNoSecretIsShown() {
        Connection connection = connection(Map.of("access-token", ACCESS_TOKEN));
        AuthMethod.OAuth oauth = (AuthMethod.OAuth) adapter.authMethod(connection);
        AuthMethod.TokenRequest token = oauth.tokenRequest().apply(REFRESH_TOKEN);

        String printed = oauth + " " + token + " " + connection;

        assertThat(printed).contains("Zoho-oauthtoken", "https://accounts.zoho.com/oauth/v2/token")
                .doesNotContain(CLIENT_SECRET, "cs-SECRET", REFRESH_TOKEN, ACCESS_TOKEN);
    }

    @Test
    void givenNoRefreshToken_whenTheTokenMustBeRenewed_thenAnErrorNamingTheKey() {
        AuthMethod.OAuth oauth = (AuthMethod.OAuth) adapter.authMethod(new Connection("zoho", "zoho", Map.of(
                "client-id", "id", "client-secret", CLIENT_SECRET, "access-token", ACCESS_TOKEN)));

        assertThatThrownBy(() -> oauth.tokenRequest().apply(" "))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("connections.zoho.refresh-token is not set: cannot renew the access token for provider zoho");
    }

    // --- registration -------------------------------------------------------------------------------------------

    @Test
    void givenTheStandardRegistry_whenLookingUpZoho_thenThisAdapter() {
        ProviderRegistry registry = ProviderRegistry.standard(id -> Map.of());

        assertThat(registry.get("zoho")).isInstanceOf(ZohoAdapter.class);
        assertThat(registry.get("zoho").id()).isEqualTo("zoho");
    }

    // --- fixtures -----------------------------------------------------------------------------------------------

    private static ParticipantUpdate update(Map<String, String> fields) {
        return ParticipantUpdate.of("zoho", null, fields, Source.of("csv", "zoho.csv", 1));
    }

    /** A valid connection "zoho" with the given settings added or replaced. */
    private static Connection connection(Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>(Map.of(
                "client-id", "1000.CLIENT42", "client-secret", CLIENT_SECRET, "refresh-token", REFRESH_TOKEN));
        settings.putAll(extra);
        return new Connection("zoho", "zoho", settings);
    }
}
