package io.participantsync.core;

import io.participantsync.config.ConfigurationException;
import io.participantsync.config.Settings;

/**
 * The backoff between attempts ({@code delivery.*} settings); {@code maxAttempts} and {@code concurrency} are the
 * defaults of each connection's {@code max-attempts} and {@code max-concurrency} (see
 * {@link io.participantsync.delivery.ConnectionLimits}).
 */
public record DeliveryPolicy(int maxAttempts, long initialBackoffMs, double backoffMultiplier, long maxBackoffMs,
        int concurrency) {

    public static DeliveryPolicy from(Settings s) {
        DeliveryPolicy p = new DeliveryPolicy(s.getInt("delivery.max-attempts", 10),
                s.getLong("delivery.initial-backoff-ms", 500), s.getDouble("delivery.backoff-multiplier", 2.0),
                s.getLong("delivery.max-backoff-ms", 30_000), s.getInt("delivery.concurrency", 8));
        if (p.maxAttempts < 1) {
            throw new ConfigurationException("delivery.max-attempts must be at least 1");
        }
        if (p.concurrency < 1) {
            throw new ConfigurationException("delivery.concurrency must be at least 1");
        }
        if (p.initialBackoffMs < 0 || p.maxBackoffMs < p.initialBackoffMs) {
            throw new ConfigurationException("delivery.max-backoff-ms must be at least delivery.initial-backoff-ms");
        }
        if (p.backoffMultiplier < 1) {
            throw new ConfigurationException("delivery.backoff-multiplier must be at least 1");
        }
        return p;
    }
}
