package io.participantsync.cli;

import io.participantsync.config.Settings;
import io.participantsync.sandbox.SandboxServer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Loads the settings of a command, starting the in-process sandbox first when {@code --sandbox} is given. */
final class Runtime implements AutoCloseable {

    private static final Pattern SANDBOX_KEY = Pattern.compile("^connections\\.([^.]+)\\.(.+)$");

    final Settings settings;
    final SandboxServer sandbox;

    private Runtime(Settings settings, SandboxServer sandbox) {
        this.settings = settings;
        this.sandbox = sandbox;
    }

    static Runtime load(GlobalOptions options) {
        Settings settings = Settings.load(options.config);
        SandboxServer sandbox = null;
        if (options.sandbox) {
            sandbox = SandboxServer.start(0);
            settings.overrideAll(sandboxOverrides(settings, sandbox.connectionProperties()));
        }
        return new Runtime(settings, sandbox);
    }

    /**
     * The sandbox's own connections, plus every other configured connection pointed at the sandbox connection of the
     * same provider (named like the provider), with the sandbox's credentials.
     */
    static Map<String, String> sandboxOverrides(Settings settings, Map<String, String> sandboxProperties) {
        Map<String, String> out = new LinkedHashMap<>(sandboxProperties);
        Map<String, Map<String, String>> byConnection = new HashMap<>();
        sandboxProperties.forEach((k, v) -> {
            Matcher m = SANDBOX_KEY.matcher(k);
            if (m.matches()) {
                byConnection.computeIfAbsent(m.group(1), x -> new LinkedHashMap<>()).put(m.group(2), v);
            }
        });
        for (String name : settings.connectionNames()) {
            if (byConnection.containsKey(name)) {
                continue;
            }
            String provider = settings.get("connections." + name + ".provider");
            Map<String, String> template = byConnection.get(provider);
            if (template != null) {
                template.forEach((k, v) -> out.put("connections." + name + "." + k, v));
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (sandbox != null) {
            sandbox.close();
        }
    }
}
