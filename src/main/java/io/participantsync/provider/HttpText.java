package io.participantsync.provider;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Small text helpers the adapters share: RFC 3986 percent-encoding for path segments and query values, URL checks
 * for connection settings, and a readable, length-capped message from any error body (empty, plain text or HTML).
 */
public final class HttpText {

    /** Longest provider message kept in an error. */
    public static final int MAX_MESSAGE = 300;

    private static final Pattern TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");

    private HttpText() {
    }

    /** Percent-encodes one path segment or query value: '@' -> %40, '+' -> %2B, space -> %20 (never '+'). */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("*", "%2A")
                .replace("%7E", "~");
    }

    /** An absolute http or https URL with a host. */
    public static boolean isHttpUrl(String url) {
        if (url == null) {
            return false;
        }
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * A message from a body that is not the provider's structured error: the HTML page's title (or its text without
     * tags), else the trimmed text; capped at {@link #MAX_MESSAGE} characters; the HTTP reason when nothing is left.
     */
    public static String bodyText(int status, String body) {
        String text = body == null ? "" : body.trim();
        if (text.startsWith("<")) {
            Matcher title = TITLE.matcher(text);
            text = title.find() ? title.group(1)
                    : text.replaceAll("(?is)<(script|style)[^>]*>.*?</\\1>", " ").replaceAll("(?s)<[^>]*>", " ");
            text = text.replaceAll("\\s+", " ").trim();
        }
        return text.isEmpty() ? reasonPhrase(status) : cap(text);
    }

    public static String cap(String s) {
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE);
    }

    /** The standard reason phrase, or {@code HTTP <status>} for one not listed. */
    public static String reasonPhrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "HTTP " + status;
        };
    }
}
