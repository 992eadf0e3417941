package io.participantsync.intake;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the HTTP API refuses, carried up to the edge's error handler and answered as an RFC 9457
 * {@code application/problem+json} document. Its detail never quotes secrets or body values.
 */
public final class ApiProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;
    /** Problem types are URNs: stable names that need no web page to exist. */
    static final String TYPE_PREFIX = "urn:participant-sync:problem:";

    private final int status;
    private final String type;
    private final String title;
    private final transient Map<String, Object> extensions;
    private final transient Map<String, String> headers;

    private ApiProblem(int status, String slug, String title, String detail, Map<String, Object> extensions,
            Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.type = TYPE_PREFIX + slug;
        this.title = title;
        this.extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public static ApiProblem of(int status, String slug, String title, String detail) {
        return new ApiProblem(status, slug, title, detail, Map.of(), Map.of());
    }

    /** A copy with an extension member (e.g. {@code line}, {@code column}, {@code row}). */
    /** A client-supplied value fit to quote in a problem's detail: bounded, with no control characters. */
    public static String printable(String s) {
        if (s == null) {
            return "";
        }
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "…" : clean;
    }

    public ApiProblem with(String member, Object value) {
        Map<String, Object> ext = new LinkedHashMap<>(extensions);
        ext.put(member, value);
        return new ApiProblem(status, type.substring(TYPE_PREFIX.length()), title, getMessage(), ext, headers);
    }

    /** A copy with a response header (e.g. {@code WWW-Authenticate}). */
    public ApiProblem withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiProblem(status, type.substring(TYPE_PREFIX.length()), title, getMessage(), extensions, h);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
