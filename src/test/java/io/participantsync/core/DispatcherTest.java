package io.participantsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.config.Connections;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.model.Source;
import io.participantsync.provider.Connection;
import io.participantsync.provider.ProviderRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies how the Dispatcher turns each record into a Reject, Unchanged or Deliver plan. */
class DispatcherTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String AGREEMENT = "c4zatmug6d5jtfyl1b5example";
    private static final String PARTICIPANT = "clp0q2x9k0000abcd1234efgh";
    private static final String PROVIDERS = "oneflow, zigned, signinghub, eviasign, zoho";

    private final Connection zigned = new Connection("zigned", "zigned", Map.of("provider", "zigned", "base-url",
            "http://zigned.test/rest/v3", "client-id", "c", "client-secret", "s"));
    private final Connection zignedNo = new Connection("zigned-no", "zigned", Map.of("provider", "zigned",
            "client-id", "c", "client-secret", "s"));
    private final Dispatcher dispatcher = new Dispatcher(ProviderRegistry.standard(id -> Map.of()),
            Connections.of(List.of(zigned, zignedNo)));

    @Test
    void givenReaderProblems_whenPlan_thenRejectedWithThemBeforeAnythingElse() {
        List<Problem> problems = List.of(Problem.of(null, "row has 3 cells but the header has 5"));
        ParticipantUpdate update = new ParticipantUpdate(null, "nowhere", Map.of("name", "Anna"),
                Source.of("csv", "people.csv", 4), problems);

        Plan plan = dispatcher.plan(update);

        assertThat(plan).isEqualTo(new Plan.Reject(update, "nowhere", problems));
    }

    @Test
    void givenNoProvider_whenPlan_thenRejectedNamingTheProviders() {
        Plan.Reject reject = (Plan.Reject) dispatcher.plan(update(null, null, Map.of("name", "Anna")));

        assertThat(reject.problems()).containsExactly(Problem.of("provider", "is required (one of " + PROVIDERS
                + ")"));
        assertThat(reject.connectionName()).isNull();
    }

    @Test
    void givenUnknownProvider_whenPlan_thenRejected() {
        Plan.Reject reject = (Plan.Reject) dispatcher.plan(update("DocuSign", null, Map.of("name", "Anna")));

        assertThat(reject.problems()).containsExactly(Problem.of("provider", "'docusign' is not one of "
                + PROVIDERS));
    }

    @Test
    void givenUnknownConnection_whenPlan_thenRejectedOnTheConnectionField() {
        Plan.Reject reject = (Plan.Reject) dispatcher.plan(update("zigned", "zigned-dk", locators("name", "A")));

        assertThat(reject.problems()).containsExactly(Problem.of("connection",
                "connection 'zigned-dk' is not configured (configured: zigned, zigned-no)"));
        assertThat(reject.connectionName()).isEqualTo("zigned-dk");
    }

    @Test
    void givenInvalidRecordForTheAdapter_whenPlan_thenRejectedWithTheAdaptersProblemsAndResolvedConnection() {
        Plan.Reject reject = (Plan.Reject) dispatcher.plan(update("zigned", null, Map.of("agreement_id", AGREEMENT,
                "email", "not-an-email")));

        assertThat(reject.connectionName()).isEqualTo("zigned");
        assertThat(reject.problems()).extracting(Problem::field).containsExactlyInAnyOrder("participant_id",
                "email");
    }

    @Test
    void givenOnlyLocators_whenPlan_thenUnchangedOnTheResolvedConnection() {
        Plan plan = dispatcher.plan(update("zigned", "zigned-no", locators()));

        assertThat(plan).isInstanceOf(Plan.Unchanged.class);
        assertThat(((Plan.Unchanged) plan).connection()).isEqualTo(zignedNo);
        assertThat(plan.connectionName()).isEqualTo("zigned-no");
    }

    @Test
    void givenAChange_whenPlan_thenDeliverWithTheAdaptersRequest() throws Exception {
        Plan plan = dispatcher.plan(update("zigned", null, locators("name", "Anna Andersson")));

        Plan.Deliver deliver = (Plan.Deliver) plan;
        assertThat(deliver.connection()).isEqualTo(zigned);
        assertThat(deliver.adapter().id()).isEqualTo("zigned");
        assertThat(deliver.request().method()).isEqualTo("PUT");
        assertThat(deliver.request().path()).isEqualTo("/agreements/" + AGREEMENT + "/participants/" + PARTICIPANT);
        assertThat(MAPPER.readTree(deliver.request().body())).isEqualTo(MAPPER.readTree(
                "{\"name\":\"Anna Andersson\"}"));
    }

    @Test
    void givenRedroppedDeadLetterColumns_whenPlan_thenIgnoredAndRecordDelivered() {
        ParticipantUpdate update = update("zigned", null, locators("name", "Anna", "error_category", "provider",
                "error_message", "people.csv row 2: zigned answered HTTP 404"));

        Plan.Deliver deliver = (Plan.Deliver) dispatcher.plan(update);

        assertThat(deliver.update().fields()).isEqualTo(locators("name", "Anna"));
        assertThat(deliver.update().source()).isEqualTo(update.source());
        assertThat(deliver.request().body()).doesNotContain("error");
    }

    @Test
    void givenRedroppedDeadLetterColumnsAndNoChange_whenPlan_thenUnchanged() {
        Plan plan = dispatcher.plan(update("zigned", null, locators("error_category", "validation",
                "error_message", "nothing")));

        assertThat(plan).isInstanceOf(Plan.Unchanged.class);
        assertThat(plan.update().fields()).isEqualTo(locators());
    }

    @Test
    void givenChangeDetectorKnowsTheRecord_whenPlan_thenUnchangedOnItsConnectionWithoutARequest() {
        List<String> asked = new ArrayList<>();
        Dispatcher detecting = new Dispatcher(ProviderRegistry.standard(id -> Map.of()),
                Connections.of(List.of(zigned, zignedNo)), (u, c) -> asked.add(c.name()) && u.has("name"));

        Plan known = detecting.plan(update("zigned", null, locators("name", "Anna")));
        Plan other = detecting.plan(update("zigned", null, locators("email", "anna@example.com")));

        assertThat(known).isEqualTo(new Plan.Unchanged(known.update(), zigned));
        assertThat(other).isInstanceOf(Plan.Deliver.class);
        assertThat(asked).containsExactly("zigned", "zigned");
    }

    @Test
    void givenChangeDetector_whenRecordInvalidOrEmpty_thenNotAsked() {
        List<String> asked = new ArrayList<>();
        Dispatcher detecting = new Dispatcher(ProviderRegistry.standard(id -> Map.of()),
                Connections.of(List.of(zigned, zignedNo)), (u, c) -> asked.add(c.name()));

        assertThat(detecting.plan(update("zigned", null, locators("email", "not-an-email"))))
                .isInstanceOf(Plan.Reject.class);
        assertThat(detecting.plan(update("zigned", null, locators()))).isInstanceOf(Plan.Unchanged.class);
        assertThat(asked).isEmpty();
    }

    @Test
    void givenCheckpointedSource_whenOpenedFreshOrNot_thenRowsAreLookedUpOnlyWhenTheStoreMayHoldThem() {
        Map<String, Boolean> stored = new LinkedHashMap<>(Map.of("sync:fresh", false, "sync:resumed", true));
        List<String> lookedUp = new ArrayList<>();
        Checkpoints store = new Checkpoints() {
            @Override
            public java.util.Optional<Checkpoint> find(String sourceId, long row) {
                lookedUp.add(sourceId + "#" + row);
                return java.util.Optional.empty();
            }

            @Override
            public void save(Checkpoint checkpoint) {
            }

            @Override
            public void mark(Checkpoint mark, java.util.function.Consumer<RuntimeException> done) {
                done.accept(null);
            }

            @Override
            public boolean exists(String sourceId) {
                return stored.get(sourceId);
            }
        };
        Dispatcher d = new Dispatcher(ProviderRegistry.standard(id -> Map.of()),
                Connections.of(List.of(zigned, zignedNo)), ChangeDetector.NONE, store);

        d.sourceOpened("sync:fresh");
        d.sourceOpened("sync:resumed");
        d.plan(checkpointed("sync:fresh", 1));
        d.plan(checkpointed("sync:resumed", 1));
        assertThat(lookedUp).containsExactly("sync:resumed#1");

        // a second batch of the same source at once: both look their rows up from now on
        d.sourceOpened("sync:fresh");
        d.plan(checkpointed("sync:fresh", 2));
        d.sourceClosed("sync:fresh");
        d.plan(checkpointed("sync:fresh", 3));
        d.sourceClosed("sync:fresh");
        // closed: a source no batch has open is looked up, whatever it was
        d.plan(checkpointed("sync:fresh", 4));
        assertThat(lookedUp).containsExactly("sync:resumed#1", "sync:fresh#2", "sync:fresh#3", "sync:fresh#4");
    }

    @Test
    void givenRowsWithAnOutcomeOrOnlyAMark_whenPlanned_thenResumedOrDeliveredInDoubt() {
        Checkpoints store = new Checkpoints() {
            @Override
            public java.util.Optional<Checkpoint> find(String sourceId, long row) {
                return java.util.Optional.ofNullable(row == 1
                        ? new Checkpoint(sourceId, 1, Outcome.UPDATED, "zigned", null, null, 0, null, null, 1, null,
                                "b0", java.time.Instant.now())
                        : row == 2 ? Checkpoint.mark(sourceId, 2, "zigned", "b0", java.time.Instant.now()) : null);
            }

            @Override
            public void save(Checkpoint checkpoint) {
            }

            @Override
            public void mark(Checkpoint mark, java.util.function.Consumer<RuntimeException> done) {
                done.accept(null);
            }
        };
        Dispatcher d = new Dispatcher(ProviderRegistry.standard(id -> Map.of()),
                Connections.of(List.of(zigned, zignedNo)), ChangeDetector.NONE, store);

        assertThat(d.plan(checkpointed("sync:crashed", 1))).isInstanceOf(Plan.Resumed.class);
        assertThat(d.plan(checkpointed("sync:crashed", 2))).isInstanceOfSatisfying(Plan.Deliver.class,
                p -> assertThat(p.inDoubt()).as("its call may have been applied").isTrue());
        assertThat(d.plan(checkpointed("sync:crashed", 3))).isInstanceOfSatisfying(Plan.Deliver.class,
                p -> assertThat(p.inDoubt()).isFalse());
    }

    private static ParticipantUpdate checkpointed(String sourceId, long row) {
        return ParticipantUpdate.of("zigned", null, locators("name", "Anna"),
                Source.of("sync", "people.csv", row).withSourceId(sourceId));
    }

    private static Map<String, String> locators(String... more) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("agreement_id", AGREEMENT);
        fields.put("participant_id", PARTICIPANT);
        for (int i = 0; i < more.length; i += 2) {
            fields.put(more[i], more[i + 1]);
        }
        return fields;
    }

    private static ParticipantUpdate update(String provider, String connection, Map<String, String> fields) {
        return ParticipantUpdate.of(provider, connection, fields, Source.of("csv", "people.csv", 2));
    }
}
