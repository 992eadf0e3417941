package io.participantsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Verifies the bound on records in memory per connection: a full connection holds back only its own readers. */
class AdmissionTest {

    private final Admission admission = new Admission(2);

    @Test
    void givenAFullConnection_whenAReaderAsks_thenItWaitsUntilOneOfThatConnectionsRecordsEnds() throws Exception {
        admission.admit("down");
        admission.admit("down");
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try {
                admission.admit("down");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !reader.isDone());
        assertThat(admission.holding("down")).isEqualTo(2);
        admission.admit("healthy");
        admission.admit("healthy");
        assertThat(admission.holding("healthy")).as("another connection is not held back").isEqualTo(2);

        admission.release("down");
        reader.get(10, TimeUnit.SECONDS);
        assertThat(admission.holding("down")).isEqualTo(2);
    }
}
