package io.participantsync.provider.oneflow;

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

/** Verifies the Oneflow adapter's request mapping, validation, error reading, classification and auth. */
class OneflowAdapterTest {

    private static final String TOKEN = "9841f1ee533681c3ea6a438560f2bb6c73b7667-";

    private final OneflowAdapter adapter = new OneflowAdapter(Map.of());
    private final Connection connection = new Connection("oneflow", "oneflow",
            Map.of("api-token", TOKEN, "user-email", "owner@example.com"));

    @Test
    void givenEveryDocumentedField_whenBuildRequest_thenPutsThemAllToTheParticipantPath() {
        ParticipantUpdate update = update(Map.of("name", "John Doe II", "email", "john.doe@example.com",
                "phone_number", "+46 8 517 297 70", "title", "Vice President - Sales", "identification_number",
                "19340410-1473", "signatory", "false", "can_update_contract", "true", "delivery_channel", "email",
                "sign_method", "swedish_bankid", "two_step_authentication_method", "sms"));

        ProviderRequest request = adapter.buildRequest(update, connection).orElseThrow();

        assertThat(request.method()).isEqualTo("PUT");
        assertThat(request.path()).isEqualTo("/contracts/100109/parties/360190/participants/180219");
        assertThat(request.query()).isNull();
        assertThat(request.headers()).isEqualTo(Map.of("Accept", "application/json", "Content-Type",
                "application/json"));
        assertThat(tree(request.body())).isEqualTo(providerFile("oneflow", "request-all-fields.json"));
    }

    static Stream<Arguments> singleFields() {
        return Stream.of(
                Arguments.of("name", "Jane", "{\"name\":\"Jane\"}"),
                Arguments.of("email", "jane@example.com", "{\"email\":\"jane@example.com\"}"),
                Arguments.of("phone_number", "+46 70 123 45 67", "{\"phone_number\":\"+46 70 123 45 67\"}"),
                Arguments.of("title", "CFO", "{\"title\":\"CFO\"}"),
                Arguments.of("identification_number", "19340410-1473",
                        "{\"identification_number\":\"19340410-1473\"}"),
                Arguments.of("signatory", "yes", "{\"signatory\":true}"),
                Arguments.of("signatory", "0", "{\"signatory\":false}"),
                Arguments.of("can_update_contract", "FALSE", "{\"_permissions\":{\"contract:update\":false}}"),
                Arguments.of("delivery_channel", "Same_Device", "{\"delivery_channel\":\"same_device\"}"),
                Arguments.of("sign_method", "STANDARD_ESIGN", "{\"sign_method\":\"standard_esign\"}"),
                Arguments.of("two_step_authentication_method", "none",
                        "{\"two_step_authentication_method\":\"none\"}"));
    }

    @ParameterizedTest
    @MethodSource("singleFields")
    void givenOneField_whenBuildRequest_thenBodyHoldsExactlyThatFieldTyped(String field, String value,
            String expected) {
        ProviderRequest request = adapter.buildRequest(update(Map.of(field, value)), connection).orElseThrow();

        assertThat(tree(request.body())).isEqualTo(tree(expected));
    }

    @Test
    void givenIdsWithLeadingZeros_whenBuildRequest_thenPathHoldsPlainIntegers() {
        ParticipantUpdate update = ParticipantUpdate.of("oneflow", null, Map.of("contract_id", "007", "party_id",
                "08", "participant_id", "9", "name", "X"), Source.of("test", "t", 1));

        assertThat(adapter.buildRequest(update, connection).orElseThrow().path())
                .isEqualTo("/contracts/7/parties/8/participants/9");
    }

    @Test
    void givenOnlyLocators_whenBuildRequest_thenNoCall() {
        assertThat(adapter.buildRequest(update(Map.of()), connection)).isEmpty();
    }

    @Test
    void givenValidRecord_whenValidate_thenNoProblems() {
        ParticipantUpdate update = update(Map.of("email", "a@example.com", "signatory", "true", "sign_method",
                "sms", "provider", "oneflow", "connection", "oneflow"));

        assertThat(adapter.validate(update, connection)).isEmpty();
    }

    @Test
    void givenNoLocators_whenValidate_thenEachIsRequired() {
        ParticipantUpdate update = ParticipantUpdate.of("oneflow", null, Map.of("name", "X"),
                Source.of("test", "t", 1));

        assertThat(adapter.validate(update, connection)).containsExactlyInAnyOrder(
                Problem.of("contract_id", "is required for provider oneflow"),
                Problem.of("party_id", "is required for provider oneflow"),
                Problem.of("participant_id", "is required for provider oneflow"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "contract_id|abc|'abc' is not an integer",
        "party_id|0|'0' must be at least 1",
        "participant_id|-5|'-5' must be at least 1",
        "email|not-an-email|'not-an-email' is not a valid email address",
        "signatory|maybe|'maybe' is not a boolean (use true or false)",
        "can_update_contract|2|'2' is not a boolean (use true or false)",
        "delivery_channel|fax|'fax' is not one of email, sms, same_device, none",
        "sign_method|bankid|'bankid' is not one of standard_esign, sms, swedish_bankid, norwegian_bankid,"
                + " danish_nemid, finnish_bankid",
        "two_step_authentication_method|otp|'otp' is not one of none, email, sms",
        "role|signer|is not supported by provider oneflow",
        "locale|sv-SE|is not supported by provider oneflow",
        "nickname|Bob|is not a known field"})
    void givenBadValue_whenValidate_thenOneProblemNamesFieldAndReason(String field, String value, String reason) {
        Map<String, String> fields = new LinkedHashMap<>(locators());
        fields.put(field, value);
        ParticipantUpdate update = ParticipantUpdate.of("oneflow", null, fields, Source.of("test", "t", 1));

        assertThat(adapter.validate(update, connection)).containsExactly(Problem.of(field, reason));
    }

    @Test
    void givenConfiguredEnumLists_whenValidateAndBuild_thenConfigurationReplacesDefaults() {
        OneflowAdapter configured = new OneflowAdapter(Map.of("delivery-channels", " email, whatsapp ,",
                "sign-methods", "standard_esign,mitid", "two-step-authentication-methods", ""));

        assertThat(configured.deliveryChannels()).containsExactly("email", "whatsapp");
        assertThat(configured.signMethods()).containsExactly("standard_esign", "mitid");
        assertThat(configured.twoStepAuthenticationMethods()).containsExactly("none", "email", "sms");
        assertThat(configured.validate(update(Map.of("delivery_channel", "same_device")), connection))
                .containsExactly(Problem.of("delivery_channel", "'same_device' is not one of email, whatsapp"));
        ProviderRequest request = configured.buildRequest(update(Map.of("delivery_channel", "WhatsApp",
                "sign_method", "MitID")), connection).orElseThrow();
        assertThat(tree(request.body()))
                .isEqualTo(tree("{\"delivery_channel\":\"whatsapp\",\"sign_method\":\"mitid\"}"));
    }

    @Test
    void givenNoSettings_whenConstructed_thenDocumentedListsApply() {
        OneflowAdapter defaults = new OneflowAdapter(null);

        assertThat(defaults.deliveryChannels()).containsExactly("email", "sms", "same_device", "none");
        assertThat(defaults.signMethods()).containsExactly("standard_esign", "sms", "swedish_bankid",
                "norwegian_bankid", "danish_nemid", "finnish_bankid");
        assertThat(defaults.twoStepAuthenticationMethods()).containsExactly("none", "email", "sms");
    }

    @Test
    void givenDocumentedErrorBody_whenReadError_thenCodeDetailAndParameterProblems() {
        String body = providerFile("oneflow", "error-400.json").toString();

        ProviderError error = adapter.readError(400, body, Map.of());

        assertThat(error).isEqualTo(new ProviderError(400, "4000003", "One or more parameters are invalid.; "
                + "email: Not a valid email address.; phone_number: Too short.; phone_number: Must start with +."));
    }

    @Test
    void givenErrorWithTitleOnly_whenReadError_thenTitleIsTheMessage() {
        ProviderError error = adapter.readError(409, "{\"error_code\":4090001,\"status\":409,\"title\":\"Conflict"
                + " with contract state\"}", Map.of());

        assertThat(error).isEqualTo(new ProviderError(409, "4090001", "Conflict with contract state"));
    }

    @Test
    void givenEmptyBody_whenReadError_thenHttpReason() {
        assertThat(adapter.readError(404, "", Map.of())).isEqualTo(new ProviderError(404, null, "Not Found"));
        assertThat(adapter.readError(429, null, Map.of()))
                .isEqualTo(new ProviderError(429, null, "Too Many Requests"));
    }

    @Test
    void givenHtmlBody_whenReadError_thenTrimmedTextWithoutTags() {
        String html = "<html><head><style>h1 {color:red}</style><title>502</title></head>"
                + "<body>\n  <h1>502 Bad Gateway</h1>\n<p>nginx &amp; friends</p></body></html>";

        assertThat(adapter.readError(502, html, Map.of()))
                .isEqualTo(new ProviderError(502, null, "502 Bad Gateway nginx & friends"));
    }

    @Test
    void givenLongGarbageBody_whenReadError_thenMessageIsCappedAt300() {
        String garbage = "x".repeat(1000);

        ProviderError error = adapter.readError(500, garbage, Map.of());

        assertThat(error.code()).isNull();
        assertThat(error.message()).hasSize(300).startsWith("xxxx");
    }

    @Test
    void givenJsonWithoutKnownFields_whenReadError_thenBodyText() {
        assertThat(adapter.readError(400, "[1,2]", Map.of())).isEqualTo(new ProviderError(400, null, "[1,2]"));
        assertThat(adapter.readError(400, "{\"foo\":1}", Map.of()))
                .isEqualTo(new ProviderError(400, null, "{\"foo\":1}"));
    }

    @ParameterizedTest
    @CsvSource({"200,SUCCESS", "401,REAUTHENTICATE", "404,REJECT", "409,REJECT", "429,RETRY", "500,RETRY",
        "503,RETRY"})
    void givenStatus_whenClassify_thenDisposition(int status, Disposition expected) {
        assertThat(adapter.classify(status)).isEqualTo(expected);
    }

    @Test
    void givenEmptyConnection_whenValidateConnection_thenBothKeysNamed() {
        Connection empty = new Connection("acme", "oneflow", Map.of());

        assertThat(adapter.validateConnection(empty)).containsExactly(
                "connections.acme.api-token must be set for provider oneflow",
                "connections.acme.user-email must be set for provider oneflow");
    }

    @Test
    void givenMalformedSettings_whenValidateConnection_thenKeysNamedAndTokenNotShown() {
        String badToken = "short-secret-token";
        Connection bad = new Connection("acme", "oneflow", Map.of("api-token", badToken, "user-email", "nobody",
                "base-url", "ftp://api.oneflow.com"));

        List<String> problems = adapter.validateConnection(bad);

        assertThat(problems).containsExactly(
                "connections.acme.api-token must be 40 characters of letters, digits and '-'",
                "connections.acme.user-email 'nobody' is not a valid email address",
                "connections.acme.base-url must be an absolute http or https URL");
        assertThat(String.join("\n", problems)).doesNotContain(badToken);
    }

    @Test
    void givenValidConnection_whenValidateConnection_thenNoProblems() {
        assertThat(adapter.validateConnection(connection)).isEmpty();
    }

    @Test
    void givenConnection_whenAuthMethod_thenTokenAndUserEmailHeadersAndNoSecretInToString() {
        AuthMethod auth = adapter.authMethod(connection);

        assertThat(auth).isInstanceOf(AuthMethod.StaticHeaders.class);
        assertThat(((AuthMethod.StaticHeaders) auth).headers()).isEqualTo(Map.of("x-oneflow-api-token", TOKEN,
                "x-oneflow-user-email", "owner@example.com"));
        assertThat(auth.toString()).doesNotContain(TOKEN).contains("x-oneflow-api-token");
        assertThat(connection.toString()).doesNotContain(TOKEN);
    }

    @Test
    void givenBaseUrlSetOrNot_whenDefaultBaseUrl_thenConfiguredElseProduction() {
        assertThat(adapter.defaultBaseUrl(connection)).isEqualTo("https://api.oneflow.com/v1");
        Connection sandbox = new Connection("s", "oneflow", Map.of("base-url", "http://localhost:8089/oneflow/"));
        assertThat(adapter.defaultBaseUrl(sandbox)).isEqualTo("http://localhost:8089/oneflow");
    }

    @Test
    void givenStandardRegistry_whenGetOneflow_thenThisAdapterWithItsSettings() {
        ProviderRegistry registry = ProviderRegistry.standard(
                id -> id.equals("oneflow") ? Map.of("sign-methods", "mitid") : Map.of());

        assertThat(registry.get("oneflow")).isInstanceOf(OneflowAdapter.class);
        assertThat(((OneflowAdapter) registry.get("oneflow")).signMethods()).containsExactly("mitid");
    }

    private static Map<String, String> locators() {
        return Map.of("contract_id", "100109", "party_id", "360190", "participant_id", "180219");
    }

    private static ParticipantUpdate update(Map<String, String> changes) {
        Map<String, String> fields = new LinkedHashMap<>(locators());
        fields.putAll(changes);
        return ParticipantUpdate.of("oneflow", null, fields, Source.of("test", "t", 1));
    }
}
