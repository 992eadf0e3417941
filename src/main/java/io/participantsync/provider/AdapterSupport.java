package io.participantsync.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.ProviderError;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Small helpers the provider adapters share: RFC 3986 percent-encoding and path building, JSON reading that never
 * throws, the fallback error messages for bodies a provider did not format, HTTP reason phrases, and connection-key
 * and URL checks with key-named messages.
 */
public final class AdapterSupport {

    /** Longest error text taken from a provider's body. */
    public static final int MAX_FALLBACK_LENGTH = 300;

    public static final String FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";

    /** Headers of a token request that posts a form and reads JSON. */
    public static final Map<String, String> FORM_HEADERS = Map.of("Content-Type", FORM_CONTENT_TYPE, "Accept",
            "application/json");

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final Pattern TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");
    private static final Pattern SCRIPT_OR_STYLE = Pattern.compile("(?is)<(script|style)[^>]*>.*?</\\1>");
    private static final Pattern HIDDEN_HTML = Pattern.compile("(?is)<(head|script|style)\\b.*?</\\1\\s*>");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Map<Integer, String> REASONS = Map.ofEntries(Map.entry(400, "Bad Request"),
            Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"), Map.entry(408, "Request Timeout"), Map.entry(409, "Conflict"),
            Map.entry(410, "Gone"), Map.entry(413, "Payload Too Large"), Map.entry(415, "Unsupported Media Type"),
            Map.entry(422, "Unprocessable Entity"), Map.entry(429, "Too Many Requests"),
            Map.entry(500, "Internal Server Error"), Map.entry(502, "Bad Gateway"),
            Map.entry(503, "Service Unavailable"), Map.entry(504, "Gateway Timeout"));

    private AdapterSupport() {
    }

    /** A path from its segments, each percent-encoded (only RFC 3986 unreserved characters are left as they are). */
    public static String path(Object... segments) {
        StringBuilder sb = new StringBuilder();
        for (Object s : segments) {
            sb.append('/').append(encode(String.valueOf(s)));
        }
        return sb.toString();
    }

    /**
     * Percent-encodes one path segment or query value as UTF-8: only RFC 3986 unreserved characters stay as they
     * are, so '@' becomes %40, '+' %2B and a space %20 (never '+').
     */
    public static String encode(String value) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return sb.toString();
    }

    public static ObjectNode newObject() {
        return MAPPER.createObjectNode();
    }

    /** Compact JSON text of a node built by an adapter. */
    public static String toJson(JsonNode node) {
        return node.toString();
    }

    /** Puts the update's {@code field} into the body as {@code name} when the update has it. */
    public static void putText(ObjectNode body, ParticipantUpdate update, String field, String name) {
        if (update.has(field)) {
            body.put(name, update.get(field));
        }
    }

    /** Puts the update's {@code field}, spelled as in {@code allowed}, into the body as {@code name}. */
    public static void putEnum(ObjectNode body, ParticipantUpdate update, String field, String name,
            List<String> allowed) {
        if (update.has(field)) {
            body.put(name, Validation.canonicalEnum(update.get(field), allowed).orElseThrow());
        }
    }

    /** Puts the update's {@code field} as a JSON boolean into the body as {@code name}. */
    public static void putBoolean(ObjectNode body, ParticipantUpdate update, String field, String name) {
        if (update.has(field)) {
            body.put(name, Validation.parseBoolean(update.get(field)).orElseThrow());
        }
    }

    /** Puts the update's {@code field} as a JSON integer into the body as {@code name}. */
    public static void putLong(ObjectNode body, ParticipantUpdate update, String field, String name) {
        if (update.has(field)) {
            body.put(name, Long.parseLong(update.get(field)));
        }
    }

    /** The body as JSON, or empty when it is blank or not JSON. */
    public static Optional<JsonNode> readJson(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(MAPPER.readTree(body));
        } catch (Exception e) {
            // Garbage and HTML error pages are expected here; the caller falls back to the text.
            return Optional.empty();
        }
    }

    /** The non-blank text (or number, as text) of {@code node.field}, else {@code null}. */
    public static String text(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = v.asText();
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** The first of {@code fields} that {@link #text} finds in {@code node}, else {@code null}. */
    public static String firstText(JsonNode node, String... fields) {
        for (String field : fields) {
            String s = text(node, field);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    /**
     * A token endpoint's RFC 6749 error {@code {"error": "...", "error_description": "..."}}: code = {@code error},
     * message = {@code error_description} (else the HTTP reason); empty when the node has no {@code error} text.
     */
    public static Optional<ProviderError> tokenError(int status, JsonNode node) {
        String error = text(node, "error");
        if (error == null) {
            return Optional.empty();
        }
        String description = text(node, "error_description");
        return Optional.of(new ProviderError(status, error, description != null ? description : reasonPhrase(status)));
    }

    /**
     * The message for a body the provider did not put in its documented shape: the body's text (HTML tags removed,
     * whitespace collapsed) cut to {@value #MAX_FALLBACK_LENGTH} characters, or the HTTP reason when that is empty.
     */
    public static String fallbackMessage(int status, String body) {
        String text = body == null ? "" : body;
        text = HIDDEN_HTML.matcher(text).replaceAll(" ");
        text = TAG.matcher(text).replaceAll(" ");
        text = text.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&");
        text = SPACES.matcher(text).replaceAll(" ").trim();
        if (text.isEmpty()) {
            return reasonPhrase(status);
        }
        return text.length() <= MAX_FALLBACK_LENGTH ? text : text.substring(0, MAX_FALLBACK_LENGTH - 1) + "…";
    }

    /**
     * The message for a body that is not the provider's structured error, for providers whose HTML error pages carry
     * a useful title: an HTML page's title (or its text without tags), else the trimmed text; cut to
     * {@value #MAX_FALLBACK_LENGTH} characters by {@link #cap}; the HTTP reason when nothing is left.
     */
    public static String titleOrText(int status, String body) {
        String text = body == null ? "" : body.trim();
        if (text.startsWith("<")) {
            Matcher title = TITLE.matcher(text);
            text = title.find() ? title.group(1)
                    : TAG.matcher(SCRIPT_OR_STYLE.matcher(text).replaceAll(" ")).replaceAll(" ");
            text = SPACES.matcher(text).replaceAll(" ").trim();
        }
        return text.isEmpty() ? reasonPhrase(status) : cap(text);
    }

    /** The text cut to its first {@value #MAX_FALLBACK_LENGTH} characters, without a mark that it was cut. */
    public static String cap(String text) {
        return text.length() <= MAX_FALLBACK_LENGTH ? text : text.substring(0, MAX_FALLBACK_LENGTH);
    }

    /** The standard reason phrase of an HTTP status, or {@code HTTP <status>}. */
    public static String reasonPhrase(int status) {
        String reason = REASONS.get(status);
        if (reason != null) {
            return reason;
        }
        return status > 0 ? "HTTP " + status : "no response";
    }

    /** Adds "{@code <prefix><key>} must be set for provider {@code <id>}" for each missing key. */
    public static void requireKeys(Connection connection, String providerId, List<String> problems, String... keys) {
        for (String key : keys) {
            if (!connection.has(key)) {
                problems.add(connection.prefix() + key + " must be set for provider " + providerId);
            }
        }
    }

    /**
     * Adds the problems of a connection that renews its tokens with a refresh token: {@code client-id} and
     * {@code client-secret} must be set, and a {@code refresh-token} or at least an {@code access-token}.
     */
    public static void requireRefreshTokenClient(Connection connection, String providerId, List<String> problems) {
        requireKeys(connection, providerId, problems, "client-id", "client-secret");
        if (!connection.has("refresh-token") && !connection.has("access-token")) {
            String p = connection.prefix();
            problems.add(p + "refresh-token (or " + p + "access-token) must be set for provider " + providerId);
        }
    }

    /** Adds a problem when the key is set to something other than an absolute http(s) URL; the value is not shown. */
    public static void checkHttpUrl(Connection connection, String key, List<String> problems) {
        if (!isHttpUrlOrUnset(connection, key)) {
            problems.add(connection.prefix() + key + " must be an absolute http or https URL");
        }
    }

    /** Like {@link #checkHttpUrl}, but the problem quotes the value given. */
    public static void checkHttpUrlQuotingValue(Connection connection, String key, List<String> problems) {
        if (!isHttpUrlOrUnset(connection, key)) {
            problems.add(connection.prefix() + key + " must be an http(s) URL, got '" + connection.get(key) + "'");
        }
    }

    private static boolean isHttpUrlOrUnset(Connection connection, String key) {
        String value = connection.get(key);
        return value == null || isHttpUrl(value);
    }

    /** The connection's {@code base-url} without a trailing slash, else {@code defaultBaseUrl}. */
    public static String baseUrlOr(Connection connection, String defaultBaseUrl) {
        String base = connection == null ? null : connection.baseUrl();
        return base != null ? base : defaultBaseUrl;
    }

    /** A token request form, in this order: {@code grant_type}, {@code client_id}, {@code client_secret}. */
    public static Map<String, String> clientForm(String grantType, String clientId, String clientSecret) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", grantType);
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        return form;
    }

    /**
     * The refresh token to renew an access token with.
     *
     * @throws IllegalStateException when there is none (only a static {@code access-token} was configured)
     */
    public static String requireRefreshToken(String refreshToken, Connection connection, String providerId) {
        if (refreshToken == null || refreshToken.isBlank()) {
            throw new IllegalStateException(connection.prefix()
                    + "refresh-token is not set: cannot renew the access token for provider " + providerId);
        }
        return refreshToken;
    }

    /** An absolute http or https URL with a host (surrounding blanks ignored); {@code false} for {@code null}. */
    public static boolean isHttpUrl(String value) {
        if (value == null) {
            return false;
        }
        try {
            URI uri = new URI(value.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
