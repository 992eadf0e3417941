package io.participantsync.provider.zigned;

import static io.participantsync.model.CanonicalFields.AGREEMENT_ID;
import static io.participantsync.model.CanonicalFields.DISABLE_IDENTITY_ENFORCEMENT;
import static io.participantsync.model.CanonicalFields.EMAIL;
import static io.participantsync.model.CanonicalFields.IDENTIFICATION_NUMBER;
import static io.participantsync.model.CanonicalFields.LOCALE;
import static io.participantsync.model.CanonicalFields.NAME;
import static io.participantsync.model.CanonicalFields.PARTICIPANT_ID;
import static io.participantsync.model.CanonicalFields.ROLE;
import static io.participantsync.model.CanonicalFields.SIGNING_ORDER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.model.ProviderError;
import io.participantsync.provider.AdapterSupport;
import io.participantsync.provider.AuthMethod;
import io.participantsync.provider.Connection;
import io.participantsync.provider.ProviderAdapter;
import io.participantsync.provider.ProviderFields;
import io.participantsync.provider.ProviderRequest;
import io.participantsync.provider.ReadBack;
import io.participantsync.provider.Validation;
import io.participantsync.sandbox.ProviderSimulator;
import io.participantsync.sandbox.SimulatorContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Zigned (REST API v3): updates a participant of a draft agreement with
 * {@code PUT /agreements/{agreement_id}/participants/{participant_id}}, authenticated with a Bearer token from the
 * OAuth client-credentials grant.
 */
public final class ZignedAdapter implements ProviderAdapter {

    public static final String ID = "zigned";
    public static final String DEFAULT_BASE_URL = "https://api.zigned.se/rest/v3";
    public static final String DEFAULT_TOKEN_URL = "https://api.zigned.se/oauth/token";

    public static final List<String> ROLES = List.of("signer", "approver");
    public static final List<String> LOCALES = List.of("sv-SE", "en-US");

    private static final Set<String> CHANGES = Set.of(NAME, EMAIL, ROLE, IDENTIFICATION_NUMBER,
            DISABLE_IDENTITY_ENFORCEMENT, SIGNING_ORDER, LOCALE);
    /** A participant is found by agreement and participant id (the default participant key, in this order). */
    static final ProviderFields FIELDS = ProviderFields.of(List.of(AGREEMENT_ID, PARTICIPANT_ID),
            List.of(NAME, EMAIL, ROLE, IDENTIFICATION_NUMBER, DISABLE_IDENTITY_ENFORCEMENT, SIGNING_ORDER, LOCALE),
            List.of(IDENTIFICATION_NUMBER));
    private static final Set<String> SUPPORTED = FIELDS.all();
    /** Zigned ids are cuids: lower-case letters and digits. */
    private static final Pattern CUID = Pattern.compile("[a-z0-9]{8,40}");

    /** Zigned takes no provider-wide settings; the constructor matches the registry's convention. */
    public ZignedAdapter(Map<String, String> providerSettings) {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public ProviderFields fields() {
        return FIELDS;
    }

    @Override
    public Set<String> connectionKeys() {
        return Set.of("token-url", "client-id", "client-secret");
    }

    @Override
    public Set<String> secretKeys() {
        return Set.of("client-secret");
    }

    @Override
    public List<Problem> validate(ParticipantUpdate update, Connection connection) {
        Validation v = Validation.of(update, ID)
                .onlySupported(SUPPORTED)
                .require(AGREEMENT_ID, PARTICIPANT_ID)
                .email(EMAIL)
                .oneOf(ROLE, ROLES)
                .bool(DISABLE_IDENTITY_ENFORCEMENT)
                .integer(SIGNING_ORDER, 1)
                .oneOf(LOCALE, LOCALES);
        for (String field : List.of(AGREEMENT_ID, PARTICIPANT_ID)) {
            String id = update.get(field);
            if (id != null && !CUID.matcher(id).matches()) {
                v.add(field, "'" + id + "' is not a Zigned id (8 to 40 lower-case letters and digits)");
            }
        }
        Optional<Boolean> disable = Validation.parseBoolean(update.get(DISABLE_IDENTITY_ENFORCEMENT));
        if (disable.isPresent() && !disable.get()) {
            v.add(DISABLE_IDENTITY_ENFORCEMENT, "can only be true: Zigned has no way to turn identity enforcement"
                    + " on this way (send identification_number instead)");
        }
        if (disable.orElse(false) && update.has(IDENTIFICATION_NUMBER)) {
            v.add(DISABLE_IDENTITY_ENFORCEMENT, "contradicts identification_number: identity enforcement cannot be"
                    + " set and disabled in one update");
        }
        if (update.has(IDENTIFICATION_NUMBER)
                && Validation.canonicalEnum(update.get(ROLE), ROLES).filter("approver"::equals).isPresent()) {
            v.add(IDENTIFICATION_NUMBER, "is only available for signers, not for role approver");
        }
        return v.problems();
    }

    @Override
    public Optional<ProviderRequest> buildRequest(ParticipantUpdate update, Connection connection) {
        if (CHANGES.stream().noneMatch(update::has)) {
            return Optional.empty();
        }
        ObjectNode body = AdapterSupport.newObject();
        AdapterSupport.putText(body, update, NAME, "name");
        AdapterSupport.putText(body, update, EMAIL, "email");
        AdapterSupport.putEnum(body, update, ROLE, "role", ROLES);
        if (update.has(IDENTIFICATION_NUMBER)) {
            body.putObject("identity_enforcement").put("personal_number", update.get(IDENTIFICATION_NUMBER));
        } else if (Validation.parseBoolean(update.get(DISABLE_IDENTITY_ENFORCEMENT)).orElse(false)) {
            body.putObject("identity_enforcement").put("disable", true);
        }
        AdapterSupport.putLong(body, update, SIGNING_ORDER, "order");
        AdapterSupport.putEnum(body, update, LOCALE, "locale", LOCALES);
        String path = AdapterSupport.path("agreements", update.get(AGREEMENT_ID), "participants",
                update.get(PARTICIPANT_ID));
        return Optional.of(new ProviderRequest("PUT", path, null, ProviderRequest.JSON_HEADERS,
                AdapterSupport.toJson(body)));
    }

    /** {@code GET /agreements/{agreement_id}/participants/{participant_id}}. */
    @Override
    public Optional<ProviderRequest> verifyRequest(ParticipantUpdate update, Connection connection) {
        String path = AdapterSupport.path("agreements", update.get(AGREEMENT_ID), "participants",
                update.get(PARTICIPANT_ID));
        return Optional.of(new ProviderRequest("GET", path, null, Map.of("Accept", "application/json"), null));
    }

    /** The participant in the answer's {@code data} shows the update (the personal number is not readable back). */
    @Override
    public boolean verify(ParticipantUpdate update, Connection connection, String responseBody) {
        Optional<ProviderRequest> sent = buildRequest(update, connection);
        JsonNode answer = AdapterSupport.readJson(responseBody).orElse(null);
        if (sent.isEmpty() || answer == null) {
            return false;
        }
        JsonNode participant = answer.has("data") ? answer.get("data") : answer;
        return ReadBack.shows(AdapterSupport.readJson(sent.get().body()).orElse(null), participant);
    }

    /** A PUT is idempotent: any client error of a retry is checked with the read. */
    @Override
    public boolean mayBeAlreadyApplied(ParticipantUpdate update, ProviderError error) {
        return ReadBack.anyClientError(error);
    }

    /**
     * Reads {@code {"status":"error","error":{"code":400,"message":"..."}}}: code = {@code error.code}, message =
     * {@code error.message}. A token endpoint's {@code {error, error_description}} is read too.
     */
    @Override
    public ProviderError readError(int status, String body, Map<String, String> headers) {
        Optional<JsonNode> json = AdapterSupport.readJson(body).filter(JsonNode::isObject);
        if (json.isPresent()) {
            JsonNode node = json.get();
            JsonNode error = node.get("error");
            if (error != null && error.isObject()) {
                String code = AdapterSupport.text(error, "code");
                String message = AdapterSupport.text(error, "message");
                if (code != null || message != null) {
                    return new ProviderError(status, code,
                            message != null ? message : AdapterSupport.reasonPhrase(status));
                }
            } else if (error != null && error.isTextual()) {
                Optional<ProviderError> tokenError = AdapterSupport.tokenError(status, node);
                if (tokenError.isPresent()) {
                    return tokenError.get();
                }
            }
        }
        return new ProviderError(status, null, AdapterSupport.fallbackMessage(status, body));
    }

    @Override
    public List<String> validateConnection(Connection connection) {
        List<String> problems = new ArrayList<>();
        AdapterSupport.requireKeys(connection, ID, problems, "client-id", "client-secret");
        AdapterSupport.checkHttpUrl(connection, "base-url", problems);
        AdapterSupport.checkHttpUrl(connection, "token-url", problems);
        return problems;
    }

    /** Client credentials: Zigned issues no refresh token, so the argument is ignored and a new token requested. */
    @Override
    public AuthMethod authMethod(Connection connection) {
        String url = connection.get("token-url", DEFAULT_TOKEN_URL);
        String clientId = connection.get("client-id", "");
        String clientSecret = connection.get("client-secret", "");
        return new AuthMethod.OAuth("Bearer", refreshToken -> new AuthMethod.TokenRequest(url,
                AdapterSupport.FORM_HEADERS, AdapterSupport.clientForm("client_credentials", clientId, clientSecret)),
                null);
    }

    @Override
    public String defaultBaseUrl(Connection connection) {
        return AdapterSupport.baseUrlOr(connection, DEFAULT_BASE_URL);
    }

    /** The sandbox's Zigned API: {@link ZignedSimulator}, with {@link ZignedSandboxCredentials} and its seed. */
    @Override
    public Optional<ProviderSimulator> simulator(SimulatorContext context) {
        return Optional.of(new ZignedSimulator(context));
    }
}
