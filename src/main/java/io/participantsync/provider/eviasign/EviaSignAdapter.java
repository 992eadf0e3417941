package io.participantsync.provider.eviasign;

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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Evia Sign (Enadoc) adapter: edits a recipient of a signature request with
 * {@code POST /api/v2/Requests/{request_id}/editrecipient}, the recipient being found by {@code OldUserEmail}.
 * <p>
 * Not idempotent: the locator is the recipient's current email, so a retry of an edit that did succeed fails (404, or
 * 400 "same email"); the delivery layer reconciles such failures instead of dead-lettering them blindly.
 */
public final class EviaSignAdapter implements ProviderAdapter {

    public static final String ID = "eviasign";
    public static final String DEFAULT_BASE_URL = "https://evia.enadocapp.com/_apis/sign";
    public static final String DEFAULT_TOKEN_URL = "https://evia.enadocapp.com/_apis/falcon/auth/api/v2/token";
    public static final String DEFAULT_AUDIT_AUTHOR_TYPE = "API";
    public static final String DEFAULT_AUDIT_AUTHOR_IP = "127.0.0.1";
    public static final String DEFAULT_AUDIT_DEVICE = "participant-sync";

    private static final Set<String> OTP_FIELDS = Set.of(CanonicalFields.OTP_REQUIRED,
            CanonicalFields.OTP_ACCESS_CODE, CanonicalFields.OTP_MOBILE_NUMBER, CanonicalFields.OTP_TYPE);

    /** AuditDetails and OldUserEmail ride along with every edit, so only these make a record a change. */
    private static final Set<String> CHANGE_FIELDS = Set.of(CanonicalFields.NAME, CanonicalFields.EMAIL,
            CanonicalFields.OTP_REQUIRED, CanonicalFields.OTP_ACCESS_CODE, CanonicalFields.OTP_MOBILE_NUMBER,
            CanonicalFields.OTP_TYPE, CanonicalFields.PRIVATE_MESSAGE);

    /** A recipient is found by its request and its current email. */
    static final ProviderFields FIELDS = ProviderFields.of(
            List.of(CanonicalFields.REQUEST_ID, CanonicalFields.CURRENT_EMAIL),
            List.of(CanonicalFields.NAME, CanonicalFields.EMAIL, CanonicalFields.OTP_REQUIRED,
                    CanonicalFields.OTP_ACCESS_CODE, CanonicalFields.OTP_MOBILE_NUMBER, CanonicalFields.OTP_TYPE,
                    CanonicalFields.PRIVATE_MESSAGE),
            List.of(CanonicalFields.OTP_ACCESS_CODE));

    private static final Set<String> SUPPORTED = FIELDS.all();

    /** Evia's answers (lower case) that a retry after a lost answer gets when the first attempt applied the edit. */
    private static final String NOT_EDITABLE = "editing isn't allowed for this recipient";
    private static final String SAME_EMAIL = "the updated email cannot be the same as the existing one";

    private static final Pattern UUID = Pattern.compile(
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    private static final Pattern INTEGER = Pattern.compile("^-?[0-9]{1,18}$");
    private static final List<String> MESSAGE_KEYS = List.of("message", "Message", "error_description", "error",
            "title");

    /**
     * @param providerSettings the {@code providers.eviasign.*} keys; Evia Sign has none today (its settings are all
     *                         per connection), the parameter keeps the adapters' constructors uniform
     */
    public EviaSignAdapter(Map<String, String> providerSettings) {
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
     * Keyed by request and current email; an update that changes the email also holds the new email's key, so a
     * later record that names the new email as {@code current_email} queues behind it.
     */
    @Override
    public ParticipantKey participantKey(ParticipantUpdate update) {
        return ParticipantKey.byEmail(update, CanonicalFields.REQUEST_ID);
    }

    @Override
    public Set<String> connectionKeys() {
        return Set.of("token-url", "client-id", "client-secret", "refresh-token", "access-token",
                "audit-author-type", "audit-author-ip", "audit-device");
    }

    @Override
    public Set<String> secretKeys() {
        return Set.of("client-secret", "refresh-token", "access-token");
    }

    @Override
    public List<Problem> validate(ParticipantUpdate update, Connection connection) {
        Validation v = Validation.of(update, ID)
                .onlySupported(SUPPORTED)
                .require(CanonicalFields.REQUEST_ID, CanonicalFields.CURRENT_EMAIL)
                .email(CanonicalFields.CURRENT_EMAIL, CanonicalFields.EMAIL)
                .bool(CanonicalFields.OTP_REQUIRED)
                .integer(CanonicalFields.OTP_TYPE, 0);
        String requestId = update.get(CanonicalFields.REQUEST_ID);
        if (requestId != null && !UUID.matcher(requestId).matches()) {
            v.add(CanonicalFields.REQUEST_ID, "'" + requestId + "' is not a UUID");
        }
        String email = update.get(CanonicalFields.EMAIL);
        String current = update.get(CanonicalFields.CURRENT_EMAIL);
        // Evia answers 400 "The updated email cannot be the same as the existing one": catch it before the call.
        if (email != null && current != null && email.equalsIgnoreCase(current)) {
            v.add(CanonicalFields.EMAIL, "must differ from current_email");
        }
        return v.problems();
    }

    @Override
    public Optional<ProviderRequest> buildRequest(ParticipantUpdate update, Connection connection) {
        if (CHANGE_FIELDS.stream().noneMatch(update::has)) {
            return Optional.empty();
        }
        ObjectNode body = AdapterSupport.newObject();
        AdapterSupport.putText(body, update, CanonicalFields.NAME, "UserName");
        AdapterSupport.putText(body, update, CanonicalFields.EMAIL, "UserEmail");
        if (OTP_FIELDS.stream().anyMatch(update::has)) {
            ObjectNode otp = body.putObject("OTP");
            AdapterSupport.putBoolean(otp, update, CanonicalFields.OTP_REQUIRED, "IsRequired");
            AdapterSupport.putText(otp, update, CanonicalFields.OTP_ACCESS_CODE, "AccessCode");
            AdapterSupport.putText(otp, update, CanonicalFields.OTP_MOBILE_NUMBER, "MobileNumber");
            AdapterSupport.putLong(otp, update, CanonicalFields.OTP_TYPE, "Type");
        }
        AdapterSupport.putText(body, update, CanonicalFields.PRIVATE_MESSAGE, "PrivateMessage");
        body.put("OldUserEmail", update.get(CanonicalFields.CURRENT_EMAIL));
        ObjectNode audit = body.putObject("AuditDetails");
        String authorType = connection.get("audit-author-type", DEFAULT_AUDIT_AUTHOR_TYPE);
        // Evia's own example sends AuthorType as a number (1); keep a numeric setting numeric.
        if (INTEGER.matcher(authorType).matches()) {
            audit.put("AuthorType", Long.parseLong(authorType));
        } else {
            audit.put("AuthorType", authorType);
        }
        audit.put("AuthorIPAddress", connection.get("audit-author-ip", DEFAULT_AUDIT_AUTHOR_IP));
        audit.put("Device", connection.get("audit-device", DEFAULT_AUDIT_DEVICE));

        String path = AdapterSupport.path("api", "v2", "Requests", update.get(CanonicalFields.REQUEST_ID),
                "editrecipient");
        return Optional.of(new ProviderRequest("POST", path, null, ProviderRequest.JSON_HEADERS,
                AdapterSupport.toJson(body)));
    }

    /**
     * Evia has no read endpoint, so these two answers to a retry after a lost answer mean the first attempt had
     * applied the edit (the outcome says it is unverified): 404 "Editing isn't allowed for this recipient." (no
     * recipient has the old email any more) and, when the record changes the email, 400 "The updated email cannot be
     * the same as the existing one.".
     */
    @Override
    public boolean mayBeAlreadyApplied(ParticipantUpdate update, ProviderError error) {
        String message = error.message() == null ? "" : error.message().toLowerCase(Locale.ROOT);
        if (error.status() == 404) {
            return message.contains(NOT_EDITABLE);
        }
        return error.status() == 400 && update.has(CanonicalFields.EMAIL) && message.contains(SAME_EMAIL);
    }

    /**
     * Evia's error body is undocumented: a JSON object with a message-like field, a JSON string, or plain text. The
     * provider has no error codes, so {@code code} is always {@code null}.
     */
    @Override
    public ProviderError readError(int status, String body, Map<String, String> headers) {
        return new ProviderError(status, null, messageOf(status, body));
    }

    @Override
    public List<String> validateConnection(Connection connection) {
        List<String> problems = new ArrayList<>();
        AdapterSupport.requireRefreshTokenClient(connection, ID, problems);
        AdapterSupport.checkHttpUrlQuotingValue(connection, "base-url", problems);
        AdapterSupport.checkHttpUrlQuotingValue(connection, "token-url", problems);
        return problems;
    }

    /**
     * Bearer tokens from the refresh-token grant, client credentials in a Basic header. The function throws
     * {@link IllegalStateException} when no refresh token is known (only a static {@code access-token} was
     * configured and it needs renewing).
     */
    @Override
    public AuthMethod authMethod(Connection connection) {
        String tokenUrl = connection.get("token-url", DEFAULT_TOKEN_URL);
        String clientId = connection.get("client-id", "");
        String clientSecret = connection.get("client-secret", "");
        return new AuthMethod.OAuth("Bearer", refreshToken -> {
            String token = AdapterSupport.requireRefreshToken(refreshToken, connection, ID);
            String basic = Base64.getEncoder()
                    .encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Authorization", "Basic " + basic);
            headers.put("Content-Type", AdapterSupport.FORM_CONTENT_TYPE);
            headers.put("Accept", "application/json");
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", token);
            return new AuthMethod.TokenRequest(tokenUrl, headers, form);
        }, connection.get("access-token"));
    }

    @Override
    public String defaultBaseUrl(Connection connection) {
        return AdapterSupport.baseUrlOr(connection, DEFAULT_BASE_URL);
    }

    private static String messageOf(int status, String body) {
        JsonNode json = AdapterSupport.readJson(body).orElse(null);
        if (json != null && json.isTextual() && !json.asText().isBlank()) {
            return AdapterSupport.cap(json.asText().trim());
        }
        if (json != null && json.isObject()) {
            for (String key : MESSAGE_KEYS) {
                JsonNode m = json.get(key);
                if (m != null && m.isTextual() && !m.asText().isBlank()) {
                    return AdapterSupport.cap(m.asText().trim());
                }
            }
        }
        return AdapterSupport.titleOrText(status, body);
    }

    /** The sandbox's EviaSign API: {@link EviaSignSimulator}, with {@link EviaSignSandboxCredentials} and its seed. */
    @Override
    public Optional<ProviderSimulator> simulator(SimulatorContext context) {
        return Optional.of(new EviaSignSimulator(context));
    }
}
