package io.participantsync.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
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

    /** Adds a problem when the key is set to something other than an absolute http(s) URL; the value is not shown. */
    public static void checkHttpUrl(Connection connection, String key, List<String> problems) {
        String value = connection.get(key);
        if (value != null && !isHttpUrl(value)) {
            problems.add(connection.prefix() + key + " must be an absolute http or https URL");
        }
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
