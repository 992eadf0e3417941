package io.participantsync.provider.eviasign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.sandbox.ProviderSimulator;
import io.participantsync.sandbox.SandboxRequest;
import io.participantsync.sandbox.SandboxResponse;
import io.participantsync.sandbox.SimulatorContext;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.regex.Pattern;

/**
 * Evia Sign: {@code /eviasign/_apis/falcon/auth/api/v2/token} (refresh-token grant, client in a Basic header) and
 * {@code /eviasign/_apis/sign/api/v2/Requests/{uuid}/editrecipient} (POST). The recipient is found by
 * {@code OldUserEmail}; completed recipients, same-email edits and duplicate recipients are refused. Errors are plain
 * text. Each refresh returns a new refresh token; the configured one stays valid and so do the
 * {@value #KEPT_REFRESH_TOKENS} newest issued ones, so a client that lost a rotation race still gets in.
 */
public final class EviaSignSimulator extends ProviderSimulator {

    static final int KEPT_REFRESH_TOKENS = 16;
    private static final long TOKEN_TTL = 3600;
    private static final Pattern UUID_PATTERN = Pattern.compile(
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    private static final Set<String> FIELDS = Set.of("OldUserEmail", "UserName", "UserEmail", "OTP", "PrivateMessage",
            "AuditDetails");
    private static final Set<String> OTP_FIELDS = Set.of("IsRequired", "AccessCode", "MobileNumber", "Type");
    private static final Set<String> AUDIT_FIELDS = Set.of("AuthorType", "AuthorIPAddress", "Device");

    static final String NOT_EDITABLE = "Editing isn't allowed for this recipient.";
    static final String SAME_EMAIL = "The updated email cannot be the same as the existing one.";
    static final String COMPLETED = "Action denied. You don't have permission to edit recipient users because the "
            + "user has already completed the request.";
    static final String DUPLICATE = "The same user cannot be assigned more than once within a single request";

    /**
     * A signature request; {@code recipients} and {@code movedAway} (lower-cased emails a recipient's edit moved away
     * from, which auto-creation must not bring back) are guarded by the request's monitor.
     */
    private record SignRequest(String id, String title, List<ObjectNode> recipients, Set<String> movedAway) {

        SignRequest(String id, String title) {
            this(id, title, new ArrayList<>(), new HashSet<>());
        }
    }

    private final Map<String, SignRequest> requests = new ConcurrentHashMap<>();
    private final Deque<String> issuedRefreshTokens = new ConcurrentLinkedDeque<>();

    public EviaSignSimulator(SimulatorContext ctx) {
        super(ctx);
    }

    @Override
    public String id() {
        return "eviasign";
    }

    @Override
    protected Set<String> maskedKeys() {
        return Set.of("AccessCode");
    }

    @Override
    protected boolean isTokenCall(SandboxRequest r) {
        return "falcon".equals(r.segment(2));
    }

    @Override
    protected void connectionProperties(Map<String, String> into, String url) {
        String p = connectionPrefix(into, EviaSignSandboxCredentials.EVIASIGN);
        into.put(p + "base-url", url + "/eviasign/_apis/sign");
        into.put(p + "token-url", url + "/eviasign/_apis/falcon/auth/api/v2/token");
        into.put(p + "client-id", EviaSignSandboxCredentials.EVIASIGN_CLIENT_ID_LOCAL_DEV_ONLY);
        into.put(p + "client-secret", EviaSignSandboxCredentials.EVIASIGN_CLIENT_SECRET_LOCAL_DEV_ONLY);
        into.put(p + "refresh-token", EviaSignSandboxCredentials.EVIASIGN_REFRESH_TOKEN_LOCAL_DEV_ONLY);
        into.put(p + "audit-author-type", EviaSignSandboxCredentials.EVIASIGN_AUDIT_AUTHOR_TYPE);
        into.put(p + "audit-author-ip", EviaSignSandboxCredentials.EVIASIGN_AUDIT_AUTHOR_IP);
        into.put(p + "audit-device", EviaSignSandboxCredentials.EVIASIGN_AUDIT_DEVICE);
    }

    @Override
    protected void seed(JsonNode seed) {
        requests.clear();
        for (JsonNode r : seed.path("requests")) {
            SignRequest req = new SignRequest(r.path("id").asText().toLowerCase(Locale.ROOT),
                    r.path("title").asText(""));
            for (JsonNode rec : r.path("recipients")) {
                req.recipients().add(newRecipient(req.recipients().size() + 1, rec));
            }
            requests.put(req.id(), req);
        }
    }

    private ObjectNode newRecipient(int order, JsonNode given) {
        ObjectNode rec = object();
        rec.put("Order", order);
        rec.put("UserName", given.path("UserName").asText(""));
        rec.put("UserEmail", given.path("UserEmail").asText(""));
        rec.put("Completed", given.path("Completed").asBoolean(false));
        ObjectNode otp = rec.putObject("OTP");
        otp.put("IsRequired", given.path("OTP").path("IsRequired").asBoolean(false));
        otp.put("MobileNumber", given.path("OTP").path("MobileNumber").asText(""));
        otp.put("Type", given.path("OTP").path("Type").asInt(0));
        otp.put("HasAccessCode", false);
        rec.put("PrivateMessage", given.path("PrivateMessage").asText(""));
        return rec;
    }

    @Override
    protected Optional<JsonNode> participant(String... locator) {
        if (locator.length != 2) {
            throw new IllegalArgumentException("eviasign locator is (request_id, recipient email)");
        }
        SignRequest req = requests.get(locator[0].toLowerCase(Locale.ROOT));
        if (req == null) {
            return Optional.empty();
        }
        synchronized (req) {
            return find(req, locator[1]).map(ObjectNode::deepCopy);
        }
    }

    private static Optional<ObjectNode> find(SignRequest req, String email) {
        return req.recipients().stream().filter(r -> r.path("UserEmail").asText().equalsIgnoreCase(email)).findFirst()
                .map(r -> r);
    }

    @Override
    protected SandboxResponse error(int status, String message) {
        return SandboxResponse.text(status, message);
    }

    @Override
    protected SandboxResponse handle(SandboxRequest r) {
        List<String> s = r.segments();
        // eviasign/_apis/falcon/auth/api/v2/token
        if (s.size() == 7 && "_apis".equals(s.get(1)) && "falcon".equals(s.get(2)) && "auth".equals(s.get(3))
                && "api".equals(s.get(4)) && "v2".equals(s.get(5)) && "token".equals(s.get(6))) {
            return "POST".equals(r.method()) ? token(r) : error(405, "Method Not Allowed");
        }
        // eviasign/_apis/sign/api/v2/Requests/{id}/editrecipient
        if (!(s.size() == 8 && "_apis".equals(s.get(1)) && "sign".equals(s.get(2)) && "api".equals(s.get(3))
                && "v2".equals(s.get(4)) && "requests".equalsIgnoreCase(s.get(5))
                && "editrecipient".equalsIgnoreCase(s.get(7)))) {
            return error(404, "Not Found");
        }
        if (!"POST".equals(r.method())) {
            return error(405, "Method Not Allowed");
        }
        if (!hasValidToken(r, "Bearer", null)) {
            return error(401, "Unauthorized");
        }
        return edit(r, s.get(6));
    }

    private SandboxResponse token(SandboxRequest r) {
        String[] client = basicCredentials(r);
        if (client == null || !EviaSignSandboxCredentials.EVIASIGN_CLIENT_ID_LOCAL_DEV_ONLY.equals(client[0])
                || !EviaSignSandboxCredentials.EVIASIGN_CLIENT_SECRET_LOCAL_DEV_ONLY.equals(client[1])) {
            return oauthError(401, "invalid_client", "Client authentication failed");
        }
        Map<String, String> form = r.form();
        if (!"refresh_token".equals(form.get("grant_type"))) {
            return oauthError(400, "unsupported_grant_type", "Only grant_type=refresh_token is supported here");
        }
        String refresh = form.get("refresh_token");
        if (refresh == null || !(EviaSignSandboxCredentials.EVIASIGN_REFRESH_TOKEN_LOCAL_DEV_ONLY.equals(refresh)
                || issuedRefreshTokens.contains(refresh))) {
            return oauthError(400, "invalid_grant", "The refresh token is invalid or expired");
        }
        String next = "evr_" + randomHex(20);
        issuedRefreshTokens.addFirst(next);
        while (issuedRefreshTokens.size() > KEPT_REFRESH_TOKENS) {
            issuedRefreshTokens.pollLast();
        }
        ObjectNode body = issueAccessToken("ev_", EviaSignSandboxCredentials.EVIASIGN, null, TOKEN_TTL, "Bearer");
        body.put("refresh_token", next);
        return SandboxResponse.json(200, write(body));
    }

    private SandboxResponse edit(SandboxRequest r, String rawId) {
        if (!UUID_PATTERN.matcher(rawId).matches()) {
            return error(400, "Bad Request");
        }
        String requestId = rawId.toLowerCase(Locale.ROOT);
        if (!r.isJson()) {
            return error(415, "Unsupported Media Type");
        }
        JsonNode body = parseBody(r);
        if (body == null || !body.isObject()) {
            return error(400, "Bad Request");
        }
        String problem = validate(body);
        if (problem != null) {
            return error(400, problem);
        }
        String oldEmail = body.get("OldUserEmail").asText();
        SignRequest req = requests.get(requestId);
        if (req == null && ctx.knobs().autoCreate()) {
            req = requests.computeIfAbsent(requestId, id -> new SignRequest(id, "Generated request"));
        }
        if (req == null) {
            return error(404, "Request not found.");
        }
        synchronized (req) {
            Optional<ObjectNode> found = find(req, oldEmail);
            // an email a recipient moved away from is gone, as at the real provider: a retry of that edit must
            // meet the same refusal there, not a recipient created anew
            if (found.isEmpty() && ctx.knobs().autoCreate()
                    && !req.movedAway().contains(oldEmail.toLowerCase(Locale.ROOT))) {
                ObjectNode created = newRecipient(req.recipients().size() + 1,
                        object().put("UserEmail", oldEmail).put("UserName", oldEmail));
                req.recipients().add(created);
                found = Optional.of(created);
            }
            if (found.isEmpty()) {
                return error(404, NOT_EDITABLE);
            }
            ObjectNode recipient = found.get();
            if (recipient.path("Completed").asBoolean(false)) {
                return error(400, COMPLETED);
            }
            JsonNode newEmail = body.get("UserEmail");
            if (newEmail != null && newEmail.isTextual()) {
                String email = newEmail.asText();
                if (email.equalsIgnoreCase(oldEmail)) {
                    return error(400, SAME_EMAIL);
                }
                if (find(req, email).isPresent()) {
                    return error(400, DUPLICATE);
                }
            }
            apply(recipient, body);
            if (newEmail != null && newEmail.isTextual()) {
                req.movedAway().add(oldEmail.toLowerCase(Locale.ROOT));
                req.movedAway().remove(newEmail.asText().toLowerCase(Locale.ROOT));
            }
            record(EviaSignSandboxCredentials.EVIASIGN, requestId + "/" + oldEmail.toLowerCase(Locale.ROOT), body);
        }
        return SandboxResponse.json(200, write(object().put("requestId", requestId)));
    }

    private static void apply(ObjectNode recipient, JsonNode body) {
        if (body.hasNonNull("UserName")) {
            recipient.put("UserName", body.get("UserName").asText());
        }
        if (body.hasNonNull("UserEmail")) {
            recipient.put("UserEmail", body.get("UserEmail").asText());
        }
        if (body.hasNonNull("PrivateMessage")) {
            recipient.put("PrivateMessage", body.get("PrivateMessage").asText());
        }
        JsonNode otp = body.get("OTP");
        if (otp != null && otp.isObject()) {
            ObjectNode target = (ObjectNode) recipient.get("OTP");
            if (otp.hasNonNull("IsRequired")) {
                target.put("IsRequired", otp.get("IsRequired").asBoolean());
            }
            if (otp.hasNonNull("MobileNumber")) {
                target.put("MobileNumber", otp.get("MobileNumber").asText());
            }
            if (otp.hasNonNull("Type")) {
                target.put("Type", otp.get("Type").asInt());
            }
            if (otp.hasNonNull("AccessCode")) {
                // the code itself is a secret: the state only remembers that one was set
                target.put("HasAccessCode", true);
            }
        }
    }

    private static String validate(JsonNode body) {
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) body::fields) {
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (!FIELDS.contains(k)) {
                return "The request is invalid: unknown field '" + k + "'.";
            }
            if (v.isNull()) {
                continue;
            }
            switch (k) {
                case "OTP" -> {
                    String p = nested(v, "OTP", OTP_FIELDS);
                    if (p != null) {
                        return p;
                    }
                    if (v.hasNonNull("IsRequired") && !v.get("IsRequired").isBoolean()) {
                        return "The request is invalid: OTP.IsRequired must be a boolean.";
                    }
                    if (v.hasNonNull("Type") && !v.get("Type").isIntegralNumber()) {
                        return "The request is invalid: OTP.Type must be an integer.";
                    }
                    for (String f : List.of("AccessCode", "MobileNumber")) {
                        if (v.hasNonNull(f) && !v.get(f).isTextual()) {
                            return "The request is invalid: OTP." + f + " must be a string.";
                        }
                    }
                }
                case "AuditDetails" -> {
                    String p = nested(v, "AuditDetails", AUDIT_FIELDS);
                    if (p != null) {
                        return p;
                    }
                }
                default -> {
                    if (!v.isTextual()) {
                        return "The request is invalid: " + k + " must be a string.";
                    }
                }
            }
        }
        if (!body.hasNonNull("OldUserEmail") || body.get("OldUserEmail").asText().isBlank()) {
            return "The OldUserEmail field is required.";
        }
        JsonNode email = body.get("UserEmail");
        if (email != null && email.isTextual() && !isEmail(email.asText())) {
            return "The UserEmail field is not a valid e-mail address.";
        }
        return null;
    }

    private static String nested(JsonNode v, String name, Set<String> allowed) {
        if (!v.isObject()) {
            return "The request is invalid: " + name + " must be an object.";
        }
        for (String k : (Iterable<String>) v::fieldNames) {
            if (!allowed.contains(k)) {
                return "The request is invalid: unknown field '" + name + "." + k + "'.";
            }
        }
        return null;
    }
}
