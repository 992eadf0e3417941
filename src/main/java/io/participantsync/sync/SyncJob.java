package io.participantsync.sync;

import io.participantsync.intake.CsvOptions;
import java.time.Duration;

/**
 * One scheduled sync job as configured under {@code sync-jobs.<name>.*}: when it runs, where it reads (a JDBC query
 * or an HTTP GET), how columns are renamed, and the provider and connection of rows that name none.
 * {@link #toString()} never shows the JDBC password or the auth header.
 *
 * @param cron       Quartz cron expression, or {@code null} for a job that only runs by hand
 * @param format     for HTTP: {@code csv}, {@code json}, or {@code null} to go by the Content-Type
 * @param authHeader for HTTP: the whole header line ({@code Authorization: Bearer ...}), or {@code null}
 */
public record SyncJob(String name, String cron, Kind source, String jdbcUrl, String jdbcUser, String jdbcPassword,
        String query, String url, String format, String authHeader, CsvOptions mapping, String provider,
        String connection, Duration lockTtl) {

    /** Where a job reads its rows. */
    public enum Kind { JDBC, HTTP }

    /** The name of the auth header ({@code Authorization}), or {@code null}. */
    public String authHeaderName() {
        return authHeader == null ? null : authHeader.substring(0, authHeader.indexOf(':')).strip();
    }

    /** The value of the auth header, or {@code null}. */
    public String authHeaderValue() {
        return authHeader == null ? null : authHeader.substring(authHeader.indexOf(':') + 1).strip();
    }

    /** Replaces the job's secrets in a message (a driver or HTTP error may quote them). */
    public String mask(String message) {
        if (message == null) {
            return null;
        }
        String m = message;
        for (String secret : new String[] {jdbcPassword, authHeaderValue()}) {
            if (secret != null && !secret.isBlank()) {
                m = m.replace(secret, "***");
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "SyncJob[" + name + ", cron=" + cron + ", source=" + source + ", "
                + (source == Kind.JDBC ? "jdbc-url=" + mask(jdbcUrl) + ", jdbc-user=" + jdbcUser
                        + ", jdbc-password=" + (jdbcPassword == null ? null : "***")
                        : "url=" + mask(url) + ", format=" + format + ", auth-header="
                                + (authHeader == null ? null : authHeaderName() + ": ***"))
                + ", provider=" + provider + ", connection=" + connection + "]";
    }
}
