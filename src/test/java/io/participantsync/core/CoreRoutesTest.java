package io.participantsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.participantsync.auth.TokenService;
import io.participantsync.config.Connections;
import io.participantsync.deadletter.DeadLetterWriter;
import io.participantsync.delivery.Admission;
import io.participantsync.delivery.ConnectionGates;
import io.participantsync.delivery.ParticipantTurns;
import io.participantsync.provider.ProviderRegistry;
import io.participantsync.support.FakeHttpTransport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.ToDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core reads as Camel routes: each step of a record is a node of Camel's route model with an id of its own (so
 * the tracer, the route diagrams and the per-route metrics show it), the HTTP call is a camel-http endpoint of the
 * route, and one route configuration decides whether to try again, asynchronously.
 */
class CoreRoutesTest {

    @TempDir
    Path dir;
    private final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void givenTheCoreRoutes_whenLoaded_thenARecordsStepsAreNamedRouteNodesInOrder() throws Exception {
        load();

        assertThat(camel.getRouteDefinitions()).extracting(RouteDefinition::getRouteId)
                .containsExactlyInAnyOrder("ingest-batch", "dispatch-update", "deliver", "call-provider");
        assertThat(ids(route("ingest-batch").getOutputs())).containsExactly("open-batch", "read-on-own-thread",
                "read", "await-outcomes", "close-batch");
        ProcessorDefinition<?> split = steps(route("ingest-batch").getOutputs()).get(2).getOutputs().get(0);
        assertThat(split.getId()).isEqualTo("read-records");
        assertThat(ids(split.getOutputs())).containsExactly("admit", "hand-over");
        assertThat(ids(route("dispatch-update").getOutputs()))
                .containsExactly("await-turn", "plan", "skip-unless-sending", "record-outcome");
        ProcessorDefinition<?> filter = steps(route("dispatch-update").getOutputs()).get(2);
        assertThat(ids(filter.getOutputs())).containsExactly("write-ahead-mark", "send");
        assertThat(route("deliver").getRouteConfigurationId()).isEqualTo(Endpoints.DELIVERY_RETRIES);
        assertThat(ids(route("deliver").getOutputs())).containsExactly("attempt");

        ProcessorDefinition<?> calls = steps(route("call-provider").getOutputs()).get(1);
        assertThat(ids(route("call-provider").getOutputs())).containsExactly("start-attempt", "calls");
        assertThat(calls.getOutputs()).hasSize(4);
        assertThat(calls.getOutputs().get(0).getId()).isEqualTo("await-permit");
        assertThat(calls.getOutputs().get(2).getId()).isEqualTo("classify-answer");
        assertThat(calls.getOutputs().get(3).getId()).isEqualTo("reconcile");
        ProcessorDefinition<?> tryCall = calls.getOutputs().get(1);
        assertThat(tryCall.getOutputs().get(0).getId()).isEqualTo("prepare-request");
        assertThat(tryCall.getOutputs().get(1)).isInstanceOfSatisfying(ToDefinition.class,
                to -> assertThat(to.getUri()).startsWith("http://"));
    }

    @Test
    void givenTheDeliveryRetries_whenLoaded_thenOneRouteConfigurationRedeliversAsynchronously() throws Exception {
        load();

        RouteConfigurationDefinition retries = camel.getRouteConfigurationDefinitions().stream()
                .filter(c -> Endpoints.DELIVERY_RETRIES.equals(c.getId())).findFirst().orElseThrow();
        OnExceptionDefinition transientFailures = retries.getOnExceptions().get(0);
        assertThat(transientFailures.getExceptions()).containsExactly(
                io.participantsync.model.DeliveryException.class.getName());
        assertThat(transientFailures.getRetryWhilePolicy()).isNotNull();
        assertThat(transientFailures.getRedeliveryPolicyType().getAsyncDelayedRedelivery()).isEqualTo("true");
        assertThat(camel.getRouteDefinitions()).filteredOn(r -> Endpoints.DELIVERY_RETRIES.equals(
                r.getRouteConfigurationId())).extracting(RouteDefinition::getRouteId).containsExactly("deliver");
    }

    private void load() throws Exception {
        Clock clock = Clock.systemUTC();
        DeadLetterWriter deadLetters = new DeadLetterWriter(dir.resolve("dead-letter"), clock);
        Batches batches = new Batches(clock, deadLetters, dir.resolve("batches"));
        ParticipantTurns turns = new ParticipantTurns();
        Admission admission = new Admission(8);
        ConnectionGates gates = ConnectionGates.unlimited();
        FakeHttpTransport http = new FakeHttpTransport();
        ProviderCalls calls = new ProviderCalls(gates, new TokenService(http, clock, Duration.ofSeconds(60)),
                ProviderCallListener.NONE);
        OutcomeRecorder recorder = new OutcomeRecorder(batches, deadLetters, clock, List.of(), Checkpoints.NONE,
                turns, admission);
        Connections connections = Connections.of(List.of());
        camel.addRoutes(new DeliveryRetries(recorder, new DeliveryPolicy(10, 2, 100), gates, calls));
        camel.addRoutes(new CoreRoutes(new Dispatcher(ProviderRegistry.standard(id -> Map.of()), connections), calls,
                recorder, batches, turns, admission, connections, Checkpoints.NONE, clock, 4));
    }

    private RouteDefinition route(String id) {
        return camel.getRouteDefinition(id);
    }

    /** A route's steps, without the error handling its route configuration adds to it. */
    private static List<ProcessorDefinition<?>> steps(List<ProcessorDefinition<?>> outputs) {
        return outputs.stream().filter(o -> !(o instanceof OnExceptionDefinition)).toList();
    }

    private static List<String> ids(List<ProcessorDefinition<?>> outputs) {
        return steps(outputs).stream().map(ProcessorDefinition::getId).toList();
    }
}
