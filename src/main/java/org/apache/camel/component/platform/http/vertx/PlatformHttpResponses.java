package org.apache.camel.component.platform.http.vertx;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Opens camel-platform-http-vertx's own response writer (package-private there) to
 * {@link io.participantsync.intake.NonBlockingHttpEngine}, so an exchange finished asynchronously is answered exactly
 * as the component answers it: status, headers through the endpoint's filter, body.
 */
public final class PlatformHttpResponses {

    private PlatformHttpResponses() {
    }

    public static Future<Void> write(RoutingContext ctx, Exchange exchange, HeaderFilterStrategy headerFilterStrategy,
            boolean muteExceptions) {
        return VertxPlatformHttpSupport.writeResponse(ctx, exchange, headerFilterStrategy, muteExceptions);
    }
}
