package io.participantsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.participantsync.config.Connections;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Source;
import io.participantsync.provider.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Verifies the keyed delivery lanes and ordering keys: order per participant, parallelism, aliases, back-pressure. */
class DeliveryLanesTest {

    private final Connections connections = Connections.of(List.of(new Connection("oneflow", "oneflow", Map.of()),
            new Connection("evia", "eviasign", Map.of()), new Connection("zoho", "zoho", Map.of()),
            new Connection("signinghub", "signinghub", Map.of())));
    private DeliveryLanes lanes;

    @AfterEach
    void close() {
        if (lanes != null) {
            lanes.close();
        }
    }

    @Test
    void givenProviders_whenKeyed_thenConnectionAndLocatorFieldsMakeTheKey() {
        assertThat(key("oneflow", null, Map.of("contract_id", "1", "party_id", "2", "participant_id", "3",
                "name", "A"))).isEqualTo(new OrderingKey("oneflow|oneflow|1|2|3|", null));
        // the default connection is resolved, so naming it or not gives the same key
        assertThat(key("oneflow", "oneflow", Map.of("contract_id", "1", "party_id", "2", "participant_id", "3")))
                .isEqualTo(key("oneflow", null, Map.of("contract_id", "1", "party_id", "2", "participant_id", "3")));
        assertThat(key("signinghub", null, Map.of("package_id", "9", "workflow_order", "2")).key())
                .isEqualTo("signinghub|signinghub|9|");
        assertThat(key("eviasign", null, Map.of("request_id", "r1", "current_email", "A@x.se", "email", "b@x.se")))
                .isEqualTo(new OrderingKey("eviasign|evia|r1||a@x.se", "eviasign|evia|r1||b@x.se"));
        assertThat(key("zoho", null, Map.of("organization", "Org", "current_email", "a@x.se", "name", "N")))
                .isEqualTo(new OrderingKey("zoho|zoho|Org||a@x.se", null));
    }

    @Test
    void givenInterleavedRecords_whenRun_thenEachKeyInOrderAndNeverTwoAtOnce() throws Exception {
        lanes = new DeliveryLanes(8, 4, "test-lane");
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        int records = 600;
        CountDownLatch done = new CountDownLatch(records);
        for (int i = 0; i < records; i++) {
            String k = "p" + (i % 20);
            int n = i;
            lanes.submit(new OrderingKey(k, null), () -> {
                if (running.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                pause(1);
                seen.computeIfAbsent(k, x -> Collections.synchronizedList(new ArrayList<>())).add(n);
                concurrent.decrementAndGet();
                running.get(k).decrementAndGet();
                done.countDown();
            });
        }

        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(overlaps.get()).isZero();
        assertThat(seen).hasSize(20);
        seen.values().forEach(list -> assertThat(list).isSorted().hasSize(30));
        assertThat(maxConcurrent.get()).isGreaterThan(1);
    }

    @Test
    void givenEmailChange_whenNextRecordNamesTheNewEmail_thenItJoinsTheSameLaneWhileTheFirstIsPending()
            throws Exception {
        lanes = new DeliveryLanes(64, 4, "test-lane");
        OrderingKey change = key("eviasign", null, Map.of("request_id", "r1", "current_email", "a@x.se",
                "email", "b@x.se"));
        OrderingKey next = key("eviasign", null, Map.of("request_id", "r1", "current_email", "b@x.se",
                "name", "B"));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);

        assertThat(lanes.laneOf(change)).isEqualTo(-1);
        lanes.submit(change, () -> await(release));
        long laneOfChange = lanes.laneOf(change);
        assertThat(laneOfChange).isNotEqualTo(-1);
        assertThat(lanes.laneOf(next)).isEqualTo(laneOfChange);
        lanes.submit(next, finished::countDown);
        release.countDown();
        assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void givenFullLane_whenSubmitting_thenTheReaderBlocksUntilThereIsRoom() throws Exception {
        lanes = new DeliveryLanes(1, 2, "test-lane");
        CountDownLatch release = new CountDownLatch(1);
        lanes.submit(new OrderingKey("a", null), () -> await(release));
        lanes.submit(new OrderingKey("b", null), () -> { });
        lanes.submit(new OrderingKey("c", null), () -> { });
        CountDownLatch submitted = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            lanes.submit(new OrderingKey("d", null), () -> { });
            submitted.countDown();
        });
        reader.start();

        assertThat(submitted.await(300, TimeUnit.MILLISECONDS)).isFalse();
        release.countDown();
        assertThat(submitted.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void givenOneParticipantBlocked_whenOthersAreSubmitted_thenEveryOtherRecordRunsMeanwhile() throws Exception {
        // with lanes fixed to threads by hash, some of these would sit behind the blocked record on its thread
        lanes = new DeliveryLanes(4, 2, "test-lane");
        CountDownLatch release = new CountDownLatch(1);
        lanes.submit(new OrderingKey("blocked", null), () -> await(release));
        int others = 200;
        CountDownLatch done = new CountDownLatch(others);
        for (int i = 0; i < others; i++) {
            lanes.submit(new OrderingKey("p" + i, null), done::countDown);
        }

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        release.countDown();
    }

    @Test
    void givenOneParticipantBlocked_whenItsLaterRecordsFillTheQueue_thenTheReaderWaitsAndTheyRunInOrder()
            throws Exception {
        lanes = new DeliveryLanes(2, 2, "test-lane");
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        lanes.submit(new OrderingKey("a", null), () -> await(release));
        for (int i = 1; i <= 4; i++) {
            int n = i;
            lanes.submit(new OrderingKey("a", null), () -> order.add(n));
        }
        assertThat(lanes.waiting()).isEqualTo(4);
        CountDownLatch submitted = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            lanes.submit(new OrderingKey("a", null), () -> order.add(5));
            submitted.countDown();
        });
        reader.start();

        assertThat(submitted.await(300, TimeUnit.MILLISECONDS)).isFalse();
        release.countDown();
        assertThat(submitted.await(10, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
        lanes.close();
        assertThat(order).containsExactly(1, 2, 3, 4, 5);
    }

    private OrderingKey key(String provider, String connection, Map<String, String> fields) {
        return OrderingKey.of(ParticipantUpdate.of(provider, connection, new LinkedHashMap<>(fields),
                Source.of("test", "t", 1)), connections);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
