package io.participantsync.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpMethods;

/**
 * Sends requests with camel-http (Apache HttpClient 5). One endpoint per origin (scheme, host, port): the full URL of
 * each call goes in the {@code CamelHttpUri} header, so per-participant paths never create endpoints. The endpoints
 * are kept, not looked up by their URI on each call (Camel normalises an endpoint URI before it looks it up). Timeouts,
 * pool sizes and disabled automatic retries are set on the http component in application.properties.
 */
public final class CamelHttpTransport implements HttpTransport {

    private final Supplier<ProducerTemplate> template;
    private final Map<String, Endpoint> endpointByOrigin = new ConcurrentHashMap<>();

    /** @param template supplies the Camel producer template (Camel may start after this object is built) */
    public CamelHttpTransport(Supplier<ProducerTemplate> template) {
        this.template = template;
    }

    @Override
    public HttpResponse send(String method, String url, Map<String, String> headers, String body) throws IOException {
        ProducerTemplate producer = template.get();
        Endpoint endpoint = endpointByOrigin.computeIfAbsent(origin(url),
                o -> producer.getCamelContext().getEndpoint(o + "?throwExceptionOnFailure=false"));
        Exchange result = producer.send(endpoint, exchange -> {
            Message in = exchange.getIn();
            // the enum itself: camel-http reads this header as HttpMethods, and converting a String to it goes
            // through the type converter's slow fallback path on every call (~16% of sync's CPU at concurrency 16)
            in.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(method.toUpperCase(Locale.ROOT)));
            in.setHeader(Exchange.HTTP_URI, url);
            headers.forEach(in::setHeader);
            // bytes, not String: a String entity without a charset would be sent as ISO-8859-1
            in.setBody(body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        });
        Exception e = result.getException();
        if (e != null) {
            if (e instanceof IOException io) {
                throw io;
            }
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        Message out = result.getMessage();
        Integer status = out.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        byte[] bytes = bytes(out);
        Map<String, String> responseHeaders = new LinkedHashMap<>();
        out.getHeaders().forEach((k, v) -> {
            if (!k.startsWith("Camel") && v != null) {
                responseHeaders.put(k, v.toString());
            }
        });
        return new HttpResponse(status == null ? 0 : status,
                bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8), responseHeaders);
    }

    /**
     * The answer's body. camel-http hands a small answer with a Content-Length over as bytes, and any other (an
     * empty 200, a chunked one) as a stream cache: read here with {@code readAllBytes}, which Camel's type converter
     * would copy through an 8 KB buffered stream and a 4 KB copy buffer on every call.
     */
    private static byte[] bytes(Message out) throws IOException {
        Object body = out.getBody();
        if (body == null) {
            return null;
        }
        if (body instanceof byte[] b) {
            return b;
        }
        if (body instanceof InputStream in) {
            try (in) {
                return in.readAllBytes();
            }
        }
        return out.getBody(byte[].class);
    }

    /**
     * {@code scheme://host[:port]} of an absolute URL, without user info: what names its endpoint. A scan, not a
     * {@link java.net.URI} parse: this runs on every call, and camel-http parses the full URL anyway.
     */
    static String origin(String url) {
        int colon = url.indexOf("://");
        if (colon <= 0) {
            throw new IllegalArgumentException("not an absolute http(s) URL: " + url);
        }
        int start = colon + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        int at = url.lastIndexOf('@', end - 1);
        String host = url.substring(at >= start ? at + 1 : start, end);
        if (host.isEmpty()) {
            throw new IllegalArgumentException("no host in URL: " + url);
        }
        return url.substring(0, start).toLowerCase(Locale.ROOT) + host.toLowerCase(Locale.ROOT);
    }
}
