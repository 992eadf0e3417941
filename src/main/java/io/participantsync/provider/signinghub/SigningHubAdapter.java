package io.participantsync.provider.signinghub;

import static io.participantsync.model.CanonicalFields.CURRENT_EMAIL;
import static io.participantsync.model.CanonicalFields.EMAIL;
import static io.participantsync.model.CanonicalFields.EMAIL_NOTIFICATION;
import static io.participantsync.model.CanonicalFields.NAME;
import static io.participantsync.model.CanonicalFields.PACKAGE_ID;
import static io.participantsync.model.CanonicalFields.ROLE;
import static io.participantsync.model.CanonicalFields.SIGNING_ORDER;
import static io.participantsync.model.CanonicalFields.WORKFLOW_ORDER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.participantsync.provider.ReadBack;
import io.participantsync.provider.Validation;
import io.participantsync.sandbox.ProviderSimulator;
import io.participantsync.sandbox.SimulatorContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SigningHub (Ascertia): updates the workflow recipient at a 1-based position with
 * {@code PUT /{api-version}/packages/{package_id}/workflow/{workflow_order}/user}, authenticated with a Bearer token
 * from the password, refresh-token or client-credentials grant. Because positions shift when a workflow changes, an
 * update carrying {@code current_email} is first checked against {@code GET .../workflow/users}.
 */
public final class SigningHubAdapter implements ProviderAdapter {

    public static final String ID = "signinghub";
    public static final String DEFAULT_BASE_URL = "https://api.signinghub.com";
    public static final String DEFAULT_API_VERSION = "v3";
    public static final List<String> API_VERSIONS = List.of("v3", "v4");

    public static final List<String> ROLES = List.of("SIGNER", "REVIEWER", "EDITOR", "CARBON_COPY", "INPERSON_HOST");

    private static final Set<String> CHANGES = Set.of(EMAIL, NAME, ROLE, EMAIL_NOTIFICATION, SIGNING_ORDER);
    /** {@code current_email} is an optional guard: the recipient expected at {@code workflow_order}. */
    static final ProviderFields FIELDS = ProviderFields.of(List.of(PACKAGE_ID, WORKFLOW_ORDER, CURRENT_EMAIL),
            List.of(EMAIL, NAME, ROLE, EMAIL_NOTIFICATION, SIGNING_ORDER), List.of());
    private static final Set<String> SUPPORTED = FIELDS.all();

    /** SigningHub takes no provider-wide settings; the constructor matches the registry's convention. */
    public SigningHubAdapter(Map<String, String> providerSettings) {
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
     * Keyed by package: a participant's locator is a position in the package's workflow, which moves when a signing
     * order changes, so updates within one package keep their order.
     */
    @Override
    public ParticipantKey participantKey(ParticipantUpdate update) {
        return ParticipantKey.of(update, PACKAGE_ID);
    }

    @Override
    public Set<String> connectionKeys() {
        return Set.of("token-url", "client-id", "client-secret", "username", "password", "scope", "refresh-token",
                "api-version");
    }

    @Override
    public Set<String> secretKeys() {
        return Set.of("client-secret", "password", "refresh-token");
    }

    @Override
    public List<Problem> validate(ParticipantUpdate update, Connection connection) {
        return Validation.of(update, ID)
                .onlySupported(SUPPORTED)
                .require(PACKAGE_ID, WORKFLOW_ORDER)
                .integer(PACKAGE_ID, 1)
                .integer(WORKFLOW_ORDER, 1)
                .email(EMAIL, CURRENT_EMAIL)
                .oneOf(ROLE, ROLES)
                .bool(EMAIL_NOTIFICATION)
                .integer(SIGNING_ORDER, 1)
                .problems();
    }

    @Override
    public Optional<ProviderRequest> buildRequest(ParticipantUpdate update, Connection connection) {
        if (!hasChanges(update)) {
            return Optional.empty();
        }
        ObjectNode body = AdapterSupport.newObject();
        AdapterSupport.putText(body, update, EMAIL, "user_email");
        AdapterSupport.putText(body, update, NAME, "user_name");
        AdapterSupport.putEnum(body, update, ROLE, "role", ROLES);
        AdapterSupport.putBoolean(body, update, EMAIL_NOTIFICATION, "email_notification");
        AdapterSupport.putLong(body, update, SIGNING_ORDER, "signing_order");
        String path = AdapterSupport.path(apiVersion(connection), "packages", packageId(update), "workflow",
                workflowOrder(update), "user");
        return Optional.of(new ProviderRequest("PUT", path, null, ProviderRequest.JSON_HEADERS,
                AdapterSupport.toJson(body)));
    }

    /** The workflow users read, when the update names the recipient it expects at the position. */
    @Override
    public Optional<ProviderRequest> guardRequest(ParticipantUpdate update, Connection connection) {
        if (!update.has(CURRENT_EMAIL) || !hasChanges(update)) {
            return Optional.empty();
        }
        String path = AdapterSupport.path(apiVersion(connection), "packages", packageId(update), "workflow",
                "users");
        return Optional.of(new ProviderRequest("GET", path, null, Map.of("Accept", "application/json"), null));
    }

    /**
     * Reads the workflow users array: the update may go ahead only when the user at {@code order ==
     * workflow_order} has {@code user_email} equal (ignoring case) to {@code current_email}.
     */
    @Override
    public Optional<String> checkGuard(ParticipantUpdate update, String responseBody) {
        String expected = update.get(CURRENT_EMAIL);
        if (expected == null) {
            return Optional.empty();
        }
        long position = workflowOrder(update);
        Optional<JsonNode> users = AdapterSupport.readJson(responseBody).filter(JsonNode::isArray);
        if (users.isEmpty()) {
            return Optional.of("could not read the workflow users of package " + update.get(PACKAGE_ID)
                    + " to check position " + position);
        }
        for (JsonNode user : users.get()) {
            if (position(user) == position) {
                String actual = AdapterSupport.text(user, "user_email");
                return actual != null && actual.equalsIgnoreCase(expected)
                        ? Optional.empty()
                        : Optional.of("recipient at position " + position + " is not " + expected);
            }
        }
        return Optional.of("no recipient at position " + position);
    }

    /** {@code GET .../packages/{package_id}/workflow/users}, the same read as the guard. */
    @Override
    public Optional<ProviderRequest> verifyRequest(ParticipantUpdate update, Connection connection) {
        String path = AdapterSupport.path(apiVersion(connection), "packages", packageId(update), "workflow",
                "users");
        return Optional.of(new ProviderRequest("GET", path, null, Map.of("Accept", "application/json"), null));
    }

    /** The user at {@code order == workflow_order} shows the update. */
    @Override
    public boolean verify(ParticipantUpdate update, Connection connection, String responseBody) {
        Optional<ProviderRequest> sent = buildRequest(update, connection);
        Optional<JsonNode> users = AdapterSupport.readJson(responseBody).filter(JsonNode::isArray);
        if (sent.isEmpty() || users.isEmpty()) {
            return false;
        }
        long position = workflowOrder(update);
        for (JsonNode user : users.get()) {
            if (position(user) == position) {
                return ReadBack.shows(AdapterSupport.readJson(sent.get().body()).orElse(null), user);
            }
        }
        return false;
    }

    /**
     * A PUT is idempotent: any client error of a retry is checked with the read; so is the guard's refusal (status
     * 0), since an applied email change moves {@code current_email} away from the position.
     */
    @Override
    public boolean mayBeAlreadyApplied(ParticipantUpdate update, ProviderError error) {
        return error.status() == 0 || ReadBack.anyClientError(error);
    }

    /** Reads {@code {"Message": "..."}} (no code); a token endpoint's {@code {error, error_description}} too. */
    @Override
    public ProviderError readError(int status, String body, Map<String, String> headers) {
        Optional<JsonNode> json = AdapterSupport.readJson(body).filter(JsonNode::isObject);
        if (json.isPresent()) {
            JsonNode node = json.get();
            String message = AdapterSupport.firstText(node, "Message", "message");
            if (message != null) {
                return new ProviderError(status, null, message);
            }
            Optional<ProviderError> tokenError = AdapterSupport.tokenError(status, node);
            if (tokenError.isPresent()) {
                return tokenError.get();
            }
        }
        return new ProviderError(status, null, AdapterSupport.fallbackMessage(status, body));
    }

    @Override
    public List<String> validateConnection(Connection connection) {
        List<String> problems = new ArrayList<>();
        AdapterSupport.requireKeys(connection, ID, problems, "client-id", "client-secret");
        if (connection.has("username") && !connection.has("password")) {
            problems.add(connection.prefix() + "password must be set for provider " + ID + " when "
                    + connection.prefix() + "username is set");
        }
        String scope = connection.get("scope");
        if (scope != null && !Validation.isEmail(scope)) {
            problems.add(connection.prefix() + "scope '" + scope + "' is not a valid email address (the user to act"
                    + " as)");
        }
        String version = connection.get("api-version");
        if (version != null && !API_VERSIONS.contains(version)) {
            problems.add(connection.prefix() + "api-version '" + version + "' is not one of "
                    + String.join(", ", API_VERSIONS));
        }
        AdapterSupport.checkHttpUrl(connection, "base-url", problems);
        AdapterSupport.checkHttpUrl(connection, "token-url", problems);
        return problems;
    }

    /**
     * The grant follows the configuration: {@code username} set means the password grant (with {@code scope} when
     * set); else a configured {@code refresh-token} means the refresh grant with the newest refresh token; else client
     * credentials.
     */
    @Override
    public AuthMethod authMethod(Connection connection) {
        String url = connection.get("token-url", defaultBaseUrl(connection) + "/authenticate");
        String clientId = connection.get("client-id", "");
        String clientSecret = connection.get("client-secret", "");
        String username = connection.get("username");
        String password = connection.get("password", "");
        String scope = connection.get("scope");
        String configuredRefreshToken = connection.get("refresh-token");
        return new AuthMethod.OAuth("Bearer", refreshToken -> {
            Map<String, String> form;
            if (username != null) {
                form = AdapterSupport.clientForm("password", clientId, clientSecret);
                form.put("username", username);
                form.put("password", password);
                if (scope != null) {
                    form.put("scope", scope);
                }
            } else if (configuredRefreshToken != null) {
                form = AdapterSupport.clientForm("refresh_token", clientId, clientSecret);
                form.put("refresh_token",
                        refreshToken == null || refreshToken.isBlank() ? configuredRefreshToken : refreshToken);
            } else {
                form = AdapterSupport.clientForm("client_credentials", clientId, clientSecret);
            }
            return new AuthMethod.TokenRequest(url, AdapterSupport.FORM_HEADERS, form);
        }, null);
    }

    @Override
    public String defaultBaseUrl(Connection connection) {
        return AdapterSupport.baseUrlOr(connection, DEFAULT_BASE_URL);
    }

    private static boolean hasChanges(ParticipantUpdate update) {
        return CHANGES.stream().anyMatch(update::has);
    }

    private static String apiVersion(Connection connection) {
        return connection == null ? DEFAULT_API_VERSION : connection.get("api-version", DEFAULT_API_VERSION);
    }

    private static long packageId(ParticipantUpdate update) {
        return Long.parseLong(update.get(PACKAGE_ID));
    }

    private static long workflowOrder(ParticipantUpdate update) {
        return Long.parseLong(update.get(WORKFLOW_ORDER));
    }

    /** A user's {@code order} as a number, whether sent as a JSON number or a string; -1 when absent. */
    private static long position(JsonNode user) {
        JsonNode order = user == null ? null : user.get("order");
        if (order == null || order.isNull()) {
            return -1;
        }
        if (order.canConvertToLong()) {
            return order.asLong();
        }
        try {
            return Long.parseLong(order.asText().trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The sandbox's SigningHub API: {@link SigningHubSimulator}, with {@link SigningHubSandboxCredentials} and its
     * seed.
     */
    @Override
    public Optional<ProviderSimulator> simulator(SimulatorContext context) {
        return Optional.of(new SigningHubSimulator(context));
    }
}
