package io.participantsync.observe;

import io.vertx.core.http.HttpServer;
import io.vertx.core.net.impl.TCPServerBase;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

/**
 * The ports the business server ({@code camel.server.*}) and the management server ({@code camel.management.*})
 * actually listen on, {@code -1} for a server that is off. Camel only logs a warning when a server cannot bind its
 * port and starts anyway; {@link #listening} turns that into a startup error. (When both are configured with the same
 * port, Camel serves both from one server.)
 */
public record HttpServers(int businessPort, int managementPort) {

    /** @throws IllegalStateException naming the host, port and setting when a server is not listening */
    public static HttpServers listening(CamelContext camel) {
        MainHttpServer business = camel.hasService(MainHttpServer.class);
        ManagementHttpServer management = camel.hasService(ManagementHttpServer.class);
        Set<VertxPlatformHttpServer> servers = camel.hasServices(VertxPlatformHttpServer.class);
        for (VertxPlatformHttpServer s : servers) {
            if (!isListening(s)) {
                String keys = management != null && management.getPort() == s.getConfigurationPort()
                        ? "camel.management" : "camel.server";
                throw new IllegalStateException("cannot listen on " + s.getHost() + ":" + s.getConfigurationPort()
                        + " (" + keys + ".host/" + keys + ".port): the port is in use or the address is not local");
            }
        }
        return new HttpServers(business == null ? -1 : portOf(servers, business.getPort()),
                management == null ? -1 : portOf(servers, management.getPort()));
    }

    private static int portOf(Set<VertxPlatformHttpServer> servers, int configuredPort) {
        return servers.stream().filter(s -> s.getConfigurationPort() == configuredPort)
                .mapToInt(HttpServers::actualPort).findFirst().orElse(-1);
    }

    private static boolean isListening(VertxPlatformHttpServer server) {
        HttpServer vertx = HttpServerTimeouts.unwrap(server.getServer());
        if (vertx instanceof TCPServerBase tcp) {
            // actualPort() keeps the requested port after a failed bind; only the listening flag tells
            return tcp.isListening();
        }
        return vertx != null && vertx.actualPort() > 0;
    }

    private static int actualPort(VertxPlatformHttpServer server) {
        HttpServer vertx = server.getServer();
        return vertx == null ? 0 : vertx.actualPort();
    }
}
