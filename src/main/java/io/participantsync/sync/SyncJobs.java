package io.participantsync.sync;

import io.participantsync.config.ConfigurationException;
import io.participantsync.config.Connections;
import io.participantsync.config.Settings;
import io.participantsync.intake.CsvOptions;
import io.participantsync.provider.Connection;
import io.participantsync.provider.ProviderRegistry;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * The configured sync jobs ({@code sync-jobs.<name>.*}), read and validated at startup: every problem is reported
 * at once, each naming its key ({@code sync-jobs.crm.query must be set for source jdbc}). Jobs are declared in the
 * {@code --config} file (or defaults); their secrets ({@code jdbc-password}, {@code auth-header}) may come from the
 * environment ({@code SYNC_JOBS_CRM_JDBC_PASSWORD}).
 */
public final class SyncJobs {

    public static final String PREFIX = "sync-jobs.";
    /** Every key a job may have. */
    public static final Set<String> KEYS = Set.of("cron", "source", "jdbc-url", "jdbc-user", "jdbc-password", "query",
            "url", "format", "auth-header", "field-mapping", "provider", "connection", "lock-ttl-seconds");
    private static final Set<String> JDBC_ONLY = Set.of("jdbc-url", "jdbc-user", "jdbc-password", "query");
    private static final Set<String> HTTP_ONLY = Set.of("url", "format", "auth-header");
    private static final Pattern JOB_KEY = Pattern.compile("^sync-jobs\\.([^.]+)\\.(.+)$");
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$");
    private static final Pattern HEADER_NAME = Pattern.compile("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$");
    private static final long DEFAULT_LOCK_TTL_SECONDS = 300;

    private final Map<String, SyncJob> byName;

    private SyncJobs(Map<String, SyncJob> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** Reads and validates every job; throws one {@link ConfigurationException} listing each problem. */
    public static SyncJobs load(Settings settings, ProviderRegistry providers, Connections connections) {
        Map<String, Set<String>> keysByJob = new LinkedHashMap<>();
        for (String key : new TreeSet<>(settings.asProperties().stringPropertyNames())) {
            Matcher m = JOB_KEY.matcher(key);
            if (m.matches()) {
                keysByJob.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
            }
        }
        List<String> problems = new ArrayList<>();
        Map<String, SyncJob> jobs = new LinkedHashMap<>();
        keysByJob.forEach((name, keys) -> {
            String prefix = PREFIX + name + ".";
            if (!NAME.matcher(name).matches()) {
                problems.add(PREFIX + name + ": a job name is letters, digits, '-' and '_' (it names files and "
                        + "routes)");
                return;
            }
            keys.stream().filter(k -> !KEYS.contains(k)).forEach(k -> problems.add(prefix + k
                    + " is not a sync-job key (one of " + String.join(", ", new TreeSet<>(KEYS)) + ")"));
            SyncJob job = read(name, settings, providers, connections, problems);
            if (job != null) {
                jobs.put(name, job);
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new SyncJobs(jobs);
    }

    public Optional<SyncJob> find(String name) {
        return Optional.ofNullable(name == null ? null : byName.get(name));
    }

    public Collection<SyncJob> all() {
        return byName.values();
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }

    private static SyncJob read(String name, Settings settings, ProviderRegistry providers, Connections connections,
            List<String> problems) {
        String prefix = PREFIX + name + ".";
        int before = problems.size();
        String cron = settings.get(prefix + "cron");
        if (cron != null) {
            try {
                CronExpression.validateExpression(cron);
            } catch (ParseException e) {
                problems.add(prefix + "cron '" + cron + "' is not a Quartz cron expression (" + e.getMessage()
                        + "); fields: seconds minutes hours day-of-month month day-of-week [year], e.g. "
                        + "'0 0/15 * * * ?'");
            }
        }
        String sourceValue = settings.get(prefix + "source");
        SyncJob.Kind kind = null;
        if (sourceValue == null) {
            problems.add(prefix + "source must be set (jdbc or http)");
        } else {
            try {
                kind = SyncJob.Kind.valueOf(sourceValue.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(prefix + "source must be jdbc or http, was '" + sourceValue + "'");
            }
        }
        String jdbcUrl = settings.get(prefix + "jdbc-url");
        String query = settings.get(prefix + "query");
        String url = settings.get(prefix + "url");
        String format = settings.get(prefix + "format");
        String authHeader = settings.get(prefix + "auth-header");
        if (kind == SyncJob.Kind.JDBC) {
            requireFor(prefix, "jdbc-url", jdbcUrl, "jdbc", problems);
            requireFor(prefix, "query", query, "jdbc", problems);
            if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:")) {
                problems.add(prefix + "jdbc-url must be a JDBC URL (jdbc:...)");
            }
            notFor(prefix, HTTP_ONLY, settings, "jdbc", problems);
        } else if (kind == SyncJob.Kind.HTTP) {
            requireFor(prefix, "url", url, "http", problems);
            if (url != null && !url.matches("(?i)^https?://[^/?#]+.*$")) {
                problems.add(prefix + "url must be an http:// or https:// URL");
            }
            if (format != null) {
                format = format.toLowerCase(Locale.ROOT);
                if (!format.equals("csv") && !format.equals("json")) {
                    problems.add(prefix + "format must be csv or json (or unset: from the Content-Type), was '"
                            + format + "'");
                }
            }
            if (authHeader != null) {
                int colon = authHeader.indexOf(':');
                if (colon <= 0 || !HEADER_NAME.matcher(authHeader.substring(0, colon).strip()).matches()
                        || authHeader.substring(colon + 1).isBlank()) {
                    // the value is a secret: the message never quotes it
                    problems.add(prefix + "auth-header must be a whole header line, 'Name: value' (e.g. "
                            + "'Authorization: Bearer ...')");
                }
            }
            notFor(prefix, JDBC_ONLY, settings, "http", problems);
        }
        CsvOptions mapping = null;
        try {
            mapping = CsvOptions.parse(null, settings.get(prefix + "field-mapping"), prefix);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        String provider = settings.get(prefix + "provider");
        if (provider != null) {
            provider = provider.toLowerCase(Locale.ROOT);
            if (providers.find(provider).isEmpty()) {
                problems.add(prefix + "provider '" + provider + "' is not one of " + String.join(", ",
                        providers.ids()));
            }
        }
        String connection = settings.get(prefix + "connection");
        if (connection != null) {
            Optional<Connection> c = connections.find(connection);
            if (c.isEmpty()) {
                problems.add(prefix + "connection '" + connection + "' is not a configured connection");
            } else if (provider != null && !provider.equals(c.get().provider())) {
                problems.add(prefix + "connection '" + connection + "' is a " + c.get().provider()
                        + " connection, not " + provider);
            } else {
                provider = c.get().provider();
            }
        }
        long ttl = DEFAULT_LOCK_TTL_SECONDS;
        try {
            ttl = settings.getLong(prefix + "lock-ttl-seconds", DEFAULT_LOCK_TTL_SECONDS);
            if (ttl < 10) {
                problems.add(prefix + "lock-ttl-seconds must be at least 10, was " + ttl);
            }
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
        }
        if (problems.size() > before) {
            return null;
        }
        return new SyncJob(name, cron, kind, jdbcUrl, settings.get(prefix + "jdbc-user"),
                settings.get(prefix + "jdbc-password"), query, url, format, authHeader, mapping, provider, connection,
                Duration.ofSeconds(ttl));
    }

    private static void requireFor(String prefix, String key, String value, String source, List<String> problems) {
        if (value == null) {
            problems.add(prefix + key + " must be set for source " + source);
        }
    }

    private static void notFor(String prefix, Set<String> keys, Settings settings, String source,
            List<String> problems) {
        new TreeSet<>(keys).stream().filter(k -> settings.get(prefix + k) != null)
                .forEach(k -> problems.add(prefix + k + " does not apply to source " + source));
    }
}
