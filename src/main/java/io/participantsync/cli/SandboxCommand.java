package io.participantsync.cli;

import io.participantsync.Application;
import io.participantsync.ParticipantSync;
import io.participantsync.config.Settings;
import io.participantsync.sandbox.SandboxServer;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code sandbox [--port N] [--threads N]}: the simulators of the registered providers (the five, plus those of
 * {@code providers.extra} in the {@code --config} file) on their own, until stopped.
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = "Run the simulators of the provider APIs (and their token endpoints) until stopped, and print "
                + "the connection settings that point at them.")
public final class SandboxCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @ParentCommand
    Application parent;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8089", description = "Port on 127.0.0.1 "
            + "(0 = any free port; default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "" + SandboxServer.DEFAULT_THREADS,
            description = "Request threads; a call held by the latency knob holds one (default ${DEFAULT-VALUE})")
    int threads;

    /**
     * What the command prints: the connection settings that point at {@code server}, a properties file to use with {@code --config}. The
     * credentials are the simulators' own fixed sandbox credentials (public in the source, open nothing but the
     * sandbox), printed in full so the file works as it is.
     */
    static String connectionSettings(SandboxServer server) {
        StringBuilder out = new StringBuilder("# Sandbox providers listening on " + server.url() + "\n");
        out.append("# Connection settings for --config (sandbox-only credentials: they open nothing but this "
                + "sandbox)\n");
        new TreeMap<>(server.connectionProperties()).forEach((k, v) -> out.append(k).append(" = ").append(v)
                .append('\n'));
        return out.toString();
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = Settings.load(global.merge(parent == null ? null : parent.global).config);
        SandboxServer server = SandboxServer.start(port, Math.max(1, threads), ParticipantSync.providers(settings));
        java.lang.Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.print(connectionSettings(server));
        new CountDownLatch(1).await();
        return 0;
    }
}
