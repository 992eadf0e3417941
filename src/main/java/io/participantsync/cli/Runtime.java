package io.participantsync.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.ParticipantSync;
import io.participantsync.config.ConfigurationException;
import io.participantsync.config.Settings;
import io.participantsync.sandbox.SandboxServer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Loads the settings of a command, starting the in-process sandbox first when {@code --sandbox} is given. */
final class Runtime implements AutoCloseable {

    /** The sandbox knobs settable as {@code sandbox.<knob>} (see SandboxKnobs). */
    private static final List<String> KNOBS = io.participantsync.config.KnownKeys.SANDBOX_KNOBS;

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
            // the providers of this configuration (providers.extra included), each with its simulator
            sandbox = SandboxServer.start(0, SandboxServer.DEFAULT_THREADS, ParticipantSync.providers(settings));
            applyKnobs(settings, sandbox);
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
            provider = provider == null ? null : provider.toLowerCase(java.util.Locale.ROOT);
            Map<String, String> template = byConnection.get(provider);
            if (template != null) {
                template.forEach((k, v) -> out.put("connections." + name + "." + k, v));
            }
        }
        return out;
    }

    /** {@code sandbox.*} settings (e.g. {@code sandbox.latency-ms=50}, {@code sandbox.rate-503=0.1}) set the knobs. */
    static void applyKnobs(Settings settings, SandboxServer sandbox) {
        ObjectNode knobs = JsonNodeFactory.instance.objectNode();
        for (String knob : KNOBS) {
            String value = settings.get("sandbox." + knob);
            if (value == null) {
                continue;
            }
            String field = camelCase(knob);
            try {
                if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                    knobs.put(field, Boolean.parseBoolean(value));
                } else if (value.contains(".")) {
                    knobs.put(field, Double.parseDouble(value));
                } else if (value.matches("-?\\d+")) {
                    knobs.put(field, Long.parseLong(value));
                } else {
                    knobs.put(field, value);
                }
            } catch (NumberFormatException e) {
                throw new ConfigurationException("sandbox." + knob + " must be a number, was '" + value + "'");
            }
        }
        if (!knobs.isEmpty()) {
            try {
                sandbox.knobs().apply(knobs);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("sandbox.*: " + e.getMessage());
            }
        }
    }

    private static String camelCase(String kebab) {
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (sandbox != null) {
            sandbox.close();
        }
    }
}
