package io.participantsync.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Source;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kafka keys: connection (or provider) plus the locator fields, in a fixed order, changes left out. */
class KafkaKeysTest {

    @Test
    void givenOneflowRecord_whenKeyed_thenProviderAndLocatorsInFixedOrderWithoutChanges() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("email", "new@example.com");
        fields.put("participant_id", "300101");
        fields.put("contract_id", "100101");
        fields.put("party_id", "200101");
        ParticipantUpdate u = ParticipantUpdate.of("oneflow", null, fields, Source.of("test", "t", 1));

        assertThat(KafkaKeys.of(u)).isEqualTo("oneflow|contract_id=100101|party_id=200101|participant_id=300101");
    }

    @Test
    void givenNamedConnection_whenKeyed_thenConnectionNameLeads() {
        Map<String, String> record = Map.of("provider", "zoho", "connection", "zoho-eu", "organization", "Org",
                "current_email", "Maria@Example.org", "name", "María");

        assertThat(KafkaKeys.of(record)).isEqualTo("zoho-eu|organization=Org|current_email=maria@example.org");
    }

    @Test
    void givenTwoUpdatesOfOneParticipant_whenKeyed_thenSameKeyWhateverTheChange() {
        Map<String, String> first = Map.of("provider", "zigned", "agreement_id", "a", "participant_id", "p",
                "name", "One");
        Map<String, String> second = Map.of("provider", "zigned", "agreement_id", "a", "participant_id", "p",
                "role", "approver");
        Map<String, String> other = Map.of("provider", "zigned", "agreement_id", "a", "participant_id", "q",
                "name", "One");

        assertThat(KafkaKeys.of(first)).isEqualTo(KafkaKeys.of(second)).isNotEqualTo(KafkaKeys.of(other));
    }
}
