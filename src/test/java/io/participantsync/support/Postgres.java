package io.participantsync.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The machine's PostgreSQL (127.0.0.1:5432, database {@code test}, trust auth) for tests that need the real server.
 * Each caller gets its own fresh schema. Outside CI a missing server skips the test; in CI ({@code CI=true},
 * where .ci/run starts the server) it fails.
 */
public final class Postgres {

    public static final String BASE_URL = System.getProperty("ps.test.postgres.url",
            "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String USER = System.getProperty("ps.test.postgres.user", "postgres");

    private Postgres() {
    }

    /** A JDBC URL pointing at a new, empty schema. */
    public static String freshSchemaUrl() {
        String schema = "ps_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(BASE_URL, USER, null); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("PostgreSQL at " + BASE_URL + " is required in CI: " + e.getMessage(), e);
            }
            Assumptions.abort("PostgreSQL at " + BASE_URL + " is not reachable: " + e.getMessage());
        }
        return BASE_URL + "?currentSchema=" + schema;
    }
}
