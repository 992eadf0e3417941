package io.participantsync.provider.zigned;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.sandbox.ProviderSimulator;
import io.participantsync.sandbox.SandboxRequest;
import io.participantsync.sandbox.SandboxResponse;
import io.participantsync.sandbox.SimulatorContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Zigned REST v3: {@code /zigned/oauth/token} (client credentials) and
 * {@code /zigned/rest/v3/agreements/{a}/participants/{id}} (GET, PUT). Participants of an agreement that is not in
 * draft are immutable (400). Errors as {@code {"status":"error","error":{code, message, request_id}}}.
 */
public final class ZignedSimulator extends ProviderSimulator {

    private static final long TOKEN_TTL = 3600;
    private static final Set<String> ROLES = Set.of("signer", "approver");
    private static final Set<String> LOCALES = Set.of("sv-SE", "en-US");
    private static final Set<String> FIELDS = Set.of("name", "email", "role", "identity_enforcement", "order",
            "locale");
    private static final long MAX_SAFE_INTEGER = 9007199254740991L;

    private record Agreement(String id, String status, Map<String, ObjectNode> participants) {
    }

    private final Map<String, Agreement> agreements = new ConcurrentHashMap<>();

    public ZignedSimulator(SimulatorContext ctx) {
        super(ctx);
    }

    @Override
    public String id() {
        return "zigned";
    }

    @Override
    protected Set<String> maskedKeys() {
        return Set.of("personal_number");
    }

    @Override
    protected boolean isTokenCall(SandboxRequest r) {
        return "oauth".equals(r.segment(1));
    }

    @Override
    protected void connectionProperties(Map<String, String> into, String url) {
        String p = connectionPrefix(into, ZignedSandboxCredentials.ZIGNED);
        into.put(p + "base-url", url + "/zigned/rest/v3");
        into.put(p + "token-url", url + "/zigned/oauth/token");
        into.put(p + "client-id", ZignedSandboxCredentials.ZIGNED_CLIENT_ID_LOCAL_DEV_ONLY);
        into.put(p + "client-secret", ZignedSandboxCredentials.ZIGNED_CLIENT_SECRET_LOCAL_DEV_ONLY);
    }

    @Override
    protected void seed(JsonNode seed) {
        agreements.clear();
        for (JsonNode a : seed.path("agreements")) {
            Agreement agreement = new Agreement(a.path("id").asText(), a.path("status").asText("draft"),
                    new ConcurrentHashMap<>());
            for (JsonNode p : a.path("participants")) {
                agreement.participants().put(p.path("id").asText(), newParticipant(agreement.id(), p));
            }
            agreements.put(agreement.id(), agreement);
        }
    }

    private ObjectNode newParticipant(String agreementId, JsonNode given) {
        ObjectNode p = object();
        p.put("id", given.path("id").asText());
        p.put("resource_type", "participant");
        p.put("agreement_id", agreementId);
        p.put("name", given.path("name").asText(given.path("email").asText("")));
        p.put("email", given.path("email").asText(""));
        p.put("role", given.path("role").asText("signer"));
        p.put("status", given.path("status").asText("draft"));
        if (given.has("order")) {
            p.put("order", given.path("order").asLong());
        } else {
            p.putNull("order");
        }
        p.put("locale", given.path("locale").asText("sv-SE"));
        ObjectNode ie = p.putObject("identity_enforcement");
        if (given.path("identity_enforcement").path("enabled").asBoolean(false)) {
            ie.put("enabled", true);
            ie.put("status", "pending");
            ie.put("enforcement_method", "swe_pno_crosscheck");
        } else {
            ie.put("enabled", false);
        }
        p.putNull("signature");
        p.putNull("signing_room_url");
        p.put("created_at", "2025-02-03T10:15:00.000Z");
        p.put("updated_at", "2025-02-03T10:15:00.000Z");
        return p;
    }

    @Override
    protected Optional<JsonNode> participant(String... locator) {
        if (locator.length != 2) {
            throw new IllegalArgumentException("zigned locator is (agreement_id, participant_id)");
        }
        Agreement a = agreements.get(locator[0]);
        ObjectNode node = a == null ? null : a.participants().get(locator[1]);
        if (node == null) {
            return Optional.empty();
        }
        synchronized (node) {
            return Optional.of(node.deepCopy());
        }
    }

    @Override
    protected SandboxResponse error(int status, String message) {
        ObjectNode body = object();
        body.put("status", "error");
        ObjectNode err = body.putObject("error");
        err.put("code", status);
        err.put("message", message);
        err.put("request_id", requestId());
        return SandboxResponse.json(status, write(body));
    }

    @Override
    protected SandboxResponse handle(SandboxRequest r) {
        List<String> s = r.segments();
        if (s.size() == 3 && "oauth".equals(s.get(1)) && "token".equals(s.get(2))) {
            return "POST".equals(r.method()) ? token(r) : error(405, "Method not allowed");
        }
        if (!(s.size() == 7 && "rest".equals(s.get(1)) && "v3".equals(s.get(2)) && "agreements".equals(s.get(3))
                && "participants".equals(s.get(5)))) {
            return error(404, "Route not found");
        }
        if (!hasValidToken(r, "Bearer", null)) {
            return error(401, "Unauthorized: the access token is missing, invalid or expired");
        }
        if ("GET".equals(r.method())) {
            Optional<JsonNode> p = participant(s.get(4), s.get(6));
            return p.map(this::envelope).orElseGet(() -> notFound(s.get(4)));
        }
        if (!"PUT".equals(r.method())) {
            return error(405, "Method not allowed");
        }
        return update(r, s.get(4), s.get(6));
    }

    private SandboxResponse notFound(String agreementId) {
        return error(404, agreements.containsKey(agreementId) ? "Participant not found" : "Agreement not found");
    }

    private SandboxResponse token(SandboxRequest r) {
        Map<String, String> form = r.form();
        String clientId = form.get("client_id");
        String secret = form.get("client_secret");
        String[] basic = basicCredentials(r);
        if (basic != null) {
            clientId = basic[0];
            secret = basic[1];
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return oauthError(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported");
        }
        if (!ZignedSandboxCredentials.ZIGNED_CLIENT_ID_LOCAL_DEV_ONLY.equals(clientId)
                || !ZignedSandboxCredentials.ZIGNED_CLIENT_SECRET_LOCAL_DEV_ONLY.equals(secret)) {
            return oauthError(401, "invalid_client", "Client authentication failed");
        }
        ObjectNode body = issueAccessToken("zg_", ZignedSandboxCredentials.ZIGNED, null, TOKEN_TTL, "Bearer");
        body.put("scope", "agreements participants");
        return SandboxResponse.json(200, write(body));
    }

    private SandboxResponse update(SandboxRequest r, String agreementId, String participantId) {
        Agreement agreement = agreements.get(agreementId);
        if (agreement == null && ctx.knobs().autoCreate()) {
            agreement = agreements.computeIfAbsent(agreementId, id -> new Agreement(id, "draft",
                    new ConcurrentHashMap<>()));
        }
        if (agreement == null) {
            return error(404, "Agreement not found");
        }
        ObjectNode found = agreement.participants().get(participantId);
        if (found == null && ctx.knobs().autoCreate()) {
            found = agreement.participants().computeIfAbsent(participantId, id -> newParticipant(agreementId,
                    object().put("id", id).put("email", id + "@example.com")));
        }
        if (found == null) {
            return error(404, "Participant not found");
        }
        ObjectNode node = found;
        if (!r.isJson()) {
            return error(415, "Content-Type must be application/json");
        }
        JsonNode body = parseBody(r);
        if (body == null || !body.isObject()) {
            return error(400, "Invalid JSON body: expected an object");
        }
        List<String> problems = validate(body);
        if (!problems.isEmpty()) {
            return error(400, "Validation failed: " + String.join("; ", problems));
        }
        if (!"draft".equals(agreement.status())) {
            return error(400, "The agreement is in " + agreement.status()
                    + " status: existing participants are immutable. Only participants of a draft agreement can "
                    + "be updated.");
        }
        synchronized (node) {
            String role = body.has("role") ? body.get("role").asText() : node.path("role").asText();
            JsonNode ie = body.get("identity_enforcement");
            if (ie != null && ie.has("personal_number") && !"signer".equals(role)) {
                return error(400, "Identity enforcement is only available for participants with role signer");
            }
            body.fields().forEachRemaining(e -> {
                switch (e.getKey()) {
                    case "identity_enforcement" -> {
                        ObjectNode target = node.putObject("identity_enforcement");
                        if (e.getValue().has("personal_number")) {
                            target.put("enabled", true);
                            target.put("status", "pending");
                            target.put("enforcement_method", "swe_pno_crosscheck");
                        } else {
                            target.put("enabled", false);
                        }
                    }
                    default -> node.set(e.getKey(), e.getValue().deepCopy());
                }
            });
            if (body.has("email") && !body.has("name") && node.path("name").asText("").isEmpty()) {
                node.put("name", body.get("email").asText());
            }
            node.put("updated_at", now());
            record(ZignedSandboxCredentials.ZIGNED, agreementId + "/" + participantId, body);
            return envelope(node.deepCopy());
        }
    }

    private List<String> validate(JsonNode body) {
        List<String> problems = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        body.fieldNames().forEachRemaining(k -> {
            if (!FIELDS.contains(k)) {
                unknown.add("'" + k + "'");
            }
        });
        if (!unknown.isEmpty()) {
            problems.add("Unrecognized key(s) in object: " + String.join(", ", unknown));
        }
        for (String k : List.of("name", "email")) {
            JsonNode v = body.get(k);
            if (v != null && !v.isTextual()) {
                problems.add("Expected string, received " + type(v) + " at '" + k + "'");
            }
        }
        JsonNode email = body.get("email");
        if (email != null && email.isTextual() && !isEmail(email.asText())) {
            problems.add("Invalid email at 'email'");
        }
        enumCheck(problems, body, "role", ROLES);
        enumCheck(problems, body, "locale", LOCALES);
        JsonNode order = body.get("order");
        if (order != null && (!order.isIntegralNumber() || Math.abs(order.asLong()) > MAX_SAFE_INTEGER)) {
            problems.add("Expected integer, received " + type(order) + " at 'order'");
        }
        JsonNode ie = body.get("identity_enforcement");
        if (ie != null) {
            if (!ie.isObject()) {
                problems.add("Expected object, received " + type(ie) + " at 'identity_enforcement'");
            } else if (ie.size() == 1 && ie.has("personal_number")) {
                if (!ie.get("personal_number").isTextual() || ie.get("personal_number").asText().isBlank()) {
                    problems.add("Expected non-empty string at 'identity_enforcement.personal_number'");
                }
            } else if (ie.size() == 1 && ie.has("disable")) {
                if (!ie.get("disable").isBoolean() || !ie.get("disable").asBoolean()) {
                    problems.add("Invalid literal value, expected true at 'identity_enforcement.disable'");
                }
            } else {
                problems.add("Invalid input at 'identity_enforcement': expected {personal_number} or {disable: true}");
            }
        }
        return problems;
    }

    private static void enumCheck(List<String> problems, JsonNode body, String field, Set<String> allowed) {
        JsonNode v = body.get(field);
        if (v != null && (!v.isTextual() || !allowed.contains(v.asText()))) {
            problems.add("Invalid enum value. Expected " + String.join(" | ", allowed.stream().sorted()
                    .map(a -> "'" + a + "'").toList()) + " at '" + field + "'");
        }
    }

    private static String type(JsonNode v) {
        if (v.isTextual()) {
            return "string";
        }
        if (v.isNumber()) {
            return "number";
        }
        if (v.isBoolean()) {
            return "boolean";
        }
        if (v.isNull()) {
            return "null";
        }
        return v.isArray() ? "array" : "object";
    }

    private SandboxResponse envelope(JsonNode participant) {
        ObjectNode body = object();
        body.put("version", "1.0");
        body.put("result_type", "single");
        body.put("resource_type", "participant");
        body.set("data", participant);
        return SandboxResponse.json(200, write(body));
    }
}
