package io.participantsync.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * Answers a body over the size limit as an RFC 9457 problem before any of it is read, instead of Vert.x's plain-text
 * page. The server's body handler enforces the same limit while reading ({@code camel.server.max-body-size}, set
 * from {@code http.max-body-bytes}), so an oversized body is never held in memory either way.
 */
public final class HttpServerErrors {

    private HttpServerErrors() {
    }

    /**
     * Installs, ahead of every platform-http route, a check of the declared {@code Content-Length}, and a failure
     * handler for the body handler's own 413; false when no business server runs.
     */
    public static boolean install(CamelContext camel, long maxBodyBytes) {
        // bound per port ("platform-http-router-<port>"), beside the management server's router when that runs
        Router router = camel.getRegistry().findByType(VertxPlatformHttpRouter.class).stream()
                .filter(r -> !r.isManagementServer()).findFirst().orElse(null);
        if (router == null) {
            return false;
        }
        ObjectMapper json = new ObjectMapper();
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            if (declaredLength(ctx) > maxBodyBytes) {
                send(json, ctx, HttpIntake.tooLarge(maxBodyBytes));
            } else {
                ctx.next();
            }
        });
        // a body without a declared length is counted while read: the body handler fails the request with 413
        router.route().failureHandler(ctx -> {
            if (ctx.statusCode() == 413) {
                send(json, ctx, HttpIntake.tooLarge(maxBodyBytes));
            } else {
                ctx.next();
            }
        });
        return true;
    }

    private static long declaredLength(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void send(ObjectMapper json, RoutingContext ctx, ApiProblem problem) {
        if (ctx.response().headWritten()) {
            return;
        }
        byte[] body;
        try {
            body = json.writeValueAsBytes(HttpIntake.problemJson(json, problem, ctx.normalizedPath()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ctx.response().setStatusCode(problem.status())
                .putHeader("Content-Type", HttpIntake.PROBLEM_JSON)
                .end(Buffer.buffer(body));
    }
}
