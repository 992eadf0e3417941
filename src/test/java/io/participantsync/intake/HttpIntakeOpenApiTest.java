package io.participantsync.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The OpenAPI document's {@code provider} enum is the registry's ids, whatever they are. */
class HttpIntakeOpenApiTest {

    @Test
    void givenRegisteredProviders_whenOpenApiServed_thenTheirIdsAreTheProviderEnum() throws Exception {
        HttpIntake intake = new HttpIntake(null, null, ApiKeys.parse(null), 1024, 10, 1, null, null, id -> { },
                Clock.systemUTC(), List.of("oneflow", "acme"));
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange e = new DefaultExchange(camel);

            intake.openApi(e);

            assertThat(e.getIn().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
            JsonNode doc = new ObjectMapper().readTree(e.getIn().getBody(byte[].class));
            assertThat(doc.at("/components/schemas/ParticipantUpdate/properties/provider/enum"))
                    .isEqualTo(new ObjectMapper().readTree("[\"oneflow\", \"acme\"]"));
            assertThat(doc.path("openapi").asText()).startsWith("3.");
        }
    }
}
