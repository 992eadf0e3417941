package io.participantsync.provider.zoho;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.model.CanonicalFields;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.model.ProviderError;
import io.participantsync.provider.AdapterSupport;
import io.participantsync.provider.AuthMethod;
import io.participantsync.provider.Connection;
import io.participantsync.provider.ParticipantKey;
import io.participantsync.provider.ProviderAdapter;
import io.participantsync.provider.ProviderFields;
import io.participantsync.provider.ProviderRequest;
import io.participantsync.provider.Validation;
import io.participantsync.sandbox.ProviderSimulator;
import io.participantsync.sandbox.SimulatorContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Zoho Contracts adapter: updates a counterparty contact with
 * {@code PUT /api/v1/counterparties/{organization}/counterpartyusers/{current_email}/} in the connection's data centre.
 * <p>
 * Not idempotent: changing {@code emailId} changes the resource path, so a retry after an unacknowledged success
 * targets the old email and gets 404; the delivery layer reconciles such failures instead of dead-lettering them
 * blindly.
 */
public final class ZohoAdapter implements ProviderAdapter {

    public static final String ID = "zoho";
    public static final String DEFAULT_DATA_CENTRE = "com";

    /** Data centre -> domain suffix of its {@code contracts.} and {@code accounts.} hosts. */
    public static final Map<String, String> DATA_CENTRES = dataCentres();

    private static final Set<String> CHANGE_FIELDS = Set.of(CanonicalFields.EMAIL, CanonicalFields.NAME);
    /** A contact is found by organisation and current email; {@code orgname} is an optional query parameter. */
    static final ProviderFields FIELDS = ProviderFields.of(
            List.of(CanonicalFields.ORGANIZATION, CanonicalFields.CURRENT_EMAIL, CanonicalFields.ORGNAME),
            List.of(CanonicalFields.NAME, CanonicalFields.EMAIL), List.of());
    private static final Set<String> SUPPORTED = FIELDS.all();

    /** The documented texts, for bodies that carry only the code (as Zoho's sample does). */
    private static final Map<String, String> DOCUMENTED_MESSAGES = Map.of(
            "INVALID_URL_PATTERN", "Request URL is incorrect",
            "OAUTH_SCOPE_MISMATCH", "Unauthorized: the client lacks the contracts.contracts.UPDATE scope",
            "NO_PERMISSION", "Permission denied to update",
            "INTERNAL_ERROR", "Internal Server Error",
            "INVALID_REQUEST_METHOD", "The HTTP request method is not a valid one.",
            "AUTHORIZATION_FAILED", "The user does not have sufficient privilege to update module details.");

    private static final String[] CODE_KEYS = {"ErrorCode", "code", "Code"};
    private static final String[] MESSAGE_KEYS = {"Message", "ErrorMessage", "message"};

    /**
     * @param providerSettings the {@code providers.zoho.*} keys; Zoho has none today (data centre and credentials are
     *                         per connection), the parameter keeps the adapters' constructors uniform
     */
    public ZohoAdapter(Map<String, String> providerSettings) {
        // Nothing provider-wide to read yet.
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public ProviderFields fields() {
        return FIELDS;
    }

    /**
     * Keyed by organisation and current email; an update that changes the email also holds the new email's key, so
     * a later record that names the new email as {@code current_email} queues behind it.
     */
    @Override
    public ParticipantKey participantKey(ParticipantUpdate update) {
        return ParticipantKey.byEmail(update, CanonicalFields.ORGANIZATION);
    }

    @Override
    public Set<String> connectionKeys() {
        return Set.of("token-url", "client-id", "client-secret", "refresh-token", "access-token", "data-centre");
    }

    @Override
    public Set<String> secretKeys() {
        return Set.of("client-secret", "refresh-token", "access-token");
    }

    @Override
    public List<Problem> validate(ParticipantUpdate update, Connection connection) {
        return Validation.of(update, ID)
                .onlySupported(SUPPORTED)
                .require(CanonicalFields.ORGANIZATION, CanonicalFields.CURRENT_EMAIL)
                .email(CanonicalFields.CURRENT_EMAIL, CanonicalFields.EMAIL)
                .problems();
    }

    @Override
    public Optional<ProviderRequest> buildRequest(ParticipantUpdate update, Connection connection) {
        if (CHANGE_FIELDS.stream().noneMatch(update::has)) {
            return Optional.empty();
        }
        ObjectNode body = AdapterSupport.newObject();
        AdapterSupport.putText(body, update, CanonicalFields.EMAIL, "emailId");
        AdapterSupport.putText(body, update, CanonicalFields.NAME, "displayName");
        String path = AdapterSupport.path("api", "v1", "counterparties", update.get(CanonicalFields.ORGANIZATION),
                "counterpartyusers", update.get(CanonicalFields.CURRENT_EMAIL)) + "/";
        String orgname = update.get(CanonicalFields.ORGNAME);
        String query = orgname == null ? null : "orgname=" + AdapterSupport.encode(orgname);
        return Optional.of(new ProviderRequest("PUT", path, query, ProviderRequest.JSON_HEADERS,
                AdapterSupport.toJson(body)));
    }

    /** {@code GET /api/v1/counterparties/{organization}/counterpartyusers?status=all}: every contact. */
    @Override
    public Optional<ProviderRequest> verifyRequest(ParticipantUpdate update, Connection connection) {
        String path = AdapterSupport.path("api", "v1", "counterparties", update.get(CanonicalFields.ORGANIZATION),
                "counterpartyusers");
        String orgname = update.get(CanonicalFields.ORGNAME);
        String query = "status=all" + (orgname == null ? "" : "&orgname=" + AdapterSupport.encode(orgname));
        return Optional.of(new ProviderRequest("GET", path, query, Map.of("Accept", "application/json"), null));
    }

    /**
     * A contact has the record's new email (or, without one, its current email) and, when the record sets a name,
     * that {@code displayName}.
     */
    @Override
    public boolean verify(ParticipantUpdate update, Connection connection, String responseBody) {
        JsonNode answer = AdapterSupport.readJson(responseBody).orElse(null);
        if (answer == null) {
            return false;
        }
        String email = update.has(CanonicalFields.EMAIL) ? update.get(CanonicalFields.EMAIL)
                : update.get(CanonicalFields.CURRENT_EMAIL);
        JsonNode users = answer.isArray() ? answer : answer.path("counterpartyusers");
        for (JsonNode user : users) {
            String have = AdapterSupport.text(user, "emailId");
            if (have != null && have.equalsIgnoreCase(email)) {
                return !update.has(CanonicalFields.NAME)
                        || update.get(CanonicalFields.NAME).equals(AdapterSupport.text(user, "displayName"));
            }
        }
        return false;
    }

    /**
     * Changing {@code emailId} moves the contact's path: a retry after a lost answer that did apply finds no contact
     * at the old email and gets 404 INVALID_URL_PATTERN.
     */
    @Override
    public boolean mayBeAlreadyApplied(ParticipantUpdate update, ProviderError error) {
        return error.status() == 404 && "INVALID_URL_PATTERN".equals(error.code());
    }

    /** Zoho allows at most 10 token requests per 10 minutes per refresh token. */
    @Override
    public Optional<String> tokenRequestLimit() {
        return Optional.of("10/10m");
    }

    /**
     * Reads {@code {"Errors":{"ErrorCode":..,"Message":..}}} (also an {@code Errors} array, and {@code ErrorCode} /
     * {@code code} with {@code Message} / {@code ErrorMessage} / {@code message} at the top level). A code without a
     * message gets the documented text; anything else becomes the trimmed, capped body text.
     */
    @Override
    public ProviderError readError(int status, String body, Map<String, String> headers) {
        Optional<JsonNode> parsed = AdapterSupport.readJson(body).filter(JsonNode::isObject);
        if (parsed.isPresent()) {
            JsonNode json = parsed.get();
            JsonNode errors = json.get("Errors");
            if (errors != null && errors.isArray() && !errors.isEmpty()) {
                errors = errors.get(0);
            }
            JsonNode source = errors != null && errors.isObject() ? errors : json;
            String code = AdapterSupport.firstText(source, CODE_KEYS);
            String message = AdapterSupport.firstText(source, MESSAGE_KEYS);
            if (code == null && source != json) {
                code = AdapterSupport.firstText(json, CODE_KEYS);
            }
            if (message == null && source != json) {
                message = AdapterSupport.firstText(json, MESSAGE_KEYS);
            }
            if (code != null || message != null) {
                if (message == null) {
                    message = DOCUMENTED_MESSAGES.getOrDefault(code, AdapterSupport.reasonPhrase(status));
                }
                return new ProviderError(status, code, AdapterSupport.cap(message));
            }
        }
        return new ProviderError(status, null, AdapterSupport.titleOrText(status, body));
    }

    @Override
    public List<String> validateConnection(Connection connection) {
        List<String> problems = new ArrayList<>();
        AdapterSupport.requireRefreshTokenClient(connection, ID, problems);
        String dc = connection.get("data-centre");
        if (dc != null && !DATA_CENTRES.containsKey(dc.toLowerCase(Locale.ROOT))) {
            problems.add(unknownDataCentre(connection, dc));
        }
        AdapterSupport.checkHttpUrlQuotingValue(connection, "base-url", problems);
        AdapterSupport.checkHttpUrlQuotingValue(connection, "token-url", problems);
        return problems;
    }

    /**
     * {@code Zoho-oauthtoken} tokens from the refresh-token grant, everything in the query string as Zoho documents
     * it (empty form). The function throws {@link IllegalStateException} when no refresh token is known.
     *
     * @throws IllegalArgumentException when {@code token-url} is not set and {@code data-centre} is unknown
     */
    @Override
    public AuthMethod authMethod(Connection connection) {
        String tokenUrl = connection.get("token-url");
        if (tokenUrl == null) {
            tokenUrl = "https://accounts." + domain(connection) + "/oauth/v2/token";
        }
        String url = tokenUrl;
        String clientId = connection.get("client-id", "");
        String clientSecret = connection.get("client-secret", "");
        return new AuthMethod.OAuth("Zoho-oauthtoken", refreshToken -> {
            String token = AdapterSupport.requireRefreshToken(refreshToken, connection, ID);
            String query = "grant_type=refresh_token"
                    + "&refresh_token=" + AdapterSupport.encode(token)
                    + "&client_id=" + AdapterSupport.encode(clientId)
                    + "&client_secret=" + AdapterSupport.encode(clientSecret);
            return new AuthMethod.TokenRequest(url + (url.contains("?") ? "&" : "?") + query,
                    Map.of("Accept", "application/json"), Map.of());
        }, connection.get("access-token"));
    }

    /** @throws IllegalArgumentException when {@code base-url} is not set and {@code data-centre} is unknown */
    @Override
    public String defaultBaseUrl(Connection connection) {
        String base = connection.baseUrl();
        return base != null ? base : "https://contracts." + domain(connection);
    }

    private static String domain(Connection connection) {
        String dc = connection.get("data-centre", DEFAULT_DATA_CENTRE);
        String domain = DATA_CENTRES.get(dc.toLowerCase(Locale.ROOT));
        if (domain == null) {
            throw new IllegalArgumentException(unknownDataCentre(connection, dc));
        }
        return domain;
    }

    private static String unknownDataCentre(Connection connection, String dc) {
        return connection.prefix() + "data-centre '" + dc + "' is not one of "
                + String.join(", ", DATA_CENTRES.keySet());
    }

    private static Map<String, String> dataCentres() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("com", "zoho.com");
        m.put("eu", "zoho.eu");
        m.put("in", "zoho.in");
        m.put("com.au", "zoho.com.au");
        m.put("jp", "zoho.jp");
        m.put("ca", "zohocloud.ca");
        m.put("sa", "zoho.sa");
        return Collections.unmodifiableMap(m);
    }

    /** The sandbox's Zoho API: {@link ZohoSimulator}, with {@link ZohoSandboxCredentials} and its seed. */
    @Override
    public Optional<ProviderSimulator> simulator(SimulatorContext context) {
        return Optional.of(new ZohoSimulator(context));
    }
}
