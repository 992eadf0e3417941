package io.participantsync.provider.oneflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.sandbox.ProviderSimulator;
import io.participantsync.sandbox.SandboxRequest;
import io.participantsync.sandbox.SandboxResponse;
import io.participantsync.sandbox.SimulatorContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Oneflow: {@code /oneflow/v1/...}. Static account tokens checked with the user email, contracts owned by one account,
 * participants updated with PUT; errors as {@code {error_code, status, title, detail, parameter_problems, request_id,
 * type}}. Owner-side participants (of the party with {@code my_party: true}) answer 409 to an email change.
 */
public final class OneflowSimulator extends ProviderSimulator {

    static final Set<String> DELIVERY_CHANNELS = Set.of("email", "sms", "same_device", "none");
    static final Set<String> SIGN_METHODS = Set.of("standard_esign", "sms", "swedish_bankid", "norwegian_bankid",
            "danish_nemid", "finnish_bankid");
    static final Set<String> TWO_STEP_METHODS = Set.of("none", "email", "sms");
    private static final Set<String> STRING_FIELDS = Set.of("name", "email");
    private static final Set<String> NULLABLE_STRING_FIELDS = Set.of("phone_number", "title",
            "identification_number");

    private record Account(String connection, String userEmail) {
    }

    private record Party(long id, String name, boolean mine, Map<Long, ObjectNode> participants) {
    }

    private record Contract(long id, String account, String name, Map<Long, Party> parties) {
    }

    private final Map<String, Account> accounts = Map.of(
            OneflowSandboxCredentials.ONEFLOW_API_TOKEN_LOCAL_DEV_ONLY,
            new Account(OneflowSandboxCredentials.ONEFLOW, OneflowSandboxCredentials.ONEFLOW_USER_EMAIL_LOCAL_DEV_ONLY),
            OneflowSandboxCredentials.ONEFLOW_ACME_API_TOKEN_LOCAL_DEV_ONLY,
            new Account(OneflowSandboxCredentials.ONEFLOW_ACME,
                    OneflowSandboxCredentials.ONEFLOW_ACME_USER_EMAIL_LOCAL_DEV_ONLY));
    private final Map<Long, Contract> contracts = new ConcurrentHashMap<>();

    public OneflowSimulator(SimulatorContext ctx) {
        super(ctx);
    }

    @Override
    public String id() {
        return "oneflow";
    }

    @Override
    protected Set<String> maskedKeys() {
        return Set.of("identification_number");
    }

    @Override
    protected boolean isTokenCall(SandboxRequest request) {
        return false;
    }

    @Override
    protected void connectionProperties(Map<String, String> into, String url) {
        put(into, OneflowSandboxCredentials.ONEFLOW, url, OneflowSandboxCredentials.ONEFLOW_API_TOKEN_LOCAL_DEV_ONLY,
                OneflowSandboxCredentials.ONEFLOW_USER_EMAIL_LOCAL_DEV_ONLY);
        put(into, OneflowSandboxCredentials.ONEFLOW_ACME, url,
                OneflowSandboxCredentials.ONEFLOW_ACME_API_TOKEN_LOCAL_DEV_ONLY,
                OneflowSandboxCredentials.ONEFLOW_ACME_USER_EMAIL_LOCAL_DEV_ONLY);
    }

    private void put(Map<String, String> into, String name, String url, String token, String email) {
        String p = connectionPrefix(into, name);
        into.put(p + "base-url", url + "/oneflow/v1");
        into.put(p + "api-token", token);
        into.put(p + "user-email", email);
    }

    @Override
    protected void seed(JsonNode seed) {
        contracts.clear();
        for (JsonNode c : seed.path("contracts")) {
            Contract contract = new Contract(c.path("id").asLong(),
                    c.path("account").asText(OneflowSandboxCredentials.ONEFLOW), c.path("name").asText(""),
                    new ConcurrentSkipListMap<>());
            for (JsonNode p : c.path("parties")) {
                Party party = new Party(p.path("id").asLong(), p.path("name").asText(""),
                        p.path("my_party").asBoolean(false), new ConcurrentSkipListMap<>());
                for (JsonNode participant : p.path("participants")) {
                    party.participants().put(participant.path("id").asLong(),
                            newParticipant(participant.path("id").asLong(), party.mine(), participant));
                }
                contract.parties().put(party.id(), party);
            }
            contracts.put(contract.id(), contract);
        }
    }

    private ObjectNode newParticipant(long id, boolean ownerSide, JsonNode given) {
        ObjectNode p = object();
        p.putObject("_permissions").put("contract:update", false);
        ObjectNode priv = p.putObject("_private_ownerside");
        priv.put("created_time", "2025-01-15T09:30:00+00:00");
        priv.putNull("first_visited_time");
        priv.putNull("last_visited_time");
        priv.put("updated_time", "2025-01-15T09:30:00+00:00");
        priv.put("visits", 0);
        p.put("delivery_channel", "email");
        p.put("delivery_status", "success");
        p.put("email", "");
        p.put("id", id);
        p.putNull("identification_number");
        p.put("my_participant", false);
        p.put("name", "");
        p.put("organizer", false);
        p.putNull("phone_number");
        p.put("sign_method", "standard_esign");
        p.put("sign_state", "undecided");
        p.putNull("sign_state_updated_time");
        p.put("signatory", true);
        p.putNull("title");
        p.put("two_step_authentication_method", "none");
        p.put("_ownerside", ownerSide);
        if (given != null) {
            given.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("id")) {
                    p.set(e.getKey(), e.getValue().deepCopy());
                }
            });
        }
        return p;
    }

    @Override
    protected Optional<JsonNode> participant(String... locator) {
        if (locator.length != 3) {
            throw new IllegalArgumentException("oneflow locator is (contract_id, party_id, participant_id)");
        }
        try {
            Contract c = contracts.get(Long.parseLong(locator[0]));
            Party p = c == null ? null : c.parties().get(Long.parseLong(locator[1]));
            ObjectNode node = p == null ? null : p.participants().get(Long.parseLong(locator[2]));
            if (node == null) {
                return Optional.empty();
            }
            synchronized (node) {
                return Optional.of(view(node, c.id(), p.id()));
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    protected SandboxResponse error(int status, String message) {
        return error(status, 1, title(status), message, null);
    }

    private SandboxResponse error(int status, int sub, String title, String detail, Map<String, List<String>> problems) {
        int code = status * 10_000 + sub;
        ObjectNode body = object();
        body.put("error_code", code);
        body.put("status", status);
        body.put("title", title);
        body.put("detail", detail);
        if (problems != null && !problems.isEmpty()) {
            ObjectNode pp = body.putObject("parameter_problems");
            problems.forEach((k, v) -> {
                ArrayNode arr = pp.putArray(k);
                v.forEach(arr::add);
            });
        }
        body.put("request_id", requestId());
        body.put("type", "https://api.oneflow.com/v1/error_codes/" + code);
        return SandboxResponse.json(status, write(body));
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Error";
        };
    }

    @Override
    protected SandboxResponse handle(SandboxRequest r) {
        // oneflow / v1 / ...
        if (!"v1".equals(r.segment(1))) {
            return error(404, 1, "Not Found", "No such endpoint.", null);
        }
        String token = r.header("x-oneflow-api-token");
        String email = r.header("x-oneflow-user-email");
        Account account = token == null ? null : accounts.get(token);
        if (account == null || email == null || !account.userEmail().equalsIgnoreCase(email)) {
            return error(401, 1, "Unauthorized", "The API token or the user email is invalid.", null);
        }
        List<String> s = r.segments();
        if (s.size() == 3 && "ping".equals(s.get(2))) {
            return "GET".equals(r.method()) ? SandboxResponse.json(200, "{}") : methodNotAllowed();
        }
        return route(r, account, s);
    }

    private SandboxResponse methodNotAllowed() {
        return error(405, 1, "Method Not Allowed", "The method is not allowed for this endpoint.", null);
    }

    private SandboxResponse route(SandboxRequest r, Account account, List<String> s) {
        // contracts/{c}/parties/{p}[/participants/{id}]
        boolean party = s.size() == 6 && "contracts".equals(s.get(2)) && "parties".equals(s.get(4));
        boolean participant = s.size() == 8 && "contracts".equals(s.get(2)) && "parties".equals(s.get(4))
                && "participants".equals(s.get(6));
        if (!party && !participant) {
            return error(404, 1, "Not Found", "No such endpoint.", null);
        }
        Map<String, List<String>> idProblems = new LinkedHashMap<>();
        Long contractId = parseId(s.get(3), "contract_id", idProblems);
        Long partyId = parseId(s.get(5), "party_id", idProblems);
        Long participantId = participant ? parseId(s.get(7), "participant_id", idProblems) : null;
        if (!idProblems.isEmpty()) {
            return error(400, 4, "Bad Request", "Invalid path parameters.", idProblems);
        }
        if (party) {
            return "GET".equals(r.method()) ? getParty(account, contractId, partyId) : methodNotAllowed();
        }
        if ("GET".equals(r.method())) {
            return getParticipant(account, contractId, partyId, participantId);
        }
        if ("PUT".equals(r.method())) {
            return update(r, account, contractId, partyId, participantId);
        }
        return methodNotAllowed();
    }

    private static Long parseId(String raw, String name, Map<String, List<String>> problems) {
        try {
            long v = Long.parseLong(raw);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.put(name, List.of("Must be a positive integer."));
        return null;
    }

    private Contract contract(Account account, long contractId, boolean create) {
        Contract c = contracts.get(contractId);
        if (c == null && create) {
            c = contracts.computeIfAbsent(contractId, id -> new Contract(id, account.connection(),
                    "Generated contract " + id, new ConcurrentSkipListMap<>()));
        }
        return c;
    }

    private SandboxResponse getParty(Account account, long contractId, long partyId) {
        Contract c = contracts.get(contractId);
        SandboxResponse denied = checkContract(c, account);
        if (denied != null) {
            return denied;
        }
        Party p = c.parties().get(partyId);
        if (p == null) {
            return error(404, 2, "Not Found", "Party not found.", null);
        }
        ObjectNode body = object();
        body.put("id", p.id());
        body.put("name", p.name());
        body.put("my_party", p.mine());
        body.put("type", "company");
        ArrayNode list = body.putArray("participants");
        for (ObjectNode node : p.participants().values()) {
            synchronized (node) {
                list.add(view(node, c.id(), p.id()));
            }
        }
        ObjectNode links = body.putObject("_links");
        links.putObject("self").put("href", base() + "/contracts/" + c.id() + "/parties/" + p.id());
        return SandboxResponse.json(200, write(body));
    }

    private SandboxResponse checkContract(Contract c, Account account) {
        if (c == null) {
            return error(404, 1, "Not Found", "Contract not found.", null);
        }
        if (!c.account().equals(account.connection())) {
            return error(403, 1, "Forbidden", "You are not authorized to access this contract.", null);
        }
        return null;
    }

    private SandboxResponse getParticipant(Account account, long contractId, long partyId, long participantId) {
        Contract c = contracts.get(contractId);
        SandboxResponse denied = checkContract(c, account);
        if (denied != null) {
            return denied;
        }
        Party p = c.parties().get(partyId);
        ObjectNode node = p == null ? null : p.participants().get(participantId);
        if (node == null) {
            return error(404, p == null ? 2 : 3, "Not Found", p == null ? "Party not found." : "Participant not found.",
                    null);
        }
        synchronized (node) {
            return SandboxResponse.json(200, write(view(node, c.id(), p.id())));
        }
    }

    private SandboxResponse update(SandboxRequest r, Account account, long contractId, long partyId,
            long participantId) {
        boolean create = ctx.knobs().autoCreate();
        Contract c = contract(account, contractId, create);
        SandboxResponse denied = checkContract(c, account);
        if (denied != null) {
            return denied;
        }
        Party p = c.parties().get(partyId);
        if (p == null && create) {
            p = c.parties().computeIfAbsent(partyId, id -> new Party(id, "Generated party " + id, false,
                    new ConcurrentSkipListMap<>()));
        }
        if (p == null) {
            return error(404, 2, "Not Found", "Party not found.", null);
        }
        ObjectNode node = p.participants().get(participantId);
        if (node == null && create) {
            Party party = p;
            node = p.participants().computeIfAbsent(participantId, id -> newParticipant(id, party.mine(),
                    object().put("name", "Participant " + id).put("email", "participant" + id + "@example.com")));
        }
        if (node == null) {
            return error(404, 3, "Not Found", "Participant not found.", null);
        }
        if (!r.isJson()) {
            return error(400, 1, "Bad Request", "Content-Type must be application/json.", null);
        }
        JsonNode body = parseBody(r);
        if (body == null || !body.isObject()) {
            return error(400, 2, "Bad Request", "The request body is not a JSON object.", null);
        }
        if (body.isEmpty()) {
            return error(400, 3, "Bad Request", "The request body is empty: there is nothing to update.",
                    Map.of("body", List.of("At least one attribute is required.")));
        }
        Map<String, List<String>> problems = validate(body);
        if (!problems.isEmpty()) {
            return error(400, 3, "Bad Request", "Invalid format or content of the request.", problems);
        }
        synchronized (node) {
            if (body.has("email") && node.path("_ownerside").asBoolean(false)
                    && !body.get("email").asText().equalsIgnoreCase(node.path("email").asText())) {
                return error(409, 1, "Conflict", "Owner-side participants cannot update the email attribute.",
                        Map.of("email", List.of("Cannot be changed for an owner-side participant.")));
            }
            ObjectNode merged = node.deepCopy();
            body.fields().forEachRemaining(e -> {
                if (e.getKey().equals("_permissions")) {
                    ((ObjectNode) merged.get("_permissions")).setAll((ObjectNode) e.getValue());
                } else {
                    merged.set(e.getKey(), e.getValue().deepCopy());
                }
            });
            Map<String, List<String>> required = requiredContacts(merged);
            if (!required.isEmpty()) {
                return error(400, 3, "Bad Request", "Invalid format or content of the request.", required);
            }
            ((ObjectNode) merged.get("_private_ownerside")).put("updated_time", now().replace("Z", "+00:00"));
            node.removeAll();
            node.setAll(merged);
            record(account.connection(), contractId + "/" + partyId + "/" + participantId, body);
            return SandboxResponse.json(200, write(view(node, contractId, partyId)));
        }
    }

    private Map<String, List<String>> validate(JsonNode body) {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        body.fields().forEachRemaining(e -> {
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (STRING_FIELDS.contains(k)) {
                if (!v.isTextual()) {
                    problems.put(k, List.of("Must be a string."));
                } else if (k.equals("email") && !v.asText().isEmpty() && !isEmail(v.asText())) {
                    problems.put(k, List.of("Not a valid email address."));
                }
            } else if (NULLABLE_STRING_FIELDS.contains(k)) {
                if (!v.isTextual() && !v.isNull()) {
                    problems.put(k, List.of("Must be a string or null."));
                }
            } else if (k.equals("signatory")) {
                if (!v.isBoolean()) {
                    problems.put(k, List.of("Must be a boolean."));
                }
            } else if (k.equals("_permissions")) {
                if (!v.isObject()) {
                    problems.put(k, List.of("Must be an object."));
                } else {
                    v.fields().forEachRemaining(pe -> {
                        if (!pe.getKey().equals("contract:update")) {
                            problems.put(k + "." + pe.getKey(), List.of("Unknown permission."));
                        } else if (!pe.getValue().isBoolean()) {
                            problems.put(k + ".contract:update", List.of("Must be a boolean."));
                        }
                    });
                }
            } else if (k.equals("delivery_channel")) {
                checkEnum(problems, k, v, DELIVERY_CHANNELS);
            } else if (k.equals("sign_method")) {
                checkEnum(problems, k, v, SIGN_METHODS);
            } else if (k.equals("two_step_authentication_method")) {
                checkEnum(problems, k, v, TWO_STEP_METHODS);
            } else {
                problems.put(k, List.of("Unknown attribute: it cannot be updated."));
            }
        });
        return problems;
    }

    private static void checkEnum(Map<String, List<String>> problems, String k, JsonNode v, Set<String> allowed) {
        if (!v.isTextual() || !allowed.contains(v.asText())) {
            problems.put(k, List.of("Must be one of: " + String.join(", ", allowed.stream().sorted().toList()) + "."));
        }
    }

    /** Email is needed when notifications or 2FA go by email, a phone number when they go by SMS. */
    private static Map<String, List<String>> requiredContacts(JsonNode merged) {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        String channel = merged.path("delivery_channel").asText();
        String twoStep = merged.path("two_step_authentication_method").asText();
        if (("email".equals(channel) || "email".equals(twoStep)) && merged.path("email").asText("").isBlank()) {
            problems.put("email", List.of("Required when the delivery channel or two-step authentication is email."));
        }
        if (("sms".equals(channel) || "sms".equals(twoStep)) && merged.path("phone_number").asText("").isBlank()) {
            problems.put("phone_number",
                    List.of("Required when the delivery channel or two-step authentication is sms."));
        }
        return problems;
    }

    private String base() {
        return ctx.url() + "/oneflow/v1";
    }

    /** The participant as the API shows it: stored attributes plus links, without the sandbox's own flag. */
    private ObjectNode view(ObjectNode node, long contractId, long partyId) {
        ObjectNode out = object();
        String contract = base() + "/contracts/" + contractId;
        ObjectNode links = out.putObject("_links");
        links.putObject("contract").put("href", contract);
        links.putObject("party").put("href", contract + "/parties/" + partyId);
        links.putObject("self").put("href", contract + "/parties/" + partyId + "/participants/"
                + node.path("id").asLong());
        node.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("_ownerside")) {
                out.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        return out;
    }
}
