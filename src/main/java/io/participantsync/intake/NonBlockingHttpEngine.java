package io.participantsync.intake;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.PlatformHttpResponses;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * The platform-http engine of the business server (bound as {@code platform-http-engine}): Camel's Vert.x engine, whose
 * consumer routes each request with Camel's <em>asynchronous</em> routing. The stock consumer runs the whole route on
 * a Vert.x worker thread and blocks it until the exchange completes, so every {@code ?wait} held a worker: 20 waits
 * left none for any other request. This one hands the exchange to the route's async processor on a worker, which is
 * free again as soon as the route goes asynchronous (the wait of {@code POST ...?wait=}); the answer is written on the
 * request's Vert.x context once the exchange completes, by the component's own writer.
 */
public final class NonBlockingHttpEngine extends VertxPlatformHttpEngine {

    /** Exchange property: when the request's headers arrived ({@link System#nanoTime}), before any worker took it. */
    public static final String ARRIVED = "PsHttpArrived";

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        return new Consumer(endpoint, processor, getHandlers(),
                VertxPlatformHttpRouter.getRouterNameFromPort(getServerPort()));
    }

    static final class Consumer extends VertxPlatformHttpConsumer {

        Consumer(PlatformHttpEndpoint endpoint, Processor processor,
                java.util.List<io.vertx.core.Handler<RoutingContext>> handlers, String routerName) {
            super(endpoint, processor, handlers, routerName);
        }

        @Override
        protected void handleRequest(RoutingContext ctx) {
            if (isSuspended() || getEndpoint().isHttpProxy() || getEndpoint().isUseBodyHandler()
                    && isForm(ctx)) {
                // not this API's requests (a proxy, a form): the stock handling
                super.handleRequest(ctx);
                return;
            }
            Vertx vertx = ctx.vertx();
            Context context = vertx.getOrCreateContext();
            long arrived = System.nanoTime();
            Exchange exchange = createExchange(false);
            exchange.setPattern(ExchangePattern.InOut);
            exchange.setProperty(ARRIVED, arrived);
            processHttpRequest(exchange, ctx).onComplete(read -> {
                if (read.failed()) {
                    fail(exchange, ctx, read.cause());
                    return;
                }
                // the route's synchronous part (checks, parsing, accepting) runs on a worker; the worker is free
                // again when the route goes asynchronous, and the answer is written when the exchange completes
                vertx.executeBlocking(() -> {
                    createUoW(exchange);
                    getAsyncProcessor().process(exchange, doneSync -> context.runOnContext(v -> answer(ctx,
                            exchange)));
                    return null;
                }, false).onFailure(cause -> fail(exchange, ctx, cause));
            });
        }

        private void answer(RoutingContext ctx, Exchange exchange) {
            PlatformHttpResponses.write(ctx, exchange, getEndpoint().getHeaderFilterStrategy(),
                    getEndpoint().isMuteException()).onComplete(written -> {
                        if (written.failed()) {
                            getExceptionHandler().handleException("Failed writing the answer of platform-http "
                                    + "endpoint " + getEndpoint().getPath(), written.cause());
                            ctx.fail(written.cause());
                        }
                        done(exchange);
                    });
        }

        private void fail(Exchange exchange, RoutingContext ctx, Throwable cause) {
            getExceptionHandler().handleException("Failed handling platform-http endpoint " + getEndpoint().getPath(),
                    cause);
            ctx.fail(cause);
            done(exchange);
        }

        private void done(Exchange exchange) {
            if (exchange.getUnitOfWork() != null) {
                doneUoW(exchange);
            }
            releaseExchange(exchange, false);
        }

        private static boolean isForm(RoutingContext ctx) {
            String type = ctx.request().getHeader("Content-Type");
            return type != null && (type.startsWith("multipart/form-data")
                    || type.startsWith("application/x-www-form-urlencoded"));
        }
    }
}
