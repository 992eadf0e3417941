package io.participantsync.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Delivery progress: keys survive a reopen, memory keeps the most recent ones, the file is compacted. */
class DeliveryProgressTest {

    @Test
    void givenKeysAdded_whenReopenedWithoutClose_thenStillKnown() throws Exception {
        Path file = Files.createTempDirectory("ps-progress").resolve("data/progress.txt");
        DeliveryProgress first = DeliveryProgress.open(file, 100);
        first.add("jms:ID:1#1");
        first.add("jms:ID:1#2");
        first.add("jms:ID:1#2");
        // not closed: as after a killed process, every add must already be in the file

        DeliveryProgress second = DeliveryProgress.open(file, 100);
        assertThat(second.contains("jms:ID:1#1")).isTrue();
        assertThat(second.contains("jms:ID:1#2")).isTrue();
        assertThat(second.contains("jms:ID:1#3")).isFalse();
        assertThat(Files.readAllLines(file)).containsExactly("jms:ID:1#1", "jms:ID:1#2");
        first.close();
        second.close();
    }

    @Test
    void givenMoreKeysThanCapacity_whenAdded_thenOldestForgottenAndFileCompacted() throws Exception {
        Path file = Files.createTempDirectory("ps-progress").resolve("progress.txt");
        try (DeliveryProgress p = DeliveryProgress.open(file, 3)) {
            for (int i = 1; i <= 7; i++) {
                p.add("k" + i);
            }
            assertThat(p.size()).isEqualTo(3);
            assertThat(p.contains("k1")).isFalse();
            assertThat(p.contains("k7")).isTrue();
            // 7 lines > 2 x capacity: rewritten with the 3 most recent keys
            assertThat(Files.readAllLines(file)).containsExactly("k5", "k6", "k7");
        }
        try (DeliveryProgress reopened = DeliveryProgress.open(file, 3)) {
            assertThat(reopened.contains("k5")).isTrue();
            assertThat(reopened.contains("k4")).isFalse();
        }
    }
}
