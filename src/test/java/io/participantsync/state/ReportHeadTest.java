package io.participantsync.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReportHeadTest {

    private static final String REPORT = "{\"batch_id\":\"b1\",\"notes\":[\"a note\"],\"failure\":\"gone\","
            + "\"rejected_csv\":[\"/x/y.rejected.csv\"],\"rows\":[{\"row\":2,\"outcome\":\"updated\"}]}";

    @Test
    void givenAReport_whenParsed_thenItsFieldsBeforeRowsAreThereAndNotTheRows() {
        var head = ReportHead.parse(REPORT).orElseThrow();

        assertThat(head.path("notes").get(0).asText()).isEqualTo("a note");
        assertThat(head.path("failure").asText()).isEqualTo("gone");
        assertThat(head.path("rejected_csv").get(0).asText()).isEqualTo("/x/y.rejected.csv");
        assertThat(head.has("rows")).isFalse();
    }

    @Test
    void givenTheFirstPartOfAReport_whenItEndsInsideTheRows_thenTheHeadIsParsed() {
        String start = REPORT.substring(0, REPORT.indexOf("\"outcome\""));

        assertThat(ReportHead.parse(start)).hasValueSatisfying(h -> assertThat(h.path("batch_id").asText())
                .isEqualTo("b1"));
    }

    @Test
    void givenTheFirstPartOfAReport_whenItEndsBeforeTheRows_thenNothing() {
        String start = REPORT.substring(0, REPORT.indexOf("a note") + 3);

        assertThat(ReportHead.parse(start)).isEmpty();
    }

    @Test
    void givenAReportWithoutRows_whenParsed_thenAllOfIt() {
        assertThat(ReportHead.parse("{\"batch_id\":\"b2\",\"notes\":[]}")).hasValueSatisfying(h ->
                assertThat(h.path("batch_id").asText()).isEqualTo("b2"));
    }
}
