package io.participantsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.participantsync.config.Connections;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Source;
import io.participantsync.provider.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Verifies participant turns and ordering keys: order per participant, parallelism, aliases, no waiting thread. */
class ParticipantTurnsTest {

    private final Connections connections = Connections.of(List.of(new Connection("oneflow", "oneflow", Map.of()),
            new Connection("evia", "eviasign", Map.of()), new Connection("zoho", "zoho", Map.of()),
            new Connection("signinghub", "signinghub", Map.of())));
    private final ParticipantTurns turns = new ParticipantTurns();
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
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
    void givenInterleavedRecords_whenDeliveredOnAPool_thenEachParticipantInOrderAndNeverTwoAtOnce() {
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        int records = 600;
        for (int i = 0; i < records; i++) {
            String k = "p" + (i % 20);
            int n = i;
            ParticipantTurns.Turn turn = turns.reserve(new OrderingKey(k, null));
            Runnable work = () -> {
                if (running.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                seen.computeIfAbsent(k, x -> Collections.synchronizedList(new ArrayList<>())).add(n);
                concurrent.decrementAndGet();
                running.get(k).decrementAndGet();
                done.incrementAndGet();
                turns.release(turn);
            };
            // the record reaches its turn on some thread of the pool, in no particular order
            pool.execute(() -> {
                if (turns.await(turn, () -> pool.execute(work))) {
                    work.run();
                }
            });
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> done.get() == records);
        assertThat(overlaps.get()).isZero();
        assertThat(seen).hasSize(20);
        seen.values().forEach(list -> assertThat(list).isSorted().hasSize(30));
        assertThat(turns.holding()).isZero();
    }

    @Test
    void givenEmailChange_whenNextRecordNamesTheNewEmail_thenItQueuesBehindTheFirstUntilItIsReleased() {
        OrderingKey change = key("eviasign", null, Map.of("request_id", "r1", "current_email", "a@x.se",
                "email", "b@x.se"));
        OrderingKey next = key("eviasign", null, Map.of("request_id", "r1", "current_email", "b@x.se",
                "name", "B"));
        List<String> resumed = new ArrayList<>();

        assertThat(turns.laneOf(change)).isEqualTo(-1);
        ParticipantTurns.Turn first = turns.reserve(change);
        assertThat(turns.laneOf(next)).isEqualTo(turns.laneOf(change)).isNotEqualTo(-1);
        ParticipantTurns.Turn second = turns.reserve(next);

        assertThat(turns.await(first, () -> resumed.add("first"))).isTrue();
        assertThat(turns.await(second, () -> resumed.add("second"))).isFalse();
        assertThat(resumed).isEmpty();
        turns.release(first);
        assertThat(resumed).containsExactly("second");
        turns.release(second);
        assertThat(turns.holding()).isZero();
        assertThat(turns.laneOf(next)).isEqualTo(-1);
    }

    @Test
    void givenOneParticipantWaiting_whenOthersAsk_thenEveryOtherRecordMayGoAtOnce() {
        ParticipantTurns.Turn blocked = turns.reserve(new OrderingKey("blocked", null));
        assertThat(turns.await(blocked, () -> { })).isTrue();
        ParticipantTurns.Turn later = turns.reserve(new OrderingKey("blocked", null));
        assertThat(turns.await(later, () -> { })).as("behind the record that holds its turn").isFalse();

        for (int i = 0; i < 200; i++) {
            ParticipantTurns.Turn other = turns.reserve(new OrderingKey("p" + i, null));
            assertThat(turns.await(other, () -> { })).isTrue();
            turns.release(other);
        }
        turns.release(blocked);
        turns.release(later);
        assertThat(turns.holding()).isZero();
    }

    @Test
    void givenATurnReleasedBeforeItCame_whenTheOneBeforeEnds_thenTheNextOneGoes() {
        OrderingKey k = new OrderingKey("a", null);
        ParticipantTurns.Turn one = turns.reserve(k);
        ParticipantTurns.Turn two = turns.reserve(k);
        ParticipantTurns.Turn three = turns.reserve(k);
        List<String> resumed = new ArrayList<>();
        assertThat(turns.await(one, () -> resumed.add("one"))).isTrue();
        assertThat(turns.await(three, () -> resumed.add("three"))).isFalse();

        // the second record never waited for its turn (it was not handed over): it gives its place up
        turns.release(two);
        assertThat(resumed).isEmpty();
        turns.release(one);

        assertThat(resumed).containsExactly("three");
    }

    private OrderingKey key(String provider, String connection, Map<String, String> fields) {
        return OrderingKey.of(ParticipantUpdate.of(provider, connection, new LinkedHashMap<>(fields),
                Source.of("test", "t", 1)), connections);
    }
}
