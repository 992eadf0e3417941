package io.participantsync.provider.zoho;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.sandbox.ProviderSimulator;
import io.participantsync.sandbox.SandboxKnobs;
import io.participantsync.sandbox.SandboxRequest;
import io.participantsync.sandbox.SandboxResponse;
import io.participantsync.sandbox.SimulatorContext;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Zoho Contracts, one state and one OAuth client per data centre ({@code com}, {@code eu}):
 * {@code /zoho-accounts/{dc}/oauth/v2/token} (refresh-token grant, parameters in the query string, at most
 * {@link SandboxKnobs#zohoTokenLimit()} requests per window and refresh token) and
 * {@code /zoho/{dc}/api/v1/counterparties/{org}/counterpartyusers/{email}/} (PUT, trailing slash required; changing
 * {@code emailId} moves the contact to the new path) plus {@code .../counterpartyusers?status=all} (GET). API calls
 * need {@code Authorization: Zoho-oauthtoken <token>} issued by the same data centre. Errors as
 * {@code {"Errors":{"ErrorCode": "...", "Message": "..."}}}; token errors as {@code {"error": "..."}}.
 */
public final class ZohoSimulator extends ProviderSimulator {

    private static final long TOKEN_TTL = 3600;
    private static final Set<String> FIELDS = Set.of("emailId", "displayName");

    private record Client(String connection, String clientId, String secret, String refreshToken) {
    }

    /**
     * An organisation's contacts keyed by lower-cased email, and the emails a contact moved away from (which
     * auto-creation must not bring back); both guarded by the organisation's monitor.
     */
    private record Organization(String apiName, String name, Map<String, ObjectNode> contacts,
            Set<String> movedAway) {

        Organization(String apiName, String name) {
            this(apiName, name, new LinkedHashMap<>(), new HashSet<>());
        }
    }

    private final Map<String, Client> clients = Map.of(
            "com", new Client(ZohoSandboxCredentials.ZOHO, ZohoSandboxCredentials.ZOHO_CLIENT_ID_LOCAL_DEV_ONLY,
                    ZohoSandboxCredentials.ZOHO_CLIENT_SECRET_LOCAL_DEV_ONLY,
                    ZohoSandboxCredentials.ZOHO_REFRESH_TOKEN_LOCAL_DEV_ONLY),
            "eu", new Client(ZohoSandboxCredentials.ZOHO_EU, ZohoSandboxCredentials.ZOHO_EU_CLIENT_ID_LOCAL_DEV_ONLY,
                    ZohoSandboxCredentials.ZOHO_EU_CLIENT_SECRET_LOCAL_DEV_ONLY,
                    ZohoSandboxCredentials.ZOHO_EU_REFRESH_TOKEN_LOCAL_DEV_ONLY));
    /** dc -> org api name -> organisation. */
    private final Map<String, Map<String, Organization>> orgs = new ConcurrentHashMap<>();
    /** refresh token -> nanoTimes of the accepted token requests in the current window. */
    private final Map<String, Deque<Long>> tokenRequests = new ConcurrentHashMap<>();

    public ZohoSimulator(SimulatorContext ctx) {
        super(ctx);
    }

    @Override
    public String id() {
        return "zoho";
    }

    /** The API under {@code /zoho/{dc}/...}, the accounts server (its token endpoint) under {@code /zoho-accounts/}. */
    @Override
    protected List<String> prefixes() {
        return List.of("zoho", "zoho-accounts");
    }

    @Override
    protected boolean isTokenCall(SandboxRequest r) {
        return "zoho-accounts".equals(r.segment(0));
    }

    @Override
    protected void connectionProperties(Map<String, String> into, String url) {
        clients.forEach((dc, client) -> {
            String p = connectionPrefix(into, client.connection());
            into.put(p + "base-url", url + "/zoho/" + dc);
            into.put(p + "token-url", url + "/zoho-accounts/" + dc + "/oauth/v2/token");
            into.put(p + "client-id", client.clientId());
            into.put(p + "client-secret", client.secret());
            into.put(p + "refresh-token", client.refreshToken());
            into.put(p + "data-centre", dc);
        });
    }

    @Override
    protected void seed(JsonNode seed) {
        orgs.clear();
        tokenRequests.clear();
        for (String dc : clients.keySet()) {
            Map<String, Organization> byName = new ConcurrentHashMap<>();
            for (JsonNode o : seed.path(dc).path("organizations")) {
                Organization org = new Organization(o.path("apiName").asText(), o.path("name").asText(""));
                for (JsonNode c : o.path("contacts")) {
                    ObjectNode contact = newContact(c.path("emailId").asText(), c.path("displayName").asText(""),
                            c.path("status").asText("active"));
                    org.contacts().put(key(contact.path("emailId").asText()), contact);
                }
                byName.put(org.apiName(), org);
            }
            orgs.put(dc, byName);
        }
    }

    private ObjectNode newContact(String email, String name, String status) {
        ObjectNode c = object();
        c.put("emailId", email);
        c.put("displayName", name);
        c.put("status", status);
        return c;
    }

    private static String key(String email) {
        return email.toLowerCase(Locale.ROOT);
    }

    @Override
    protected Optional<JsonNode> participant(String... locator) {
        if (locator.length != 3) {
            throw new IllegalArgumentException("zoho locator is (data_centre, organization, email)");
        }
        Organization org = orgs.getOrDefault(locator[0], Map.of()).get(locator[1]);
        if (org == null) {
            return Optional.empty();
        }
        synchronized (org) {
            return Optional.ofNullable(org.contacts().get(key(locator[2]))).map(ObjectNode::deepCopy);
        }
    }

    @Override
    protected SandboxResponse error(int status, String message) {
        String code = switch (status) {
            case 400 -> "INVALID_DATA";
            case 401 -> "OAUTH_SCOPE_MISMATCH";
            case 403 -> "NO_PERMISSION";
            case 404 -> "INVALID_URL_PATTERN";
            case 429 -> "TOO_MANY_REQUESTS";
            default -> "INTERNAL_ERROR";
        };
        return error(status, code, message);
    }

    private SandboxResponse error(int status, String code, String message) {
        ObjectNode body = object();
        ObjectNode errors = body.putObject("Errors");
        errors.put("ErrorCode", code);
        errors.put("Message", message);
        return SandboxResponse.json(status, write(body));
    }

    @Override
    protected SandboxResponse handle(SandboxRequest r) {
        List<String> s = r.segments();
        if ("zoho-accounts".equals(s.get(0))) {
            if (s.size() == 5 && "oauth".equals(s.get(2)) && "v2".equals(s.get(3)) && "token".equals(s.get(4))
                    && clients.containsKey(s.get(1))) {
                return "POST".equals(r.method()) ? token(r, s.get(1))
                        : oauthError(400, "invalid_request", "POST is required");
            }
            return SandboxResponse.text(404, "Not Found");
        }
        // zoho/{dc}/api/v1/counterparties/{org}/counterpartyusers[/{email}/]
        String dc = s.size() > 1 ? s.get(1) : "";
        boolean prefix = s.size() >= 7 && clients.containsKey(dc) && "api".equals(s.get(2)) && "v1".equals(s.get(3))
                && "counterparties".equals(s.get(4)) && "counterpartyusers".equals(s.get(6));
        boolean list = prefix && (s.size() == 7 || (s.size() == 8 && s.get(7).isEmpty()));
        boolean contact = prefix && s.size() == 9 && !s.get(7).isEmpty() && s.get(8).isEmpty();
        if (!list && !contact) {
            return error(404, "INVALID_URL_PATTERN", "Please check if the URL trying to access is a correct one");
        }
        String expected = list ? "GET" : "PUT";
        if (!expected.equals(r.method())) {
            return error(400, "INVALID_REQUEST_METHOD", "The http request method type is not a valid one");
        }
        if (!hasValidToken(r, "Zoho-oauthtoken", dc)) {
            return error(401, "OAUTH_SCOPE_MISMATCH", "Unauthorized: invalid or expired OAuth token");
        }
        String orgName = s.get(5);
        Organization org = orgs.get(dc).get(orgName);
        if (org == null && contact && ctx.knobs().autoCreate()) {
            org = orgs.get(dc).computeIfAbsent(orgName, n -> new Organization(n, n));
        }
        if (org == null) {
            return error(404, "INVALID_URL_PATTERN", "No organization with the API name '" + orgName + "'");
        }
        return list ? list(org) : update(r, dc, org, s.get(7));
    }

    private SandboxResponse list(Organization org) {
        ObjectNode body = object();
        ArrayNode users = body.putArray("counterpartyusers");
        synchronized (org) {
            org.contacts().values().forEach(c -> users.add(c.deepCopy()));
        }
        return SandboxResponse.json(200, write(body));
    }

    private SandboxResponse update(SandboxRequest r, String dc, Organization org, String currentEmail) {
        if (!r.isJson()) {
            return error(400, "INVALID_DATA", "Content-Type must be application/json");
        }
        JsonNode body = parseBody(r);
        if (body == null || !body.isObject()) {
            return error(400, "INVALID_DATA", "The request body is not valid JSON");
        }
        for (String k : (Iterable<String>) body::fieldNames) {
            if (!FIELDS.contains(k)) {
                return error(400, "INVALID_DATA", "Unknown key '" + k + "'");
            }
            if (!body.get(k).isTextual()) {
                return error(400, "INVALID_DATA", "The value of '" + k + "' must be a string");
            }
        }
        if (body.isEmpty()) {
            return error(400, "INVALID_DATA", "Nothing to update: give emailId or displayName");
        }
        String newEmail = body.hasNonNull("emailId") ? body.get("emailId").asText() : null;
        if (newEmail != null && !isEmail(newEmail)) {
            return error(400, "INVALID_DATA", "The value of 'emailId' is not a valid email address");
        }
        synchronized (org) {
            ObjectNode contact = org.contacts().get(key(currentEmail));
            // the path of a contact whose email changed is gone, as at the real provider: a retry of that edit must
            // meet the same 404 there, not a contact created anew
            if (contact == null && ctx.knobs().autoCreate() && !org.movedAway().contains(key(currentEmail))) {
                contact = newContact(currentEmail, currentEmail, "active");
                org.contacts().put(key(currentEmail), contact);
            }
            if (contact == null) {
                return error(404, "INVALID_URL_PATTERN", "No counterparty contact with this email in organization '"
                        + org.apiName() + "'");
            }
            if (newEmail != null && !key(newEmail).equals(key(currentEmail))
                    && org.contacts().containsKey(key(newEmail))) {
                return error(400, "DUPLICATE_DATA", "A counterparty contact with this email already exists");
            }
            if (body.hasNonNull("displayName")) {
                contact.put("displayName", body.get("displayName").asText());
            }
            if (newEmail != null && !key(newEmail).equals(key(currentEmail))) {
                org.movedAway().add(key(currentEmail));
                org.movedAway().remove(key(newEmail));
            }
            if (newEmail != null) {
                org.contacts().remove(key(currentEmail));
                contact.put("emailId", newEmail);
                org.contacts().put(key(newEmail), contact);
            }
            record(clients.get(dc).connection(), dc + "/" + org.apiName() + "/" + key(currentEmail), body);
            ObjectNode answer = object();
            answer.put("Type", "counterpartyuser");
            answer.put("emailId", contact.path("emailId").asText());
            return SandboxResponse.json(200, write(answer));
        }
    }

    private SandboxResponse token(SandboxRequest r, String dc) {
        Map<String, String> params = new LinkedHashMap<>(r.query());
        // Zoho reads the query string; a form body is tolerated as real Zoho accounts servers do
        r.form().forEach(params::putIfAbsent);
        if (!"refresh_token".equals(params.get("grant_type"))) {
            return oauthError(400, "unsupported_grant_type", null);
        }
        Client client = clients.get(dc);
        if (!client.clientId().equals(params.get("client_id"))) {
            return oauthError(401, "invalid_client", "The client_id is not known in data centre " + dc);
        }
        if (!client.secret().equals(params.get("client_secret"))) {
            return oauthError(401, "invalid_client_secret", "The client_secret is invalid");
        }
        String refresh = params.get("refresh_token");
        if (!client.refreshToken().equals(refresh)) {
            return oauthError(400, "invalid_code", "The refresh token is invalid");
        }
        if (!admit(refresh)) {
            return oauthError(400, "Access Denied",
                    "You have made too many requests continuously. Please try again after some time.");
        }
        ObjectNode body = issueAccessToken("1000.", client.connection(), dc, TOKEN_TTL, "Bearer");
        body.put("scope", "contracts.contracts.ALL");
        body.put("api_domain", ctx.url() + "/zoho/" + dc);
        return SandboxResponse.json(200, write(body));
    }

    /** Sliding window per refresh token; refused requests do not count. */
    private boolean admit(String refreshToken) {
        Deque<Long> times = tokenRequests.computeIfAbsent(refreshToken, k -> new ArrayDeque<>());
        long now = System.nanoTime();
        long window = TimeUnit.SECONDS.toNanos(ctx.knobs().zohoTokenWindowSeconds());
        synchronized (times) {
            while (!times.isEmpty() && now - times.peekFirst() >= window) {
                times.pollFirst();
            }
            if (times.size() >= ctx.knobs().zohoTokenLimit()) {
                return false;
            }
            times.addLast(now);
            return true;
        }
    }
}
