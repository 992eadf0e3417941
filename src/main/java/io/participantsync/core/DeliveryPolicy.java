package io.participantsync.core;

import io.participantsync.config.ConfigurationException;
import io.participantsync.config.Settings;

/**
 * The backoff between attempts ({@code delivery.*} settings). How many attempts, the retry budget and the concurrency
 * are per connection (see {@link io.participantsync.delivery.ConnectionLimits}).
 */
public record DeliveryPolicy(long initialBackoffMs, double backoffMultiplier, long maxBackoffMs) {

    public static DeliveryPolicy from(Settings s) {
        DeliveryPolicy p = new DeliveryPolicy(s.getLong("delivery.initial-backoff-ms", 500),
                s.getDouble("delivery.backoff-multiplier", 2.0), s.getLong("delivery.max-backoff-ms", 30_000));
        if (p.initialBackoffMs < 0 || p.maxBackoffMs < p.initialBackoffMs) {
            throw new ConfigurationException("delivery.max-backoff-ms must be at least delivery.initial-backoff-ms");
        }
        if (p.backoffMultiplier < 1) {
            throw new ConfigurationException("delivery.backoff-multiplier must be at least 1");
        }
        return p;
    }
}
