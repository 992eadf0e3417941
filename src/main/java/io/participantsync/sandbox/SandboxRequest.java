package io.participantsync.sandbox;

import com.sun.net.httpserver.Headers;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as the simulators see it: method, the path split into percent-decoded segments (a trailing slash
 * gives a last empty segment, which Zoho's routing needs), query parameters, headers and the raw body.
 */
public record SandboxRequest(String method, List<String> segments, Map<String, String> query, Headers headers,
        byte[] body) {

    static SandboxRequest of(String method, String rawPath, String rawQuery, Headers headers, byte[] body) {
        List<String> segments = new ArrayList<>();
        String path = rawPath == null ? "" : rawPath;
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        if (!path.isEmpty()) {
            for (String s : path.split("/", -1)) {
                segments.add(decode(s));
            }
        }
        return new SandboxRequest(method.toUpperCase(Locale.ROOT), Collections.unmodifiableList(segments),
                parseForm(rawQuery), headers, body);
    }

    public String header(String name) {
        String v = headers.getFirst(name);
        return v == null ? null : v.trim();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public boolean isJson() {
        String ct = header("Content-Type");
        return ct != null && ct.toLowerCase(Locale.ROOT).startsWith("application/json");
    }

    /** The body read as {@code application/x-www-form-urlencoded}. */
    public Map<String, String> form() {
        return parseForm(bodyText());
    }

    /** Segment {@code i}, or {@code null} when the path is shorter. */
    public String segment(int i) {
        return i < segments.size() ? segments.get(i) : null;
    }

    /** Bearer-style credentials: the value after {@code scheme + " "} (case-insensitive scheme), else null. */
    public String authorization(String scheme) {
        String auth = header("Authorization");
        if (auth == null || auth.length() <= scheme.length() + 1) {
            return null;
        }
        if (!auth.regionMatches(true, 0, scheme, 0, scheme.length()) || auth.charAt(scheme.length()) != ' ') {
            return null;
        }
        return auth.substring(scheme.length() + 1).trim();
    }

    static Map<String, String> parseForm(String text) {
        Map<String, String> map = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return map;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            map.putIfAbsent(URLDecoder.decode(key, StandardCharsets.UTF_8),
                    URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return map;
    }

    /** Percent-decoding of a path segment: unlike form decoding, '+' stays '+'. */
    private static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }

    @Override
    public String toString() {
        return "SandboxRequest[" + method + " /" + String.join("/", segments) + "]";
    }
}
