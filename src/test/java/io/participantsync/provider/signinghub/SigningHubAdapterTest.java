package io.participantsync.provider.signinghub;

import static io.participantsync.support.TestJson.providerFile;
import static io.participantsync.support.TestJson.tree;
import static org.assertj.core.api.Assertions.assertThat;

import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.model.ProviderError;
import io.participantsync.model.Source;
import io.participantsync.provider.AuthMethod;
import io.participantsync.provider.Connection;
import io.participantsync.provider.Disposition;
import io.participantsync.provider.ProviderRegistry;
import io.participantsync.provider.ProviderRequest;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Verifies the SigningHub adapter's request mapping, position guard, validation, error reading, classification and
 * the three token grants.
 */
class SigningHubAdapterTest {

    private static final String SECRET = "sh-client-secret-value";
    private static final String PASSWORD = "sh-user-password-value";
    private static final String REFRESH = "sh-configured-refresh-token";

    private final SigningHubAdapter adapter = new SigningHubAdapter(Map.of());
    private final Connection connection = new Connection("signinghub", "signinghub",
            Map.of("client-id", "client-123", "client-secret", SECRET));

    @Test
    void givenEveryDocumentedField_whenBuildRequest_thenPutsThemAllToTheWorkflowUserPath() {
        ParticipantUpdate update = update(Map.of("email", "chris@ascertia.com", "name", "chris", "role", "signer",
                "email_notification", "true", "signing_order", "3"));

        ProviderRequest request = adapter.buildRequest(update, connection).orElseThrow();

        assertThat(request.method()).isEqualTo("PUT");
        assertThat(request.path()).isEqualTo("/v3/packages/201080/workflow/2/user");
        assertThat(request.query()).isNull();
        assertThat(request.headers()).isEqualTo(Map.of("Accept", "application/json", "Content-Type",
                "application/json"));
        assertThat(tree(request.body())).isEqualTo(providerFile("signinghub", "request-all-fields.json"));
    }

    static Stream<Arguments> singleFields() {
        return Stream.of(
                Arguments.of("email", "new@example.com", "{\"user_email\":\"new@example.com\"}"),
                Arguments.of("name", "Chris Smith", "{\"user_name\":\"Chris Smith\"}"),
                Arguments.of("role", "carbon_copy", "{\"role\":\"CARBON_COPY\"}"),
                Arguments.of("role", "Inperson_Host", "{\"role\":\"INPERSON_HOST\"}"),
                Arguments.of("email_notification", "no", "{\"email_notification\":false}"),
                Arguments.of("signing_order", "12", "{\"signing_order\":12}"));
    }

    @ParameterizedTest
    @MethodSource("singleFields")
    void givenOneField_whenBuildRequest_thenBodyHoldsExactlyThatFieldTyped(String field, String value,
            String expected) {
        ProviderRequest request = adapter.buildRequest(update(Map.of(field, value)), connection).orElseThrow();

        assertThat(tree(request.body())).isEqualTo(tree(expected));
    }

    @Test
    void givenApiVersionV4_whenBuildRequest_thenPathUsesV4() {
        Connection v4 = with("api-version", "v4");

        assertThat(adapter.buildRequest(update(Map.of("name", "X")), v4).orElseThrow().path())
                .isEqualTo("/v4/packages/201080/workflow/2/user");
    }

    @Test
    void givenCurrentEmail_whenBuildRequest_thenItIsNotSent() {
        ProviderRequest request = adapter.buildRequest(update(Map.of("current_email", "old@example.com", "name",
                "New Name")), connection).orElseThrow();

        assertThat(tree(request.body())).isEqualTo(tree("{\"user_name\":\"New Name\"}"));
    }

    @Test
    void givenOnlyLocators_whenBuildRequestOrGuard_thenNoCall() {
        ParticipantUpdate update = update(Map.of("current_email", "old@example.com"));

        assertThat(adapter.buildRequest(update, connection)).isEmpty();
        assertThat(adapter.guardRequest(update, connection)).isEmpty();
    }

    @Test
    void givenCurrentEmail_whenGuardRequest_thenGetsWorkflowUsers() {
        ParticipantUpdate update = update(Map.of("current_email", "chris@ascertia.com", "name", "X"));

        ProviderRequest guard = adapter.guardRequest(update, with("api-version", "v4")).orElseThrow();

        assertThat(guard).isEqualTo(new ProviderRequest("GET", "/v4/packages/201080/workflow/users", null,
                Map.of("Accept", "application/json"), null));
    }

    @Test
    void givenNoCurrentEmail_whenGuardRequest_thenNone() {
        assertThat(adapter.guardRequest(update(Map.of("name", "X")), connection)).isEmpty();
    }

    @Test
    void givenExpectedRecipientAtPosition_whenCheckGuard_thenMayGoAhead() {
        ParticipantUpdate update = update(Map.of("current_email", "chris@ascertia.com", "name", "X"));

        assertThat(adapter.checkGuard(update, providerFile("signinghub", "workflow-users.json").toString())).isEmpty();
    }

    @Test
    void givenOtherRecipientAtPosition_whenCheckGuard_thenRefusedWithReason() {
        ParticipantUpdate update = update(Map.of("current_email", "first@example.com", "name", "X"));

        assertThat(adapter.checkGuard(update, providerFile("signinghub", "workflow-users.json").toString()))
                .contains("recipient at position 2 is not first@example.com");
    }

    @Test
    void givenNoRecipientAtPosition_whenCheckGuard_thenRefusedWithReason() {
        Map<String, String> fields = new HashMap<>(Map.of("package_id", "201080", "workflow_order", "5",
                "current_email", "chris@ascertia.com", "name", "X"));
        ParticipantUpdate update = ParticipantUpdate.of("signinghub", null, fields, Source.of("test", "t", 1));

        assertThat(adapter.checkGuard(update, providerFile("signinghub", "workflow-users.json").toString()))
                .contains("no recipient at position 5");
    }

    @Test
    void givenOrderAsString_whenCheckGuard_thenMatchedByNumber() {
        ParticipantUpdate update = update(Map.of("current_email", "a@x.com", "name", "X"));

        assertThat(adapter.checkGuard(update, "[{\"order\":\"2\",\"user_email\":\"A@X.COM\"}]")).isEmpty();
    }

    @Test
    void givenUnreadableUsersBody_whenCheckGuard_thenRefused() {
        ParticipantUpdate update = update(Map.of("current_email", "a@x.com", "name", "X"));

        assertThat(adapter.checkGuard(update, "<html>oops</html>"))
                .contains("could not read the workflow users of package 201080 to check position 2");
    }

    @Test
    void givenValidRecord_whenValidate_thenNoProblems() {
        ParticipantUpdate update = update(Map.of("current_email", "old@example.com", "email", "new@example.com",
                "role", "reviewer", "email_notification", "false", "signing_order", "1", "connection", "signinghub"));

        assertThat(adapter.validate(update, connection)).isEmpty();
    }

    @Test
    void givenNoLocators_whenValidate_thenBothAreRequired() {
        ParticipantUpdate update = ParticipantUpdate.of("signinghub", null, Map.of("name", "X"),
                Source.of("test", "t", 1));

        assertThat(adapter.validate(update, connection)).containsExactlyInAnyOrder(
                Problem.of("package_id", "is required for provider signinghub"),
                Problem.of("workflow_order", "is required for provider signinghub"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "package_id|pkg-1|'pkg-1' is not an integer",
        "package_id|0|'0' must be at least 1",
        "workflow_order|0|'0' must be at least 1",
        "workflow_order|1.5|'1.5' is not an integer",
        "current_email|old@|'old@' is not a valid email address",
        "email|chris at ascertia.com|'chris at ascertia.com' is not a valid email address",
        "role|APPROVER|'APPROVER' is not one of SIGNER, REVIEWER, EDITOR, CARBON_COPY, INPERSON_HOST",
        "email_notification|y|'y' is not a boolean (use true or false)",
        "signing_order|-1|'-1' must be at least 1",
        "title|CEO|is not supported by provider signinghub",
        "locale|en-US|is not supported by provider signinghub",
        "participant_id|7|is not supported by provider signinghub"})
    void givenBadValue_whenValidate_thenOneProblemNamesFieldAndReason(String field, String value, String reason) {
        assertThat(adapter.validate(update(Map.of(field, value)), connection))
                .containsExactly(Problem.of(field, reason));
    }

    @Test
    void givenDocumentedErrorBody_whenReadError_thenMessageWithoutCode() {
        assertThat(adapter.readError(404, "{\"Message\": \"No user found at given order\"}", Map.of()))
                .isEqualTo(new ProviderError(404, null, "No user found at given order"));
        assertThat(adapter.readError(403, "{\n   \"Message\": \"Account is disabled\"\n}", Map.of()))
                .isEqualTo(new ProviderError(403, null, "Account is disabled"));
    }

    @Test
    void givenTokenErrorBody_whenReadError_thenErrorAndDescription() {
        assertThat(adapter.readError(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid user"
                + " credentials\"}", Map.of()))
                .isEqualTo(new ProviderError(400, "invalid_grant", "Invalid user credentials"));
    }

    @Test
    void givenEmptyBody_whenReadError_thenHttpReason() {
        assertThat(adapter.readError(500, "", Map.of()))
                .isEqualTo(new ProviderError(500, null, "Internal Server Error"));
    }

    @Test
    void givenHtmlBody_whenReadError_thenTrimmedText() {
        assertThat(adapter.readError(503, "<html><body><p>Service   temporarily\n unavailable</p></body></html>",
                Map.of())).isEqualTo(new ProviderError(503, null, "Service temporarily unavailable"));
    }

    @ParameterizedTest
    @CsvSource({"200,SUCCESS", "401,REAUTHENTICATE", "404,REJECT", "409,REJECT", "429,RETRY", "500,RETRY",
        "503,RETRY"})
    void givenStatus_whenClassify_thenDisposition(int status, Disposition expected) {
        assertThat(adapter.classify(status)).isEqualTo(expected);
    }

    @Test
    void givenEmptyConnection_whenValidateConnection_thenClientKeysNamed() {
        assertThat(adapter.validateConnection(new Connection("sh", "signinghub", Map.of()))).containsExactly(
                "connections.sh.client-id must be set for provider signinghub",
                "connections.sh.client-secret must be set for provider signinghub");
    }

    @Test
    void givenBadSettings_whenValidateConnection_thenEachKeyNamedAndNoSecret() {
        Connection bad = new Connection("sh", "signinghub", Map.of("client-id", "c", "client-secret", SECRET,
                "username", "svc@example.com", "scope", "not-an-email", "api-version", "v5",
                "base-url", "signinghub.local", "token-url", "ftp://x"));

        List<String> problems = adapter.validateConnection(bad);

        assertThat(problems).containsExactly(
                "connections.sh.password must be set for provider signinghub when connections.sh.username is set",
                "connections.sh.scope 'not-an-email' is not a valid email address (the user to act as)",
                "connections.sh.api-version 'v5' is not one of v3, v4",
                "connections.sh.base-url must be an absolute http or https URL",
                "connections.sh.token-url must be an absolute http or https URL");
        assertThat(String.join("\n", problems)).doesNotContain(SECRET);
    }

    @Test
    void givenValidConnections_whenValidateConnection_thenNoProblems() {
        assertThat(adapter.validateConnection(connection)).isEmpty();
        assertThat(adapter.validateConnection(with("api-version", "v4"))).isEmpty();
        assertThat(adapter.validateConnection(new Connection("sh", "signinghub", Map.of("client-id", "c",
                "client-secret", SECRET, "username", "svc@example.com", "password", PASSWORD)))).isEmpty();
    }

    @Test
    void givenUsername_whenTokenRequest_thenPasswordGrantWithScope() {
        Connection password = new Connection("sh", "signinghub", Map.of("client-id", "client-123",
                "client-secret", SECRET, "username", "svc@example.com", "password", PASSWORD, "scope",
                "actor@example.com", "refresh-token", REFRESH));
        AuthMethod.OAuth auth = (AuthMethod.OAuth) adapter.authMethod(password);

        AuthMethod.TokenRequest token = auth.tokenRequest().apply("rotated-refresh-token");

        assertThat(auth.scheme()).isEqualTo("Bearer");
        assertThat(auth.staticToken()).isNull();
        assertThat(token.url()).isEqualTo("https://api.signinghub.com/authenticate");
        assertThat(token.headers()).isEqualTo(Map.of("Content-Type", "application/x-www-form-urlencoded",
                "Accept", "application/json"));
        assertThat(token.form()).isEqualTo(Map.of("grant_type", "password", "client_id", "client-123",
                "client_secret", SECRET, "username", "svc@example.com", "password", PASSWORD, "scope",
                "actor@example.com"));
    }

    @Test
    void givenUsernameWithoutScope_whenTokenRequest_thenNoScopeField() {
        Connection password = new Connection("sh", "signinghub", Map.of("client-id", "client-123",
                "client-secret", SECRET, "username", "svc@example.com", "password", PASSWORD));

        AuthMethod.TokenRequest token = ((AuthMethod.OAuth) adapter.authMethod(password)).tokenRequest()
                .apply(null);

        assertThat(token.form()).isEqualTo(Map.of("grant_type", "password", "client_id", "client-123",
                "client_secret", SECRET, "username", "svc@example.com", "password", PASSWORD));
    }

    @Test
    void givenRefreshToken_whenTokenRequest_thenRefreshGrantWithNewestToken() {
        AuthMethod.OAuth auth = (AuthMethod.OAuth) adapter.authMethod(with("refresh-token", REFRESH));

        assertThat(auth.tokenRequest().apply("rotated-refresh-token").form()).isEqualTo(Map.of("grant_type",
                "refresh_token", "client_id", "client-123", "client_secret", SECRET, "refresh_token",
                "rotated-refresh-token"));
        assertThat(auth.tokenRequest().apply(null).form()).containsEntry("refresh_token", REFRESH);
    }

    @Test
    void givenOnlyClientCredentials_whenTokenRequest_thenClientCredentialsGrant() {
        AuthMethod.TokenRequest token = ((AuthMethod.OAuth) adapter.authMethod(connection)).tokenRequest()
                .apply(null);

        assertThat(token.form()).isEqualTo(Map.of("grant_type", "client_credentials", "client_id", "client-123",
                "client_secret", SECRET));
    }

    @Test
    void givenBaseUrlOrTokenUrl_whenTokenRequest_thenUrlFollowsThem() {
        Connection onPrem = with("base-url", "https://sign.example.org/");
        Connection explicit = new Connection("sh", "signinghub", Map.of("client-id", "c", "client-secret", SECRET,
                "base-url", "https://sign.example.org", "token-url", "https://auth.example.org/token"));

        assertThat(((AuthMethod.OAuth) adapter.authMethod(onPrem)).tokenRequest().apply(null).url())
                .isEqualTo("https://sign.example.org/authenticate");
        assertThat(((AuthMethod.OAuth) adapter.authMethod(explicit)).tokenRequest().apply(null).url())
                .isEqualTo("https://auth.example.org/token");
    }

    @Test
    void givenSecrets_whenToString_thenNoneShown() {
        Connection full = new Connection("sh", "signinghub", Map.of("client-id", "client-123", "client-secret",
                SECRET, "username", "svc@example.com", "password", PASSWORD, "refresh-token", REFRESH));
        AuthMethod auth = adapter.authMethod(full);
        String shown = auth + " " + ((AuthMethod.OAuth) auth).tokenRequest().apply(REFRESH) + " " + full;

        assertThat(shown).doesNotContain(SECRET).doesNotContain(PASSWORD).doesNotContain(REFRESH)
                .contains("svc@example.com");
    }

    @Test
    void givenBaseUrlSetOrNot_whenDefaultBaseUrl_thenConfiguredElseProduction() {
        assertThat(adapter.defaultBaseUrl(connection)).isEqualTo("https://api.signinghub.com");
        assertThat(adapter.defaultBaseUrl(with("base-url", "https://sign.example.org/")))
                .isEqualTo("https://sign.example.org");
    }

    @Test
    void givenStandardRegistry_whenGetSigningHub_thenThisAdapter() {
        assertThat(ProviderRegistry.standard(id -> Map.of()).get("signinghub"))
                .isInstanceOf(SigningHubAdapter.class);
    }

    private Connection with(String key, String value) {
        Map<String, String> settings = new HashMap<>(connection.settings());
        settings.put(key, value);
        return new Connection("signinghub", "signinghub", settings);
    }

    private static ParticipantUpdate update(Map<String, String> changes) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("package_id", "201080");
        fields.put("workflow_order", "2");
        fields.putAll(changes);
        return ParticipantUpdate.of("signinghub", null, fields, Source.of("test", "t", 1));
    }
}
