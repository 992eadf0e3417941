package io.participantsync.observe;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.spi.metrics.MetricsProvider;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read and idle timeouts for Camel's HTTP servers (business and management), which Camel's {@code camel.server.*}
 * settings do not offer: the Vert.x instance bound in the registry (the servers use the one they find there) creates
 * every HTTP server with
 * <ul>
 * <li>the <b>idle timeout</b> ({@code http.idle-timeout-seconds}): a connection on which nothing is sent or received
 * for that long is closed (Vert.x {@code HttpServerOptions.idleTimeout});</li>
 * <li>the <b>header timeout</b> ({@code http.header-timeout-seconds}): a connection must deliver a request's complete
 * headers within that long of opening or of its previous answer, however slowly it trickles bytes;</li>
 * <li>the <b>read timeout</b> ({@code http.read-timeout-seconds}): a request's body must have arrived completely within
 * that long of its headers.</li>
 * </ul>
 * A connection past a deadline is closed; each connection is checked every {@value #TICK_MS} ms. Cleartext HTTP/2
 * (h2c upgrade) is off, so the deadlines run from a connection's first byte (clients use HTTP/1.1).
 */
public final class HttpServerTimeouts {

    static final long TICK_MS = 250;
    private static final Logger LOG = LoggerFactory.getLogger(HttpServerTimeouts.class);
    /** Our server proxies and the Vert.x servers behind them (for {@link #unwrap}). */
    private static final Map<HttpServer, HttpServer> SERVERS = java.util.Collections.synchronizedMap(
            new WeakHashMap<>());

    private final Vertx vertx;
    private final int idleSeconds;
    private final long headerNanos;
    private final long readNanos;

    private HttpServerTimeouts(Vertx vertx, int idleSeconds, int headerSeconds, int readSeconds) {
        this.vertx = vertx;
        this.idleSeconds = idleSeconds;
        this.headerNanos = TimeUnit.SECONDS.toNanos(headerSeconds);
        this.readNanos = TimeUnit.SECONDS.toNanos(readSeconds);
    }

    /**
     * A Vert.x instance (to close at shutdown) whose HTTP servers have these timeouts; every other call goes to a plain
     * Vert.x instance.
     */
    public static Vertx vertx(int idleSeconds, int headerSeconds, int readSeconds) {
        Vertx real = Vertx.vertx();
        HttpServerTimeouts timeouts = new HttpServerTimeouts(real, idleSeconds, headerSeconds, readSeconds);
        return (Vertx) Proxy.newProxyInstance(HttpServerTimeouts.class.getClassLoader(),
                new Class<?>[] {VertxInternal.class, MetricsProvider.class}, (proxy, method, args) -> {
                    if (method.getName().equals("createHttpServer")) {
                        HttpServerOptions options = args == null || args.length == 0 ? new HttpServerOptions()
                                : new HttpServerOptions((HttpServerOptions) args[0]);
                        return timeouts.server(options);
                    }
                    return call(real, method, args);
                });
    }

    /**
     * What is wrong with these settings, if anything: every timeout at least 1 s, and the idle timeout longer than
     * {@code http.max-wait-seconds} (a waiting request sends nothing, so a shorter one would cut every long wait).
     */
    public static java.util.Optional<String> problem(int idleSeconds, int headerSeconds, int readSeconds,
            int maxWaitSeconds) {
        if (headerSeconds < 1) {
            return java.util.Optional.of("http.header-timeout-seconds must be at least 1, was " + headerSeconds);
        }
        if (readSeconds < 1) {
            return java.util.Optional.of("http.read-timeout-seconds must be at least 1, was " + readSeconds);
        }
        if (idleSeconds <= maxWaitSeconds) {
            return java.util.Optional.of("http.idle-timeout-seconds must be longer than http.max-wait-seconds ("
                    + maxWaitSeconds + "): a waiting request sends nothing, was " + idleSeconds);
        }
        return java.util.Optional.empty();
    }

    /** The Vert.x server behind a server this class made (for its listening state); any other as it is. */
    public static HttpServer unwrap(HttpServer server) {
        HttpServer real = server == null ? null : SERVERS.get(server);
        return real == null ? server : real;
    }

    private HttpServer server(HttpServerOptions options) {
        options.setIdleTimeout(idleSeconds).setIdleTimeoutUnit(TimeUnit.SECONDS);
        // no cleartext HTTP/2 upgrade: with it Vert.x makes the connection (and calls the handler that starts the
        // header deadline) only once the first request's headers are complete, i.e. never for a slow client
        options.setHttp2ClearTextEnabled(false);
        HttpServer real = vertx.createHttpServer(options);
        Map<HttpConnection, Watch> watches = new ConcurrentHashMap<>();
        real.connectionHandler(connection -> {
            Watch w = new Watch(connection);
            watches.put(connection, w);
            w.timer = vertx.setPeriodic(TICK_MS, id -> w.check());
            connection.closeHandler(v -> {
                vertx.cancelTimer(w.timer);
                watches.remove(connection);
            });
        });
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("requestHandler") && args != null && args.length == 1) {
                @SuppressWarnings("unchecked")
                Handler<HttpServerRequest> inner = (Handler<HttpServerRequest>) args[0];
                real.requestHandler(request -> {
                    Watch w = watches.get(request.connection());
                    if (w != null) {
                        w.arrived(request);
                    }
                    inner.handle(request);
                });
                return proxy;
            }
            Object result = call(real, method, args);
            return result == real ? proxy : result;
        };
        HttpServer proxy = (HttpServer) Proxy.newProxyInstance(HttpServerTimeouts.class.getClassLoader(),
                new Class<?>[] {HttpServer.class}, handler);
        SERVERS.put(proxy, real);
        return proxy;
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** One connection: its requests under way, and since when it has been waiting for the next request's headers. */
    private final class Watch {
        private final HttpConnection connection;
        private final Set<HttpServerRequest> requests = ConcurrentHashMap.newKeySet();
        private final Map<HttpServerRequest, Long> arrivedAt = new ConcurrentHashMap<>();
        private volatile long idleSince = System.nanoTime();
        volatile long timer;

        Watch(HttpConnection connection) {
            this.connection = connection;
        }

        void arrived(HttpServerRequest request) {
            requests.add(request);
            arrivedAt.put(request, System.nanoTime());
        }

        void check() {
            long now = System.nanoTime();
            boolean hadRequests = !requests.isEmpty();
            for (HttpServerRequest r : requests) {
                if (r.response().ended() || r.response().closed()) {
                    requests.remove(r);
                    arrivedAt.remove(r);
                } else if (!r.isEnded() && now - arrivedAt.getOrDefault(r, now) > readNanos) {
                    close("its request body did not arrive within http.read-timeout-seconds");
                    return;
                }
            }
            if (requests.isEmpty()) {
                if (hadRequests) {
                    idleSince = now;
                } else if (now - idleSince > headerNanos) {
                    close("no complete request headers within http.header-timeout-seconds");
                }
            }
        }

        private void close(String why) {
            LOG.debug("closing HTTP connection from {}: {}", connection.remoteAddress(), why);
            vertx.cancelTimer(timer);
            connection.close();
        }
    }
}
