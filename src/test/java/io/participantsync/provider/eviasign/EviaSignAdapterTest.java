package io.participantsync.provider.eviasign;

import static io.participantsync.support.TestJson.providerFile;
import static io.participantsync.support.TestJson.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.model.ProviderError;
import io.participantsync.model.Source;
import io.participantsync.provider.AuthMethod;
import io.participantsync.provider.Connection;
import io.participantsync.provider.Disposition;
import io.participantsync.provider.ProviderRegistry;
import io.participantsync.provider.ProviderRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Verifies the Evia Sign adapter's request mapping, validation, error reading, classification and OAuth setup. */
class EviaSignAdapterTest {

    private static final String REQUEST_ID = "3f2b8c1e-9a4d-4e7b-8c21-5d6e7f8a9b0c";
    private static final String CLIENT_SECRET = "cs-SECRET-4711";
    private static final String REFRESH_TOKEN = "rt-SECRET-0815";
    private static final String ACCESS_TOKEN = "at-SECRET-9999";
    private static final String OTP_CODE = "987654";

    private final EviaSignAdapter adapter = new EviaSignAdapter(Map.of());

    // --- buildRequest -------------------------------------------------------------------------------------------

    @Test
    void givenEveryDocumentedField_whenBuildRequest_thenPostsEditRecipientWithAllFields() {
        ParticipantUpdate update = update(Map.of(
                "request_id", REQUEST_ID,
                "current_email", "john.doe@example.com",
                "name", "John Doe",
                "email", "john.doe+new@example.com",
                "otp_required", "yes",
                "otp_access_code", OTP_CODE,
                "otp_mobile_number", "+1-202-555-0123",
                "otp_type", "1",
                "private_message", "Please sign with your new address."));

        ProviderRequest request = adapter.buildRequest(update, connection(Map.of())).orElseThrow();

        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/api/v2/Requests/" + REQUEST_ID + "/editrecipient");
        assertThat(request.query()).isNull();
        assertThat(request.headers()).isEqualTo(
                Map.of("Accept", "application/json", "Content-Type", "application/json"));
        assertThat(tree(request.body())).isEqualTo(providerFile("eviasign", "edit-all-fields.json"));
    }

    @Test
    void givenNameAndConfiguredAuditDetails_whenBuildRequest_thenSendsThemWithoutOtp() {
        ParticipantUpdate update = update(Map.of(
                "request_id", REQUEST_ID, "current_email", "jane@example.com", "name", "Jane Roe"));
        Connection connection = connection(Map.of(
                "audit-author-type", "1",
                "audit-author-ip", "10.1.2.3",
                "audit-device", "Device Type: Server - OS: Linux"));

        ProviderRequest request = adapter.buildRequest(update, connection).orElseThrow();

        JsonNode body = tree(request.body());
        assertThat(body).isEqualTo(providerFile("eviasign", "edit-name-custom-audit.json"));
        assertThat(body.has("OTP")).isFalse();
    }

    @Test
    void givenSomeOtpFields_whenBuildRequest_thenOtpHoldsOnlyThoseAsBooleanAndNumber() {
        ParticipantUpdate update = update(Map.of(
                "request_id", REQUEST_ID, "current_email", "jane@example.com",
                "otp_required", "No", "otp_type", "0"));

        ProviderRequest request = adapter.buildRequest(update, connection(Map.of())).orElseThrow();

        JsonNode body = tree(request.body());
        assertThat(body).isEqualTo(providerFile("eviasign", "edit-otp-partial.json"));
        assertThat(body.get("OTP").get("IsRequired").isBoolean()).isTrue();
        assertThat(body.get("OTP").get("Type").isIntegralNumber()).isTrue();
    }

    @Test
    void givenOnlyAnAccessCode_whenBuildRequest_thenOtpObjectIsSent() {
        ParticipantUpdate update = update(Map.of(
                "request_id", REQUEST_ID, "current_email", "jane@example.com", "otp_access_code", OTP_CODE));

        ProviderRequest request = adapter.buildRequest(update, connection(Map.of())).orElseThrow();

        assertThat(tree(request.body()).get("OTP"))
                .isEqualTo(tree("{\"AccessCode\":\"" + OTP_CODE + "\"}"));
    }

    @Test
    void givenOnlyLocatorsAndRoutingFields_whenBuildRequest_thenNoCall() {
        ParticipantUpdate update = new ParticipantUpdate("eviasign", "evia-main", Map.of(
                "provider", "eviasign", "connection", "evia-main",
                "request_id", REQUEST_ID, "current_email", "jane@example.com"), Source.of("csv", "t.csv", 1),
                List.of());

        Optional<ProviderRequest> request = adapter.buildRequest(update, connection(Map.of()));

        assertThat(request).isEmpty();
    }

    // --- validate -----------------------------------------------------------------------------------------------

    @Test
    void givenACompleteRecord_whenValidate_thenNoProblems() {
        ParticipantUpdate update = update(Map.of(
                "request_id", REQUEST_ID, "current_email", "john@example.com", "email", "john@new.example.com",
                "name", "John", "otp_required", "true", "otp_access_code", OTP_CODE,
                "otp_mobile_number", "+46701234567", "otp_type", "2", "private_message", "hi"));

        assertThat(adapter.validate(update, connection(Map.of()))).isEmpty();
    }

    @Test
    void givenNoLocators_whenValidate_thenBothAreRequired() {
        List<Problem> problems = adapter.validate(update(Map.of("name", "John")), connection(Map.of()));

        assertThat(problems).containsExactlyInAnyOrder(
                Problem.of("request_id", "is required for provider eviasign"),
                Problem.of("current_email", "is required for provider eviasign"));
    }

    @Test
    void givenARequestIdThatIsNotAUuid_whenValidate_thenRejectedNamingTheField() {
        List<Problem> problems = adapter.validate(update(Map.of(
                "request_id", "12345", "current_email", "john@example.com", "name", "John")), connection(Map.of()));

        assertThat(problems).containsExactly(Problem.of("request_id", "'12345' is not a UUID"));
    }

    @Test
    void givenBadEmailSyntax_whenValidate_thenBothEmailFieldsAreReported() {
        List<Problem> problems = adapter.validate(update(Map.of(
                "request_id", REQUEST_ID, "current_email", "not-an-email", "email", "also bad@x")),
                connection(Map.of()));

        assertThat(problems).containsExactlyInAnyOrder(
                Problem.of("current_email", "'not-an-email' is not a valid email address"),
                Problem.of("email", "'also bad@x' is not a valid email address"));
    }

    @Test
    void givenTheSameEmailInAnotherCase_whenValidate_thenRejectedAsNoChange() {
        List<Problem> problems = adapter.validate(update(Map.of(
                "request_id", REQUEST_ID, "current_email", "John@Example.com", "email", "john@example.COM")),
                connection(Map.of()));

        assertThat(problems).containsExactly(Problem.of("email", "must differ from current_email"));
    }

    @Test
    void givenBadOtpValues_whenValidate_thenBooleanAndIntegerRulesApply() {
        List<Problem> problems = adapter.validate(update(Map.of(
                "request_id", REQUEST_ID, "current_email", "john@example.com",
                "otp_required", "maybe", "otp_type", "-1")), connection(Map.of()));

        assertThat(problems).containsExactlyInAnyOrder(
                Problem.of("otp_required", "'maybe' is not a boolean (use true or false)"),
                Problem.of("otp_type", "'-1' must be at least 0"));
    }

    @Test
    void givenANonNumericOtpType_whenValidate_thenNotAnInteger() {
        List<Problem> problems = adapter.validate(update(Map.of(
                "request_id", REQUEST_ID, "current_email", "john@example.com", "otp_type", "sms")),
                connection(Map.of()));

        assertThat(problems).containsExactly(Problem.of("otp_type", "'sms' is not an integer"));
    }

    @Test
    void givenFieldsEviaDoesNotHave_whenValidate_thenUnsupportedAndUnknownAreRejected() {
        List<Problem> problems = adapter.validate(update(Map.of(
                "request_id", REQUEST_ID, "current_email", "john@example.com",
                "role", "signer", "shoe_size", "44")), connection(Map.of()));

        assertThat(problems).containsExactlyInAnyOrder(
                Problem.of("role", "is not supported by provider eviasign"),
                Problem.of("shoe_size", "is not a known field"));
    }

    @Test
    void givenAnInvalidRecordWithAnAccessCode_whenValidate_thenNoMessageShowsTheCode() {
        List<Problem> problems = adapter.validate(update(Map.of(
                "request_id", OTP_CODE, "current_email", "x", "otp_access_code", OTP_CODE + "1",
                "otp_type", "x", "otp_required", "x")), connection(Map.of()));

        assertThat(problems).hasSize(4);
        assertThat(problems.toString()).doesNotContain(OTP_CODE + "1");
    }

    // --- readError ----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', ignoreLeadingAndTrailingWhitespace = false, value = {
        "{\"Message\":\"The updated email cannot be the same as the existing one.\"}"
                + "|The updated email cannot be the same as the existing one.",
        "{\"message\":\"The same user cannot be assigned more than once within a single request\"}"
                + "|The same user cannot be assigned more than once within a single request",
        "{\"error\":\"invalid_grant\",\"error_description\":\"Refresh token expired\"}|Refresh token expired",
        "{\"error\":\"invalid_request\"}|invalid_request",
        "{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400}|Bad Request",
        "\"Bad Request\"|Bad Request",
        "  Action denied. You don't have permission to edit recipient users.  "
                + "|Action denied. You don't have permission to edit recipient users.",
        "{\"requestId\":null}|{\"requestId\":null}",
        "{not json|{not json"
    })
    void givenAnErrorBody_whenReadError_thenMessageIsTheProvidersTextAndNoCode(String body, String message) {
        ProviderError error = adapter.readError(400, body, Map.of());

        assertThat(error).isEqualTo(new ProviderError(400, null, message));
    }

    @Test
    void givenTheDocumented404Text_whenReadError_thenKeptAsIs() {
        ProviderError error = adapter.readError(404, "Editing isn’t allowed for this recipient.",
                Map.of("Content-Type", "text/plain"));

        assertThat(error).isEqualTo(new ProviderError(404, null, "Editing isn’t allowed for this recipient."));
    }

    @Test
    void givenAnEmptyOrNullBody_whenReadError_thenTheHttpReason() {
        assertThat(adapter.readError(400, "", Map.of())).isEqualTo(new ProviderError(400, null, "Bad Request"));
        assertThat(adapter.readError(503, null, Map.of()))
                .isEqualTo(new ProviderError(503, null, "Service Unavailable"));
        assertThat(adapter.readError(418, "   ", Map.of())).isEqualTo(new ProviderError(418, null, "HTTP 418"));
    }

    @Test
    void givenAnHtmlErrorPage_whenReadError_thenItsTitle() {
        String html = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
                + "<body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>";

        assertThat(adapter.readError(502, html, Map.of())).isEqualTo(new ProviderError(502, null, "502 Bad Gateway"));
    }

    @Test
    void givenHtmlWithoutTitle_whenReadError_thenItsTextWithoutTags() {
        String html = "<html><body><h1>Service down</h1>\n<p>Try later</p></body></html>";

        assertThat(adapter.readError(503, html, Map.of()).message()).isEqualTo("Service down Try later");
    }

    @Test
    void givenAVeryLongBody_whenReadError_thenCappedAt300Characters() {
        String body = "x".repeat(1000);

        assertThat(adapter.readError(400, body, Map.of()).message()).isEqualTo("x".repeat(300));
    }

    // --- classify -----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"200, SUCCESS", "400, REJECT", "401, REAUTHENTICATE", "404, REJECT", "409, REJECT", "429, RETRY",
        "500, RETRY", "503, RETRY"})
    void givenAStatus_whenClassify_thenTheDocumentedDisposition(int status, Disposition expected) {
        assertThat(adapter.classify(status)).isEqualTo(expected);
    }

    // --- validateConnection -------------------------------------------------------------------------------------

    @Test
    void givenACompleteConnection_whenValidateConnection_thenNoProblems() {
        assertThat(adapter.validateConnection(connection(Map.of()))).isEmpty();
    }

    @Test
    void givenAnEmptyConnection_whenValidateConnection_thenEachMissingKeyIsNamed() {
        List<String> problems = adapter.validateConnection(new Connection("evia", "eviasign", Map.of()));

        assertThat(problems).containsExactly(
                "connections.evia.client-id must be set for provider eviasign",
                "connections.evia.client-secret must be set for provider eviasign",
                "connections.evia.refresh-token (or connections.evia.access-token) must be set for provider eviasign");
    }

    @Test
    void givenAnAccessTokenInsteadOfARefreshToken_whenValidateConnection_thenAccepted() {
        Connection connection = new Connection("evia", "eviasign", Map.of(
                "client-id", "id", "client-secret", CLIENT_SECRET, "access-token", ACCESS_TOKEN));

        assertThat(adapter.validateConnection(connection)).isEmpty();
    }

    @Test
    void givenNonHttpUrls_whenValidateConnection_thenEachUrlKeyIsNamed() {
        List<String> problems = adapter.validateConnection(connection(Map.of(
                "base-url", "ftp://evia.example.com", "token-url", "not a url")));

        assertThat(problems).containsExactly(
                "connections.evia.base-url must be an http(s) URL, got 'ftp://evia.example.com'",
                "connections.evia.token-url must be an http(s) URL, got 'not a url'");
        assertThat(String.join("\n", problems)).doesNotContain(CLIENT_SECRET, REFRESH_TOKEN);
    }

    // --- auth ---------------------------------------------------------------------------------------------------

    @Test
    void givenARefreshToken_whenBuildingTheTokenRequest_thenBasicAuthAndRefreshGrantToTheDefaultUrl() {
        AuthMethod.OAuth oauth = (AuthMethod.OAuth) adapter.authMethod(connection(Map.of()));

        AuthMethod.TokenRequest token = oauth.tokenRequest().apply(REFRESH_TOKEN);

        assertThat(oauth.scheme()).isEqualTo("Bearer");
        assertThat(oauth.staticToken()).isNull();
        assertThat(token.url()).isEqualTo("https://evia.enadocapp.com/_apis/falcon/auth/api/v2/token");
        String basic = Base64.getEncoder()
                .encodeToString(("client-42:" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        assertThat(token.headers()).isEqualTo(Map.of(
                "Authorization", "Basic " + basic,
                "Content-Type", "application/x-www-form-urlencoded",
                "Accept", "application/json"));
        assertThat(token.form()).isEqualTo(Map.of("grant_type", "refresh_token", "refresh_token", REFRESH_TOKEN));
    }

    @Test
    void givenARotatedRefreshTokenAndCustomUrl_whenBuildingTheTokenRequest_thenTheNewTokenAndUrlAreUsed() {
        AuthMethod.OAuth oauth = (AuthMethod.OAuth) adapter.authMethod(connection(Map.of(
                "token-url", "http://localhost:8089/evia/token", "access-token", ACCESS_TOKEN)));

        AuthMethod.TokenRequest token = oauth.tokenRequest().apply("rt-rotated");

        assertThat(oauth.staticToken()).isEqualTo(ACCESS_TOKEN);
        assertThat(token.url()).isEqualTo("http://localhost:8089/evia/token");
        assertThat(token.form()).containsEntry("refresh_token", "rt-rotated");
    }

    @Test
    void givenTheAuthMethod_whenPrinted_thenNoSecretIsShown() {
        AuthMethod.OAuth oauth = (AuthMethod.OAuth) adapter.authMethod(connection(Map.of(
                "access-token", ACCESS_TOKEN)));
        AuthMethod.TokenRequest token = oauth.tokenRequest().apply(REFRESH_TOKEN);
        String basic = token.headers().get("Authorization").substring("Basic ".length());

        String printed = oauth + " " + token + " " + connection(Map.of("access-token", ACCESS_TOKEN));

        assertThat(printed).contains("Bearer", "Authorization", "refresh_token")
                .doesNotContain(CLIENT_SECRET, REFRESH_TOKEN, ACCESS_TOKEN, basic);
    }

    @Test
    void givenNoRefreshToken_whenTheTokenMustBeRenewed_thenAnErrorNamingTheKey() {
        AuthMethod.OAuth oauth = (AuthMethod.OAuth) adapter.authMethod(new Connection("evia", "eviasign", Map.of(
                "client-id", "client-42", "client-secret", CLIENT_SECRET, "access-token", ACCESS_TOKEN)));

        assertThatThrownBy(() -> oauth.tokenRequest().apply(null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("connections.evia.refresh-token is not set: cannot renew the access token for provider "
                        + "eviasign");
    }

    // --- base URL and registration ------------------------------------------------------------------------------

    @Test
    void givenNoBaseUrl_whenDefaultBaseUrl_thenTheProductionBase() {
        assertThat(adapter.defaultBaseUrl(connection(Map.of()))).isEqualTo("https://evia.enadocapp.com/_apis/sign");
        assertThat(adapter.defaultBaseUrl(connection(Map.of("base-url", "http://localhost:9000/sign/"))))
                .isEqualTo("http://localhost:9000/sign");
    }

    @Test
    void givenTheStandardRegistry_whenLookingUpEviasign_thenThisAdapter() {
        ProviderRegistry registry = ProviderRegistry.standard(id -> Map.of());

        assertThat(registry.get("eviasign")).isInstanceOf(EviaSignAdapter.class);
        assertThat(registry.get("eviasign").id()).isEqualTo("eviasign");
    }

    // --- fixtures -----------------------------------------------------------------------------------------------

    private static ParticipantUpdate update(Map<String, String> fields) {
        return ParticipantUpdate.of("eviasign", null, fields, Source.of("csv", "evia.csv", 1));
    }

    /** A valid connection "evia" with the given settings added or replaced. */
    private static Connection connection(Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>(Map.of(
                "client-id", "client-42", "client-secret", CLIENT_SECRET, "refresh-token", REFRESH_TOKEN));
        settings.putAll(extra);
        return new Connection("evia", "eviasign", settings);
    }
}
