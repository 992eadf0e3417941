package io.participantsync.provider.oneflow;

import static io.participantsync.model.CanonicalFields.CAN_UPDATE_CONTRACT;
import static io.participantsync.model.CanonicalFields.CONTRACT_ID;
import static io.participantsync.model.CanonicalFields.DELIVERY_CHANNEL;
import static io.participantsync.model.CanonicalFields.EMAIL;
import static io.participantsync.model.CanonicalFields.IDENTIFICATION_NUMBER;
import static io.participantsync.model.CanonicalFields.NAME;
import static io.participantsync.model.CanonicalFields.PARTICIPANT_ID;
import static io.participantsync.model.CanonicalFields.PARTY_ID;
import static io.participantsync.model.CanonicalFields.PHONE_NUMBER;
import static io.participantsync.model.CanonicalFields.SIGNATORY;
import static io.participantsync.model.CanonicalFields.SIGN_METHOD;
import static io.participantsync.model.CanonicalFields.TITLE;
import static io.participantsync.model.CanonicalFields.TWO_STEP_AUTHENTICATION_METHOD;

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
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Oneflow: updates a contract participant with
 * {@code PUT /contracts/{contract_id}/parties/{party_id}/participants/{participant_id}}, authenticated by the
 * account's static API token and user email headers. The enum lists come from {@code providers.oneflow.*} because
 * Oneflow adds eIDs over time.
 */
public final class OneflowAdapter implements ProviderAdapter {

    public static final String ID = "oneflow";
    public static final String DEFAULT_BASE_URL = "https://api.oneflow.com/v1";

    /** Provider setting keys (under {@code providers.oneflow.}), comma-separated lists. */
    public static final String DELIVERY_CHANNELS_KEY = "delivery-channels";
    public static final String SIGN_METHODS_KEY = "sign-methods";
    public static final String TWO_STEP_METHODS_KEY = "two-step-authentication-methods";

    public static final List<String> DEFAULT_DELIVERY_CHANNELS = List.of("email", "sms", "same_device", "none");
    public static final List<String> DEFAULT_SIGN_METHODS = List.of("standard_esign", "sms", "swedish_bankid",
            "norwegian_bankid", "danish_nemid", "finnish_bankid");
    public static final List<String> DEFAULT_TWO_STEP_METHODS = List.of("none", "email", "sms");

    static final String TOKEN_HEADER = "x-oneflow-api-token";
    static final String USER_EMAIL_HEADER = "x-oneflow-user-email";

    private static final List<String> CHANGES = List.of(NAME, EMAIL, PHONE_NUMBER, TITLE, IDENTIFICATION_NUMBER,
            SIGNATORY, CAN_UPDATE_CONTRACT, DELIVERY_CHANNEL, SIGN_METHOD, TWO_STEP_AUTHENTICATION_METHOD);
    /** A participant is found by contract, party and participant id (the default participant key, in this order). */
    static final ProviderFields FIELDS = ProviderFields.of(List.of(CONTRACT_ID, PARTY_ID, PARTICIPANT_ID), CHANGES,
            List.of(IDENTIFICATION_NUMBER));
    private static final Set<String> SUPPORTED = FIELDS.all();
    private static final Pattern API_TOKEN = Pattern.compile("[A-Za-z0-9-]{40}");

    private final List<String> deliveryChannels;
    private final List<String> signMethods;
    private final List<String> twoStepMethods;

    public OneflowAdapter(Map<String, String> providerSettings) {
        Map<String, String> settings = providerSettings == null ? Map.of() : providerSettings;
        this.deliveryChannels = list(settings.get(DELIVERY_CHANNELS_KEY), DEFAULT_DELIVERY_CHANNELS);
        this.signMethods = list(settings.get(SIGN_METHODS_KEY), DEFAULT_SIGN_METHODS);
        this.twoStepMethods = list(settings.get(TWO_STEP_METHODS_KEY), DEFAULT_TWO_STEP_METHODS);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public ProviderFields fields() {
        return FIELDS;
    }

    /** Oneflow documents about 1000 requests per 5 minutes per token. */
    @Override
    public Optional<String> defaultRateLimit() {
        return Optional.of("1000/5m");
    }

    @Override
    public Set<String> connectionKeys() {
        return Set.of("api-token", "user-email");
    }

    @Override
    public Set<String> secretKeys() {
        return Set.of("api-token");
    }

    public List<String> deliveryChannels() {
        return deliveryChannels;
    }

    public List<String> signMethods() {
        return signMethods;
    }

    public List<String> twoStepAuthenticationMethods() {
        return twoStepMethods;
    }

    @Override
    public List<Problem> validate(ParticipantUpdate update, Connection connection) {
        return Validation.of(update, ID)
                .onlySupported(SUPPORTED)
                .require(CONTRACT_ID, PARTY_ID, PARTICIPANT_ID)
                .integer(CONTRACT_ID, 1)
                .integer(PARTY_ID, 1)
                .integer(PARTICIPANT_ID, 1)
                .email(EMAIL)
                .bool(SIGNATORY, CAN_UPDATE_CONTRACT)
                .oneOf(DELIVERY_CHANNEL, deliveryChannels)
                .oneOf(SIGN_METHOD, signMethods)
                .oneOf(TWO_STEP_AUTHENTICATION_METHOD, twoStepMethods)
                .problems();
    }

    @Override
    public Optional<ProviderRequest> buildRequest(ParticipantUpdate update, Connection connection) {
        if (CHANGES.stream().noneMatch(update::has)) {
            return Optional.empty();
        }
        ObjectNode body = AdapterSupport.newObject();
        AdapterSupport.putText(body, update, NAME, "name");
        AdapterSupport.putText(body, update, EMAIL, "email");
        AdapterSupport.putText(body, update, PHONE_NUMBER, "phone_number");
        AdapterSupport.putText(body, update, TITLE, "title");
        AdapterSupport.putText(body, update, IDENTIFICATION_NUMBER, "identification_number");
        AdapterSupport.putBoolean(body, update, SIGNATORY, "signatory");
        if (update.has(CAN_UPDATE_CONTRACT)) {
            AdapterSupport.putBoolean(body.putObject("_permissions"), update, CAN_UPDATE_CONTRACT, "contract:update");
        }
        AdapterSupport.putEnum(body, update, DELIVERY_CHANNEL, "delivery_channel", deliveryChannels);
        AdapterSupport.putEnum(body, update, SIGN_METHOD, "sign_method", signMethods);
        AdapterSupport.putEnum(body, update, TWO_STEP_AUTHENTICATION_METHOD, "two_step_authentication_method",
                twoStepMethods);
        String path = AdapterSupport.path("contracts", Long.parseLong(update.get(CONTRACT_ID)), "parties",
                Long.parseLong(update.get(PARTY_ID)), "participants", Long.parseLong(update.get(PARTICIPANT_ID)));
        return Optional.of(new ProviderRequest("PUT", path, null, ProviderRequest.JSON_HEADERS,
                AdapterSupport.toJson(body)));
    }

    /** {@code GET /contracts/{contract_id}/parties/{party_id}}: the party with its participants. */
    @Override
    public Optional<ProviderRequest> verifyRequest(ParticipantUpdate update, Connection connection) {
        String path = AdapterSupport.path("contracts", Long.parseLong(update.get(CONTRACT_ID)), "parties",
                Long.parseLong(update.get(PARTY_ID)));
        return Optional.of(new ProviderRequest("GET", path, null, Map.of("Accept", "application/json"), null));
    }

    /** The participant with {@code id == participant_id} in the party's {@code participants} shows the update. */
    @Override
    public boolean verify(ParticipantUpdate update, Connection connection, String responseBody) {
        Optional<ProviderRequest> sent = buildRequest(update, connection);
        JsonNode party = AdapterSupport.readJson(responseBody).orElse(null);
        if (sent.isEmpty() || party == null) {
            return false;
        }
        long id = Long.parseLong(update.get(PARTICIPANT_ID));
        for (JsonNode p : party.path("participants")) {
            if (p.path("id").asLong(-1) == id) {
                return ReadBack.shows(AdapterSupport.readJson(sent.get().body()).orElse(null), p);
            }
        }
        return false;
    }

    /** A PUT is idempotent: any client error of a retry is checked with the read. */
    @Override
    public boolean mayBeAlreadyApplied(ParticipantUpdate update, ProviderError error) {
        return ReadBack.anyClientError(error);
    }

    /**
     * Reads Oneflow's RFC 7807-like body: code = {@code error_code}, message = {@code detail} (else {@code title})
     * followed by each parameter problem as {@code field: message}.
     */
    @Override
    public ProviderError readError(int status, String body, Map<String, String> headers) {
        Optional<JsonNode> json = AdapterSupport.readJson(body).filter(JsonNode::isObject);
        if (json.isEmpty()) {
            return new ProviderError(status, null, AdapterSupport.fallbackMessage(status, body));
        }
        JsonNode node = json.get();
        String code = AdapterSupport.text(node, "error_code");
        String main = AdapterSupport.text(node, "detail");
        if (main == null) {
            main = AdapterSupport.text(node, "title");
        }
        List<String> parts = new ArrayList<>();
        if (main != null) {
            parts.add(main);
        }
        parts.addAll(parameterProblems(node.get("parameter_problems")));
        if (code == null && parts.isEmpty()) {
            return new ProviderError(status, null, AdapterSupport.fallbackMessage(status, body));
        }
        String message = parts.isEmpty() ? AdapterSupport.reasonPhrase(status) : String.join("; ", parts);
        return new ProviderError(status, code, message);
    }

    @Override
    public List<String> validateConnection(Connection connection) {
        List<String> problems = new ArrayList<>();
        AdapterSupport.requireKeys(connection, ID, problems, "api-token", "user-email");
        String token = connection.get("api-token");
        if (token != null && !API_TOKEN.matcher(token).matches()) {
            problems.add(connection.prefix() + "api-token must be 40 characters of letters, digits and '-'");
        }
        String email = connection.get("user-email");
        if (email != null && !Validation.isEmail(email)) {
            problems.add(connection.prefix() + "user-email '" + email + "' is not a valid email address");
        }
        AdapterSupport.checkHttpUrl(connection, "base-url", problems);
        return problems;
    }

    @Override
    public AuthMethod authMethod(Connection connection) {
        return new AuthMethod.StaticHeaders(Map.of(TOKEN_HEADER, connection.get("api-token", ""),
                USER_EMAIL_HEADER, connection.get("user-email", "")));
    }

    @Override
    public String defaultBaseUrl(Connection connection) {
        return AdapterSupport.baseUrlOr(connection, DEFAULT_BASE_URL);
    }

    private static List<String> parameterProblems(JsonNode problems) {
        List<String> out = new ArrayList<>();
        if (problems == null || !problems.isObject()) {
            return out;
        }
        Iterator<Map.Entry<String, JsonNode>> it = problems.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isArray()) {
                v.forEach(m -> out.add(e.getKey() + ": " + m.asText()));
            } else if (!v.isNull()) {
                out.add(e.getKey() + ": " + v.asText());
            }
        }
        return out;
    }

    private static List<String> list(String configured, List<String> defaults) {
        if (configured == null) {
            return defaults;
        }
        List<String> values = Arrays.stream(configured.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .distinct().toList();
        return values.isEmpty() ? defaults : values;
    }

    /** The sandbox's Oneflow API: {@link OneflowSimulator}, with {@link OneflowSandboxCredentials} and its seed. */
    @Override
    public Optional<ProviderSimulator> simulator(SimulatorContext context) {
        return Optional.of(new OneflowSimulator(context));
    }
}
