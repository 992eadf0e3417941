package io.participantsync.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The layered configuration: built-in defaults ({@code application.properties} in the jar) &lt; the {@code --config}
 * file &lt; environment variables &lt; overrides the process sets itself (the in-process sandbox). An environment
 * variable overrides a key when its name is the key upper-cased with '.' and '-' turned into '_'
 * ({@code connections.zoho.client-secret} -&gt; {@code CONNECTIONS_ZOHO_CLIENT_SECRET}).
 */
public final class Settings {

    private static final Pattern ENV_CONNECTION = Pattern.compile("^CONNECTIONS_([A-Z0-9_]+?)_PROVIDER$");

    private final Map<String, String> fileLayers = new LinkedHashMap<>();
    private final Set<String> givenKeys;
    private final Map<String, String> env;
    private final Map<String, String> overrides = new LinkedHashMap<>();

    private Settings(Map<String, String> defaults, Map<String, String> file, Map<String, String> env) {
        this.fileLayers.putAll(defaults);
        this.fileLayers.putAll(file);
        this.givenKeys = Set.copyOf(file.keySet());
        this.env = Map.copyOf(env);
    }

    /** Built-in defaults, then {@code configFile} (may be null), then the process environment. */
    public static Settings load(Path configFile) {
        return load(configFile, System.getenv());
    }

    public static Settings load(Path configFile, Map<String, String> env) {
        Map<String, String> defaults = builtInDefaults();
        Map<String, String> file = new LinkedHashMap<>();
        if (configFile != null) {
            if (!Files.isReadable(configFile)) {
                throw new ConfigurationException("--config " + configFile + ": file not found or not readable");
            }
            try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                Properties p = new Properties();
                p.load(r);
                p.stringPropertyNames().forEach(k -> file.put(k, p.getProperty(k)));
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigurationException("--config " + configFile + ": cannot read: " + e.getMessage());
            }
        }
        return new Settings(defaults, file, env);
    }

    /** Settings from plain maps (tests): {@code properties} as the configuration file. */
    public static Settings of(Map<String, String> properties, Map<String, String> env) {
        return new Settings(Map.of(), properties, env);
    }

    /** The keys of the built-in defaults ({@code application.properties} in the jar). */
    public static Set<String> defaultKeys() {
        return builtInDefaults().keySet();
    }

    private static Map<String, String> builtInDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        try (InputStream in = Settings.class.getResourceAsStream("/application.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                p.stringPropertyNames().forEach(k -> defaults.put(k, p.getProperty(k)));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read built-in application.properties", e);
        }
        return defaults;
    }

    /** The keys the configuration file and the process's overrides set (not the defaults, not the environment). */
    public Set<String> givenKeys() {
        Set<String> keys = new TreeSet<>(givenKeys);
        keys.addAll(overrides.keySet());
        return keys;
    }

    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Sets a value that wins over every layer (used by {@code --sandbox}). */
    public void override(String key, String value) {
        overrides.put(key, value);
    }

    public void overrideAll(Map<String, String> values) {
        overrides.putAll(values);
    }

    public String get(String key) {
        String v = overrides.get(key);
        if (v == null) {
            v = env.get(envName(key));
        }
        if (v == null) {
            v = fileLayers.get(key);
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    public String get(String key, String defaultValue) {
        String v = get(key);
        return v == null ? defaultValue : v;
    }

    public int getInt(String key, int defaultValue) {
        String v = get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(key + " must be an integer, was '" + v + "'");
        }
    }

    public long getLong(String key, long defaultValue) {
        String v = get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(key + " must be an integer, was '" + v + "'");
        }
    }

    public double getDouble(String key, double defaultValue) {
        String v = get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(key + " must be a number, was '" + v + "'");
        }
    }

    /** Every key under {@code prefix} (file layers and overrides; environment variables only for known names). */
    public Map<String, String> withPrefix(String prefix, Set<String> knownSuffixes) {
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> keys = new TreeSet<>();
        fileLayers.keySet().stream().filter(k -> k.startsWith(prefix)).forEach(keys::add);
        overrides.keySet().stream().filter(k -> k.startsWith(prefix)).forEach(keys::add);
        knownSuffixes.forEach(s -> keys.add(prefix + s));
        for (String k : keys) {
            String v = get(k);
            if (v != null) {
                out.put(k.substring(prefix.length()), v);
            }
        }
        return out;
    }

    /** Names of the connections declared by a {@code connections.<name>.provider} key in any layer. */
    public Set<String> connectionNames() {
        Set<String> names = new TreeSet<>();
        Pattern p = Pattern.compile("^connections\\.([^.]+)\\.provider$");
        for (String k : allFileAndOverrideKeys()) {
            Matcher m = p.matcher(k);
            if (m.matches() && get(k) != null) {
                names.add(m.group(1));
            }
        }
        for (String k : env.keySet()) {
            Matcher m = ENV_CONNECTION.matcher(k);
            // a blank variable declares nothing, as a blank key in a file does ("VAR=${UNSET}" arrives blank)
            if (m.matches() && !env.get(k).isBlank()) {
                names.add(m.group(1).toLowerCase(Locale.ROOT).replace('_', '-'));
            }
        }
        return names;
    }

    /** Every key of the file layers and overrides with its effective value (for Camel's property placeholders). */
    public Properties asProperties() {
        Properties p = new Properties();
        for (String k : allFileAndOverrideKeys()) {
            String v = get(k);
            if (v != null) {
                p.setProperty(k, v);
            }
        }
        return p;
    }

    private Set<String> allFileAndOverrideKeys() {
        Set<String> keys = new TreeSet<>(fileLayers.keySet());
        keys.addAll(overrides.keySet());
        return keys;
    }
}
