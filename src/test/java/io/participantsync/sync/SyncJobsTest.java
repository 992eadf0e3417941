package io.participantsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.participantsync.config.ConfigurationException;
import io.participantsync.config.Connections;
import io.participantsync.config.Settings;
import io.participantsync.provider.Connection;
import io.participantsync.provider.ProviderRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading and validating {@code sync-jobs.<name>.*}: every problem named by its key, secrets never quoted. */
class SyncJobsTest {

    private static final ProviderRegistry PROVIDERS = ProviderRegistry.standard(id -> Map.of());
    private static final Connections CONNECTIONS = Connections.of(List.of(
            new Connection("oneflow", "oneflow", Map.of("provider", "oneflow")),
            new Connection("zoho-eu", "zoho", Map.of("provider", "zoho"))));

    private static SyncJobs load(Map<String, String> props, Map<String, String> env) {
        return SyncJobs.load(Settings.of(props, env), PROVIDERS, CONNECTIONS);
    }

    private static List<String> problems(Map<String, String> props) {
        try {
            load(props, Map.of());
        } catch (ConfigurationException e) {
            return e.problems();
        }
        throw new AssertionError("no ConfigurationException");
    }

    @Test
    void givenJdbcAndHttpJobs_whenLoaded_thenEveryValueReadAndSecretsFromTheEnvironment() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("sync-jobs.crm.cron", "0 0/15 * * * ?");
        p.put("sync-jobs.crm.source", "JDBC");
        p.put("sync-jobs.crm.jdbc-url", "jdbc:postgresql://db/crm");
        p.put("sync-jobs.crm.jdbc-user", "reader");
        p.put("sync-jobs.crm.query", "SELECT * FROM people");
        p.put("sync-jobs.crm.field-mapping", "Full Name=name");
        p.put("sync-jobs.crm.connection", "zoho-eu");
        p.put("sync-jobs.partner.source", "http");
        p.put("sync-jobs.partner.url", "https://partner.example.com/export?x=1");
        p.put("sync-jobs.partner.format", "JSON");
        p.put("sync-jobs.partner.provider", "Oneflow");
        p.put("sync-jobs.partner.lock-ttl-seconds", "60");

        SyncJobs jobs = load(p, Map.of("SYNC_JOBS_CRM_JDBC_PASSWORD", "pw-1",
                "SYNC_JOBS_PARTNER_AUTH_HEADER", "Authorization: Bearer tok-2"));

        SyncJob crm = jobs.find("crm").orElseThrow();
        assertThat(List.of(crm.cron(), crm.jdbcUrl(), crm.jdbcUser(), crm.jdbcPassword(), crm.query(),
                crm.provider(), crm.connection())).containsExactly("0 0/15 * * * ?", "jdbc:postgresql://db/crm",
                "reader", "pw-1", "SELECT * FROM people", "zoho", "zoho-eu");
        assertThat(crm.source()).isEqualTo(SyncJob.Kind.JDBC);
        assertThat(crm.mapping().canonicalName("FULL name")).isEqualTo("name");
        assertThat(crm.lockTtl()).isEqualTo(Duration.ofSeconds(300));
        SyncJob partner = jobs.find("partner").orElseThrow();
        assertThat(List.of(partner.url(), partner.format(), partner.provider(), partner.authHeaderName(),
                partner.authHeaderValue())).containsExactly("https://partner.example.com/export?x=1", "json",
                "oneflow", "Authorization", "Bearer tok-2");
        assertThat(partner.cron()).isNull();
        assertThat(partner.lockTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(crm + " " + partner).doesNotContain("pw-1").doesNotContain("tok-2");
        assertThat(jobs.names()).containsExactly("crm", "partner");
    }

    @Test
    void givenJdbcJobWithoutQuery_whenLoaded_thenTheMessageNamesTheKey() {
        assertThat(problems(Map.of("sync-jobs.crm.source", "jdbc", "sync-jobs.crm.jdbc-url", "jdbc:h2:mem:x")))
                .containsExactly("sync-jobs.crm.query must be set for source jdbc");
    }

    @Test
    void givenSeveralMistakes_whenLoaded_thenEachReportedByKey() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("sync-jobs.a.source", "ftp");
        p.put("sync-jobs.a.crn", "0 * * * * ?");
        p.put("sync-jobs.b.source", "http");
        p.put("sync-jobs.b.cron", "*/5 * * * *");
        p.put("sync-jobs.b.format", "xml");
        p.put("sync-jobs.b.query", "SELECT 1");
        p.put("sync-jobs.b.provider", "docusign");
        p.put("sync-jobs.b.connection", "nowhere");
        p.put("sync-jobs.b.field-mapping", "Name");
        p.put("sync-jobs.c.source", "jdbc");
        p.put("sync-jobs.c.jdbc-url", "postgres://db");
        p.put("sync-jobs.c.query", "SELECT 1");
        p.put("sync-jobs.c.provider", "oneflow");
        p.put("sync-jobs.c.connection", "zoho-eu");
        p.put("sync-jobs.c.lock-ttl-seconds", "soon");

        List<String> problems = problems(p);

        assertThat(problems).contains(
                "sync-jobs.a.crn is not a sync-job key (one of auth-header, connection, cron, field-mapping, format, "
                        + "jdbc-password, jdbc-url, jdbc-user, lock-ttl-seconds, provider, query, source, url)",
                "sync-jobs.a.source must be jdbc or http, was 'ftp'",
                "sync-jobs.b.url must be set for source http",
                "sync-jobs.b.format must be csv or json (or unset: from the Content-Type), was 'xml'",
                "sync-jobs.b.query does not apply to source http",
                "sync-jobs.b.provider 'docusign' is not one of oneflow, zigned, signinghub, eviasign, zoho",
                "sync-jobs.b.connection 'nowhere' is not a configured connection",
                "sync-jobs.c.jdbc-url must be a JDBC URL (jdbc:...)",
                "sync-jobs.c.connection 'zoho-eu' is a zoho connection, not oneflow",
                "sync-jobs.c.lock-ttl-seconds must be an integer, was 'soon'");
        assertThat(problems).anySatisfy(m -> assertThat(m).startsWith("sync-jobs.b.cron '*/5 * * * *' is not a "
                + "Quartz cron expression"));
        assertThat(problems).anySatisfy(m -> assertThat(m).startsWith("sync-jobs.b.field-mapping: 'Name'"));
        assertThat(problems).hasSize(12);
    }

    @Test
    void givenAuthHeaderWithoutName_whenLoaded_thenRefusedWithoutQuotingIt() {
        List<String> problems = problems(Map.of("sync-jobs.p.source", "http", "sync-jobs.p.url", "http://x/",
                "sync-jobs.p.auth-header", "Bearer tok-3"));

        assertThat(problems).containsExactly("sync-jobs.p.auth-header must be a whole header line, 'Name: value' "
                + "(e.g. 'Authorization: Bearer ...')");
    }

    @Test
    void givenJobNameWithPathCharacters_whenLoaded_thenRefused() {
        assertThatThrownBy(() -> load(Map.of("sync-jobs.a b.source", "jdbc"), Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("sync-jobs.a b: a job name is letters, digits, '-' and '_'");
    }

    @Test
    void givenNoJobs_whenLoaded_thenEmpty() {
        assertThat(load(Map.of("csv.inbox", "in"), Map.of()).isEmpty()).isTrue();
    }
}
