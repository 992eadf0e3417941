package io.participantsync.http;

import java.io.IOException;
import java.util.Map;

/** Sends one HTTP request. The production implementation is {@link CamelHttpTransport} (camel-http). */
public interface HttpTransport {

    /**
     * @param url  absolute URL, path and query already encoded
     * @param body request body or {@code null}
     * @throws IOException when no answer arrived (connection refused or reset, timeout)
     */
    HttpResponse send(String method, String url, Map<String, String> headers, String body) throws IOException;
}
