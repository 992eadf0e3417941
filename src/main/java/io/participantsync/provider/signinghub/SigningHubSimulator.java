package io.participantsync.provider.signinghub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * SigningHub: {@code /signinghub/authenticate} (password, refresh_token and client_credentials grants; refresh tokens
 * are single-use and each refresh returns a new one) and {@code /signinghub/v3|v4/packages/{id}/workflow/{order}/user}
 * (PUT, 200 with an empty body) plus {@code .../workflow/users} (GET). Locked workflows answer 403, XML-document
 * packages accept only SIGNER, REVIEWER and CARBON_COPY. Errors as {@code {"Message": "..."}}.
 */
public final class SigningHubSimulator extends ProviderSimulator {

    private static final long TOKEN_TTL = 86399;
    private static final Set<String> ROLES = Set.of("SIGNER", "REVIEWER", "EDITOR", "CARBON_COPY", "INPERSON_HOST");
    private static final Set<String> XML_ROLES = Set.of("SIGNER", "REVIEWER", "CARBON_COPY");
    private static final Set<String> FIELDS = Set.of("user_email", "user_name", "role", "email_notification",
            "signing_order");

    /** A package; {@code users} is guarded by the package's monitor. */
    private record Package(long id, String name, String documentType, boolean locked, List<ObjectNode> users) {
    }

    private final Map<Long, Package> packages = new ConcurrentHashMap<>();
    private final Set<String> refreshTokens = ConcurrentHashMap.newKeySet();

    public SigningHubSimulator(SimulatorContext ctx) {
        super(ctx);
    }

    @Override
    public String id() {
        return "signinghub";
    }

    @Override
    protected boolean isTokenCall(SandboxRequest r) {
        return "authenticate".equals(r.segment(1));
    }

    @Override
    protected void connectionProperties(Map<String, String> into, String url) {
        String p = connectionPrefix(into, SigningHubSandboxCredentials.SIGNINGHUB);
        into.put(p + "base-url", url + "/signinghub");
        into.put(p + "token-url", url + "/signinghub/authenticate");
        into.put(p + "client-id", SigningHubSandboxCredentials.SIGNINGHUB_CLIENT_ID_LOCAL_DEV_ONLY);
        into.put(p + "client-secret", SigningHubSandboxCredentials.SIGNINGHUB_CLIENT_SECRET_LOCAL_DEV_ONLY);
        into.put(p + "username", SigningHubSandboxCredentials.SIGNINGHUB_USERNAME_LOCAL_DEV_ONLY);
        into.put(p + "password", SigningHubSandboxCredentials.SIGNINGHUB_PASSWORD_LOCAL_DEV_ONLY);
        into.put(p + "api-version", "v3");
    }

    @Override
    protected void seed(JsonNode seed) {
        packages.clear();
        for (JsonNode p : seed.path("packages")) {
            List<ObjectNode> users = new ArrayList<>();
            for (JsonNode u : p.path("users")) {
                users.add(newUser(users.size() + 1, u));
            }
            Package pkg = new Package(p.path("id").asLong(), p.path("name").asText(""),
                    p.path("document_type").asText("PDF"), p.path("workflow_locked").asBoolean(false), users);
            packages.put(pkg.id(), pkg);
        }
    }

    private ObjectNode newUser(int order, JsonNode given) {
        ObjectNode u = object();
        u.put("order", order);
        u.put("user_email", given.path("user_email").asText(""));
        u.put("user_name", given.path("user_name").asText(""));
        u.put("role", given.path("role").asText("SIGNER"));
        u.put("email_notification", given.path("email_notification").asBoolean(true));
        u.put("signing_order", given.path("signing_order").asInt(order));
        return u;
    }

    @Override
    protected Optional<JsonNode> participant(String... locator) {
        if (locator.length != 2) {
            throw new IllegalArgumentException("signinghub locator is (package_id, workflow_order)");
        }
        try {
            Package pkg = packages.get(Long.parseLong(locator[0]));
            int order = Integer.parseInt(locator[1]);
            if (pkg == null) {
                return Optional.empty();
            }
            synchronized (pkg) {
                return order >= 1 && order <= pkg.users().size()
                        ? Optional.of(pkg.users().get(order - 1).deepCopy())
                        : Optional.empty();
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    protected SandboxResponse error(int status, String message) {
        return SandboxResponse.json(status, write(object().put("Message", message)));
    }

    @Override
    protected SandboxResponse handle(SandboxRequest r) {
        List<String> s = r.segments();
        if (s.size() == 2 && "authenticate".equals(s.get(1))) {
            return "POST".equals(r.method()) ? authenticate(r)
                    : error(405, "The requested resource does not support http method '" + r.method() + "'.");
        }
        boolean versioned = s.size() >= 6 && ("v3".equals(s.get(1)) || "v4".equals(s.get(1)))
                && "packages".equals(s.get(2)) && "workflow".equals(s.get(4));
        boolean userPath = versioned && s.size() == 7 && "user".equals(s.get(6));
        boolean usersPath = versioned && s.size() == 6 && "users".equals(s.get(5));
        if (!userPath && !usersPath) {
            return error(404, "No HTTP resource was found that matches the request URI.");
        }
        if (r.authorization("Bearer") == null) {
            return error(401, "User authentication required");
        }
        if (!hasValidToken(r, "Bearer", null)) {
            return error(401, "Request authorization denied");
        }
        Long packageId = parseLong(s.get(3));
        Package pkg = packageId == null ? null : packages.get(packageId);
        if (usersPath) {
            if (!"GET".equals(r.method())) {
                return error(405, "The requested resource does not support http method '" + r.method() + "'.");
            }
            return pkg == null ? error(404, "Document not found") : users(pkg);
        }
        if (!"PUT".equals(r.method())) {
            return error(405, "The requested resource does not support http method '" + r.method() + "'.");
        }
        Long order = parseLong(s.get(5));
        if (pkg == null && packageId != null && order != null && order >= 1 && ctx.knobs().autoCreate()) {
            pkg = packages.computeIfAbsent(packageId, this::generated);
        }
        if (pkg == null) {
            return error(404, "Document not found");
        }
        return update(r, pkg, order);
    }

    private Package generated(long id) {
        List<ObjectNode> users = new ArrayList<>();
        return new Package(id, "Generated package " + id, "PDF", false, users);
    }

    private static Long parseLong(String raw) {
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private SandboxResponse users(Package pkg) {
        ArrayNode list = mapper.createArrayNode();
        synchronized (pkg) {
            pkg.users().forEach(u -> list.add(u.deepCopy()));
        }
        return SandboxResponse.json(200, write(list));
    }

    private SandboxResponse update(SandboxRequest r, Package pkg, Long order) {
        if (pkg.locked()) {
            return error(403, "You are not allowed to perform this action on locked workflow");
        }
        synchronized (pkg) {
            if (order != null && order >= 1 && order > pkg.users().size() && ctx.knobs().autoCreate()) {
                while (pkg.users().size() < order) {
                    int n = pkg.users().size() + 1;
                    pkg.users().add(newUser(n, object().put("user_email", "recipient" + n + "@example.com")
                            .put("user_name", "Recipient " + n)));
                }
            }
            if (order == null || order < 1 || order > pkg.users().size()) {
                return error(404, "No user found at given order");
            }
        }
        if (!r.isJson()) {
            return error(415, "The request entity's media type is not supported for this resource.");
        }
        JsonNode body = parseBody(r);
        if (body == null || !body.isObject()) {
            return error(400, "The request is invalid.");
        }
        String problem = validate(body);
        if (problem != null) {
            return error(400, problem);
        }
        if ("XML".equalsIgnoreCase(pkg.documentType()) && body.has("role")
                && !XML_ROLES.contains(body.get("role").asText())) {
            return error(400, "Recipient role is not supported for an XML type document");
        }
        synchronized (pkg) {
            ObjectNode user = pkg.users().get(order.intValue() - 1);
            body.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    user.set(e.getKey(), e.getValue().deepCopy());
                }
            });
            record(SigningHubSandboxCredentials.SIGNINGHUB, pkg.id() + "/" + order, body);
        }
        return SandboxResponse.empty(200);
    }

    private static String validate(JsonNode body) {
        List<String> unknown = new ArrayList<>();
        body.fieldNames().forEachRemaining(k -> {
            if (!FIELDS.contains(k)) {
                unknown.add(k);
            }
        });
        if (!unknown.isEmpty()) {
            return "Invalid request: unknown field(s) " + String.join(", ", unknown);
        }
        for (String k : List.of("user_email", "user_name", "role")) {
            JsonNode v = body.get(k);
            if (v != null && !v.isNull() && !v.isTextual()) {
                return "Invalid value for " + k + ": a string is expected";
            }
        }
        JsonNode email = body.get("user_email");
        if (email != null && email.isTextual() && !isEmail(email.asText())) {
            return "Invalid email address";
        }
        JsonNode role = body.get("role");
        if (role != null && role.isTextual() && !ROLES.contains(role.asText())) {
            return "Invalid recipient role";
        }
        JsonNode notify = body.get("email_notification");
        if (notify != null && !notify.isNull() && !notify.isBoolean()) {
            return "Invalid value for email_notification: a boolean is expected";
        }
        JsonNode signingOrder = body.get("signing_order");
        if (signingOrder != null && !signingOrder.isNull()
                && (!signingOrder.canConvertToInt() || !signingOrder.isIntegralNumber() || signingOrder.asInt() < 1)) {
            return "Invalid value for signing_order: a positive integer is expected";
        }
        return null;
    }

    private SandboxResponse authenticate(SandboxRequest r) {
        Map<String, String> form = r.form();
        String grant = form.getOrDefault("grant_type", "");
        if (!Set.of("password", "refresh_token", "client_credentials").contains(grant)) {
            return oauthError(400, "unsupported_grant_type", "The authorization grant type is not supported");
        }
        if (!SigningHubSandboxCredentials.SIGNINGHUB_CLIENT_ID_LOCAL_DEV_ONLY.equals(form.get("client_id"))
                || !SigningHubSandboxCredentials.SIGNINGHUB_CLIENT_SECRET_LOCAL_DEV_ONLY
                        .equals(form.get("client_secret"))) {
            return oauthError(401, "invalid_client", "Invalid client credentials");
        }
        if ("password".equals(grant)
                && (!SigningHubSandboxCredentials.SIGNINGHUB_USERNAME_LOCAL_DEV_ONLY.equalsIgnoreCase(
                        form.getOrDefault("username", ""))
                        || !SigningHubSandboxCredentials.SIGNINGHUB_PASSWORD_LOCAL_DEV_ONLY
                                .equals(form.get("password")))) {
            return oauthError(400, "invalid_grant", "Invalid username or password");
        }
        if ("refresh_token".equals(grant)) {
            String refresh = form.get("refresh_token");
            if (refresh == null || !refreshTokens.remove(refresh)) {
                return oauthError(400, "invalid_grant", "Invalid or expired refresh token");
            }
        }
        String refresh = "shr_" + randomHex(20);
        refreshTokens.add(refresh);
        ObjectNode body = issueAccessToken("sh_", SigningHubSandboxCredentials.SIGNINGHUB, null, TOKEN_TTL, "bearer");
        body.put("refresh_token", refresh);
        return SandboxResponse.json(200, write(body));
    }
}
