package io.participantsync.cli;

import io.participantsync.ParticipantSync;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import io.participantsync.Application;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code run}: the service, with the YAML edge routes of {@code routes/}, until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the service: load the edge routes (those of ./routes or routes.dir, else the ones in the jar: CSV drop, ...) and process input until "
                + "stopped (Ctrl-C / SIGTERM stops gracefully).")
public final class RunCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @ParentCommand
    Application parent;

    @Override
    public Integer call() throws Exception {
        try (Runtime rt = Runtime.load(global.merge(parent.global)); ParticipantSync app = ParticipantSync.start(rt.settings, true)) {
            if (rt.sandbox != null) {
                System.err.println("participant-sync: sandbox providers at " + rt.sandbox.url());
            }
            if (app.servers().businessPort() > 0) {
                System.err.println("participant-sync: HTTP API at http://" + rt.settings.get("camel.server.host",
                        "127.0.0.1") + ":" + app.servers().businessPort() + "/api/v1 (OpenAPI document: /api/v1/openapi.json)");
            }
            System.err.println("participant-sync: watching " + rt.settings.get("csv.inbox") + "/ for *.csv");
            if (app.queues() != null && app.queues().broker() != null) {
                System.err.println("participant-sync: JMS queue " + rt.settings.get("jms.queue") + " on "
                        + app.queues().broker().tcpUrl() + " (embedded broker)");
            }
            if (Boolean.parseBoolean(rt.settings.get("camel.management.enabled", "false"))) {
                String base = "http://" + rt.settings.get("camel.management.host", "127.0.0.1") + ":"
                        + rt.settings.get("camel.management.port", "9876") + "/observe";
                System.err.println("participant-sync: health at " + base + "/health/live and " + base
                        + "/health/ready, metrics at " + base + "/metrics");
            }
            app.runUntilStopped();
            return 0;
        }
    }
}
