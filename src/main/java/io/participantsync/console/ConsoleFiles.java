package io.participantsync.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;

/**
 * Serves the console's static files from the jar: {@code /console/assets/*} from {@code console/assets/},
 * {@code /console/lib/uplot/*} from uPlot's webjar ({@code dist/}), and {@code index.html} for {@code /console/} and
 * every view's path under it (the page routes itself, so a deep link survives a reload). Nothing is loaded from
 * outside the server; the Content-Security-Policy says so to the browser, and keeps scripts to these files.
 */
public final class ConsoleFiles {

    static final String BASE = "/console/";
    private static final String RESOURCES = "console/";
    private static final String INDEX = RESOURCES + "index.html";
    private static final String WEBJAR = "META-INF/resources/webjars/uplot/";
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            + "frame-ancestors 'none'; form-action 'self'";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js",
            "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "png", "image/png", "svg",
            "image/svg+xml", "ico", "image/x-icon", "json", "application/json");

    private final ClassLoader loader = ConsoleFiles.class.getClassLoader();
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();
    private final String uplotDist;

    public ConsoleFiles() {
        this.uplotDist = WEBJAR + webjarVersion() + "/dist/";
    }

    /** Answers one GET under {@code /console}. */
    public void serve(Exchange e) {
        String path = e.getIn().getHeader(Exchange.HTTP_PATH, String.class);
        if (path == null || path.isEmpty() || path.equals("/console")) {
            e.getMessage().removeHeaders("*");
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 308);
            e.getMessage().setHeader("Location", BASE);
            e.getMessage().setBody("");
            return;
        }
        String rest = path.startsWith(BASE) ? path.substring(BASE.length()) : path.replaceFirst("^/+", "");
        String resource;
        boolean file = rest.startsWith("assets/") || rest.startsWith("lib/uplot/");
        if (rest.contains("..") || rest.contains("//") || rest.contains("\\") || file && rest.endsWith("/")) {
            notFound(e);
            return;
        } else if (rest.startsWith("assets/")) {
            resource = RESOURCES + rest;
        } else if (rest.startsWith("lib/uplot/")) {
            resource = uplotDist + rest.substring("lib/uplot/".length());
        } else if (lastSegment(rest).contains(".")) {
            notFound(e);
            return;
        } else {
            resource = INDEX;
        }
        byte[] body = read(resource);
        if (body == null) {
            notFound(e);
            return;
        }
        String name = lastSegment(resource);
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
        e.getMessage().removeHeaders("*");
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, TYPES.getOrDefault(ext, "application/octet-stream"));
        e.getMessage().setHeader("Cache-Control", "no-cache");
        headers(e);
        e.getMessage().setBody(body);
    }

    private void notFound(Exchange e) {
        e.getMessage().removeHeaders("*");
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
        headers(e);
        e.getMessage().setBody("not found");
    }

    private static void headers(Exchange e) {
        e.getMessage().setHeader("Content-Security-Policy", CSP);
        e.getMessage().setHeader("X-Content-Type-Options", "nosniff");
        e.getMessage().setHeader("Referrer-Policy", "no-referrer");
        e.getMessage().setHeader("X-Frame-Options", "DENY");
    }

    private byte[] read(String resource) {
        byte[] cached = cache.get(resource);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readAllBytes();
            cache.put(resource, bytes);
            return bytes;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + resource, ex);
        }
    }

    private static String lastSegment(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /** The version of the uPlot webjar on the class path (its Maven properties say it). */
    private String webjarVersion() {
        try (InputStream in = loader.getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the uPlot webjar (org.webjars.npm:uplot) is not on the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
