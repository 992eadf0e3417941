package io.participantsync.provider.zigned;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Verifies the Zigned adapter's request mapping, validation, error reading, classification and token request. */
class ZignedAdapterTest {

    private static final String AGREEMENT = "c4zatmug6d5jtfyl1b5example";
    private static final String PARTICIPANT = "clp0q2x9k0000abcd1234efgh";
    private static final String SECRET = "zig-client-secret-value";
    private static final String PERSONAL_NUMBER = "198001011234";

    private final ZignedAdapter adapter = new ZignedAdapter(Map.of());
    private final Connection connection = new Connection("zigned", "zigned",
            Map.of("client-id", "client-123", "client-secret", SECRET));

    @Test
    void givenEveryDocumentedField_whenBuildRequest_thenPutsThemAllToTheParticipantPath() {
        ParticipantUpdate update = update(Map.of("name", "Anna Andersson", "email", "anna@example.se", "role",
                "Signer", "identification_number", PERSONAL_NUMBER, "signing_order", "2", "locale", "sv-se"));

        ProviderRequest request = adapter.buildRequest(update, connection).orElseThrow();

        assertThat(request.method()).isEqualTo("PUT");
        assertThat(request.path()).isEqualTo("/agreements/" + AGREEMENT + "/participants/" + PARTICIPANT);
        assertThat(request.query()).isNull();
        assertThat(request.headers()).isEqualTo(Map.of("Accept", "application/json", "Content-Type",
                "application/json"));
        assertThat(tree(request.body())).isEqualTo(providerFile("zigned", "request-all-fields.json"));
    }

    @Test
    void givenDisableIdentityEnforcement_whenBuildRequest_thenIdentityEnforcementDisableTrue() {
        ParticipantUpdate update = update(Map.of("role", "APPROVER", "disable_identity_enforcement", "yes"));

        ProviderRequest request = adapter.buildRequest(update, connection).orElseThrow();

        assertThat(tree(request.body())).isEqualTo(providerFile("zigned", "request-disable-enforcement.json"));
    }

    static Stream<Arguments> singleFields() {
        return Stream.of(
                Arguments.of("name", "Anna", "{\"name\":\"Anna\"}"),
                Arguments.of("email", "anna@example.se", "{\"email\":\"anna@example.se\"}"),
                Arguments.of("role", "approver", "{\"role\":\"approver\"}"),
                Arguments.of("identification_number", PERSONAL_NUMBER,
                        "{\"identity_enforcement\":{\"personal_number\":\"" + PERSONAL_NUMBER + "\"}}"),
                Arguments.of("disable_identity_enforcement", "true", "{\"identity_enforcement\":{\"disable\":true}}"),
                Arguments.of("signing_order", "1", "{\"order\":1}"),
                Arguments.of("locale", "EN-us", "{\"locale\":\"en-US\"}"));
    }

    @ParameterizedTest
    @MethodSource("singleFields")
    void givenOneField_whenBuildRequest_thenBodyHoldsExactlyThatFieldTyped(String field, String value,
            String expected) {
        ProviderRequest request = adapter.buildRequest(update(Map.of(field, value)), connection).orElseThrow();

        assertThat(tree(request.body())).isEqualTo(tree(expected));
    }

    @Test
    void givenOnlyLocators_whenBuildRequest_thenNoCall() {
        assertThat(adapter.buildRequest(update(Map.of()), connection)).isEmpty();
    }

    @Test
    void givenValidRecord_whenValidate_thenNoProblems() {
        ParticipantUpdate update = update(Map.of("email", "a@example.se", "role", "signer", "identification_number",
                PERSONAL_NUMBER, "signing_order", "3", "locale", "en-US", "provider", "zigned"));

        assertThat(adapter.validate(update, connection)).isEmpty();
    }

    @Test
    void givenNoLocators_whenValidate_thenBothAreRequired() {
        ParticipantUpdate update = ParticipantUpdate.of("zigned", null, Map.of("name", "X"),
                Source.of("test", "t", 1));

        assertThat(adapter.validate(update, connection)).containsExactlyInAnyOrder(
                Problem.of("agreement_id", "is required for provider zigned"),
                Problem.of("participant_id", "is required for provider zigned"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "agreement_id|C4ZATMUG6D5JTFYL|'C4ZATMUG6D5JTFYL' is not a Zigned id (8 to 40 lower-case letters and digits)",
        "participant_id|abc|'abc' is not a Zigned id (8 to 40 lower-case letters and digits)",
        "participant_id|abc-def-ghi|'abc-def-ghi' is not a Zigned id (8 to 40 lower-case letters and digits)",
        "email|anna(at)example.se|'anna(at)example.se' is not a valid email address",
        "role|viewer|'viewer' is not one of signer, approver",
        "disable_identity_enforcement|sometimes|'sometimes' is not a boolean (use true or false)",
        "disable_identity_enforcement|false|can only be true: Zigned has no way to turn identity enforcement on"
                + " this way (send identification_number instead)",
        "signing_order|first|'first' is not an integer",
        "signing_order|0|'0' must be at least 1",
        "locale|de-DE|'de-DE' is not one of sv-SE, en-US",
        "title|CEO|is not supported by provider zigned",
        "phone_number|+46701234567|is not supported by provider zigned",
        "email_notification|true|is not supported by provider zigned"})
    void givenBadValue_whenValidate_thenOneProblemNamesFieldAndReason(String field, String value, String reason) {
        assertThat(adapter.validate(update(Map.of(field, value)), connection))
                .containsExactly(Problem.of(field, reason));
    }

    @Test
    void givenPersonalNumberAndDisable_whenValidate_thenContradictionWithoutThePersonalNumber() {
        List<Problem> problems = adapter.validate(update(Map.of("identification_number", PERSONAL_NUMBER,
                "disable_identity_enforcement", "true")), connection);

        assertThat(problems).containsExactly(Problem.of("disable_identity_enforcement",
                "contradicts identification_number: identity enforcement cannot be set and disabled in one update"));
        assertThat(problems.toString()).doesNotContain(PERSONAL_NUMBER);
    }

    @Test
    void givenPersonalNumberForApprover_whenValidate_thenSignersOnly() {
        List<Problem> problems = adapter.validate(update(Map.of("identification_number", PERSONAL_NUMBER, "role",
                "approver")), connection);

        assertThat(problems).containsExactly(Problem.of("identification_number",
                "is only available for signers, not for role approver"));
    }

    @Test
    void givenDocumentedErrorBody_whenReadError_thenCodeAndMessage() {
        ProviderError error = adapter.readError(400, providerFile("zigned", "error-400.json").toString(), Map.of());

        assertThat(error).isEqualTo(new ProviderError(400, "400",
                "Participants of an open agreement cannot be updated"));
    }

    @Test
    void givenTokenErrorBody_whenReadError_thenErrorAndDescription() {
        ProviderError error = adapter.readError(401, "{\"error\":\"invalid_client\",\"error_description\":"
                + "\"Client authentication failed\"}", Map.of());

        assertThat(error).isEqualTo(new ProviderError(401, "invalid_client", "Client authentication failed"));
    }

    @Test
    void givenEmptyBody_whenReadError_thenHttpReason() {
        assertThat(adapter.readError(503, "  ", Map.of()))
                .isEqualTo(new ProviderError(503, null, "Service Unavailable"));
    }

    @Test
    void givenHtmlBody_whenReadError_thenTrimmedText() {
        assertThat(adapter.readError(500, "<!DOCTYPE html><html><body><h1>Internal error</h1></body></html>",
                Map.of())).isEqualTo(new ProviderError(500, null, "Internal error"));
    }

    @Test
    void givenTruncatedJson_whenReadError_thenBodyText() {
        assertThat(adapter.readError(400, "{\"status\":\"error\",\"error\":{", Map.of()))
                .isEqualTo(new ProviderError(400, null, "{\"status\":\"error\",\"error\":{"));
    }

    @ParameterizedTest
    @CsvSource({"200,SUCCESS", "401,REAUTHENTICATE", "404,REJECT", "409,REJECT", "429,RETRY", "500,RETRY",
        "503,RETRY"})
    void givenStatus_whenClassify_thenDisposition(int status, Disposition expected) {
        assertThat(adapter.classify(status)).isEqualTo(expected);
    }

    @Test
    void givenEmptyConnection_whenValidateConnection_thenClientKeysNamed() {
        assertThat(adapter.validateConnection(new Connection("zigned", "zigned", Map.of()))).containsExactly(
                "connections.zigned.client-id must be set for provider zigned",
                "connections.zigned.client-secret must be set for provider zigned");
    }

    @Test
    void givenBadUrls_whenValidateConnection_thenKeysNamed() {
        Connection bad = new Connection("z2", "zigned", Map.of("client-id", "id", "client-secret", SECRET,
                "base-url", "api.zigned.se/rest/v3", "token-url", "mailto:x@y.z"));

        List<String> problems = adapter.validateConnection(bad);

        assertThat(problems).containsExactly("connections.z2.base-url must be an absolute http or https URL",
                "connections.z2.token-url must be an absolute http or https URL");
        assertThat(String.join("\n", problems)).doesNotContain(SECRET);
    }

    @Test
    void givenValidConnection_whenValidateConnection_thenNoProblems() {
        assertThat(adapter.validateConnection(connection)).isEmpty();
    }

    @Test
    void givenConnection_whenTokenRequest_thenClientCredentialsFormToDocumentedUrl() {
        AuthMethod.OAuth auth = (AuthMethod.OAuth) adapter.authMethod(connection);

        AuthMethod.TokenRequest token = auth.tokenRequest().apply(null);

        assertThat(auth.scheme()).isEqualTo("Bearer");
        assertThat(auth.staticToken()).isNull();
        assertThat(token.url()).isEqualTo("https://api.zigned.se/oauth/token");
        assertThat(token.headers()).isEqualTo(Map.of("Content-Type", "application/x-www-form-urlencoded",
                "Accept", "application/json"));
        assertThat(token.form()).isEqualTo(Map.of("grant_type", "client_credentials", "client_id", "client-123",
                "client_secret", SECRET));
        assertThat(auth.tokenRequest().apply("some-old-refresh-token")).isEqualTo(token);
    }

    @Test
    void givenTokenUrlSetting_whenTokenRequest_thenConfiguredUrl() {
        Connection sandbox = new Connection("zs", "zigned", Map.of("client-id", "c", "client-secret", SECRET,
                "token-url", "http://localhost:8089/zigned/oauth/token"));

        AuthMethod.TokenRequest token = ((AuthMethod.OAuth) adapter.authMethod(sandbox)).tokenRequest().apply(null);

        assertThat(token.url()).isEqualTo("http://localhost:8089/zigned/oauth/token");
    }

    @Test
    void givenAuth_whenToString_thenNoSecret() {
        AuthMethod auth = adapter.authMethod(connection);
        AuthMethod.TokenRequest token = ((AuthMethod.OAuth) auth).tokenRequest().apply(null);

        assertThat(auth.toString()).doesNotContain(SECRET);
        assertThat(token.toString()).doesNotContain(SECRET).contains("client_credentials");
        assertThat(connection.toString()).doesNotContain(SECRET);
    }

    @Test
    void givenBaseUrlSetOrNot_whenDefaultBaseUrl_thenConfiguredElseProduction() {
        assertThat(adapter.defaultBaseUrl(connection)).isEqualTo("https://api.zigned.se/rest/v3");
        Connection sandbox = new Connection("s", "zigned", Map.of("base-url", "http://localhost:8089/zigned"));
        assertThat(adapter.defaultBaseUrl(sandbox)).isEqualTo("http://localhost:8089/zigned");
    }

    @Test
    void givenStandardRegistry_whenGetZigned_thenThisAdapter() {
        assertThat(ProviderRegistry.standard(id -> Map.of()).get("zigned")).isInstanceOf(ZignedAdapter.class);
    }

    private static ParticipantUpdate update(Map<String, String> changes) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("agreement_id", AGREEMENT);
        fields.put("participant_id", PARTICIPANT);
        fields.putAll(changes);
        return ParticipantUpdate.of("zigned", null, fields, Source.of("test", "t", 1));
    }
}
