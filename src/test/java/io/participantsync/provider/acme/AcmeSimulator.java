package io.participantsync.provider.acme;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * The sandbox's Acme Teams (tests only): {@code /acme/v1/teams/{team}/members/{member}}, GET and PUT, with the
 * {@code X-Acme-Key} of {@link AcmeSandboxCredentials}. A PUT takes {@code displayName}, {@code email}, {@code badge}
 * and {@code role} (strings); an email another member of the team has is refused (409). Errors as
 * {@code {"error": {"code": .., "message": ..}}}. Seeded from its {@code sandbox-seed.json}.
 */
public final class AcmeSimulator extends ProviderSimulator {

    private static final Set<String> FIELDS = Set.of("displayName", "email", "badge", "role");

    /** team id -> member id -> member; a team's monitor guards its members. */
    private final Map<String, Map<String, ObjectNode>> teams = new ConcurrentHashMap<>();

    public AcmeSimulator(SimulatorContext ctx) {
        super(ctx);
    }

    @Override
    public String id() {
        return AcmeAdapter.ID;
    }

    @Override
    protected Set<String> maskedKeys() {
        return Set.of("badge");
    }

    @Override
    protected boolean isTokenCall(SandboxRequest request) {
        return false;
    }

    @Override
    protected void connectionProperties(Map<String, String> into, String serverUrl) {
        String p = connectionPrefix(into, AcmeSandboxCredentials.ACME);
        into.put(p + "base-url", serverUrl + "/acme/v1");
        into.put(p + "api-key", AcmeSandboxCredentials.ACME_API_KEY_LOCAL_DEV_ONLY);
    }

    @Override
    protected void seed(JsonNode seed) {
        teams.clear();
        for (JsonNode t : seed.path("teams")) {
            Map<String, ObjectNode> members = new LinkedHashMap<>();
            for (JsonNode m : t.path("members")) {
                members.put(m.path("id").asText(), (ObjectNode) m.deepCopy());
            }
            teams.put(t.path("id").asText(), members);
        }
    }

    /** Locator: {@code (team, member)}. */
    @Override
    protected Optional<JsonNode> participant(String... locator) {
        Map<String, ObjectNode> team = teams.get(locator[0]);
        if (team == null) {
            return Optional.empty();
        }
        synchronized (team) {
            return Optional.ofNullable(team.get(locator[1])).map(ObjectNode::deepCopy);
        }
    }

    @Override
    protected SandboxResponse error(int status, String message) {
        ObjectNode body = object();
        body.putObject("error").put("code", "E" + status).put("message", message);
        return SandboxResponse.json(status, write(body));
    }

    @Override
    protected SandboxResponse handle(SandboxRequest r) {
        List<String> s = r.segments();
        if (s.size() != 6 || !"v1".equals(s.get(1)) || !"teams".equals(s.get(2)) || !"members".equals(s.get(4))) {
            return error(404, "no such path");
        }
        if (!AcmeSandboxCredentials.ACME_API_KEY_LOCAL_DEV_ONLY.equals(r.header(AcmeAdapter.KEY_HEADER))) {
            return error(401, "missing or wrong " + AcmeAdapter.KEY_HEADER);
        }
        Map<String, ObjectNode> team = teams.get(s.get(3));
        if (team == null) {
            return error(404, "no team " + s.get(3));
        }
        String memberId = s.get(5);
        synchronized (team) {
            ObjectNode member = team.get(memberId);
            if (member == null) {
                return error(404, "no member " + memberId + " in team " + s.get(3));
            }
            if ("GET".equals(r.method())) {
                return SandboxResponse.json(200, write(member));
            }
            if (!"PUT".equals(r.method())) {
                return error(405, "use GET or PUT");
            }
            JsonNode body = parseBody(r);
            if (body == null || !body.isObject() || body.isEmpty()) {
                return error(400, "the body must be a JSON object with something to change");
            }
            for (String k : (Iterable<String>) body::fieldNames) {
                if (!FIELDS.contains(k) || !body.get(k).isTextual()) {
                    return error(400, "unknown or non-text field '" + k + "'");
                }
            }
            String email = body.path("email").asText(null);
            if (email != null) {
                for (Map.Entry<String, ObjectNode> other : team.entrySet()) {
                    if (!other.getKey().equals(memberId)
                            && email.equalsIgnoreCase(other.getValue().path("email").asText())) {
                        return error(409, "email " + email + " is taken by member " + other.getKey());
                    }
                }
            }
            member.setAll((ObjectNode) body);
            record(AcmeSandboxCredentials.ACME, s.get(3) + "/" + memberId, body);
            return SandboxResponse.json(200, write(member));
        }
    }
}
