package io.participantsync.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code http.max-records}: a request with more records is a 413 before any of them is accepted or kept. */
class HttpIntakeLimitsTest {

    private static final String CSV_HEADER = "provider,organization,current_email,name\n";
    private static final String CSV_ROW = "zoho,NordicExampleAB,asa.oberg@example.com,Asa\n";

    @TempDir
    Path dir;

    private HttpIntake intake(long maxRecords) {
        // no state store: a request refused for its size must never reach it (nor the accepted bodies)
        return new HttpIntake(null, new CsvRecordReader(CsvOptions.parse("auto", null, "csv")), ApiKeys.parse("k"),
                10L * 1024 * 1024, maxRecords, 30, dir.resolve("batches"),
                new AcceptedBatches(dir.resolve("http-batches")), id -> { }, Clock.systemUTC(), List.of("zoho"));
    }

    private static Exchange post(DefaultCamelContext camel, String contentType, String body) {
        Exchange e = new DefaultExchange(camel);
        e.getIn().setHeader("Content-Type", contentType);
        e.getIn().setHeader("Authorization", "Bearer k");
        e.getIn().setBody(body.getBytes(StandardCharsets.UTF_8));
        return e;
    }

    private long acceptedBodies() throws IOException {
        Path d = dir.resolve("http-batches");
        if (!Files.isDirectory(d)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(d)) {
            return files.count();
        }
    }

    @Test
    void givenAMillionEmptyJsonObjects_whenPosted_then413NamingTheLimitAndNothingKept() throws Exception {
        StringBuilder body = new StringBuilder(3_000_002).append('[');
        for (int i = 0; i < 1_000_000; i++) {
            body.append(i == 0 ? "{}" : ",{}");
        }
        body.append(']');
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            ApiProblem p = catchThrowableOfType(ApiProblem.class,
                    () -> intake(10_000).receive(post(camel, "application/json", body.toString())));

            assertThat(p).isNotNull();
            assertThat(p.status()).isEqualTo(413);
            assertThat(p.type()).isEqualTo("urn:participant-sync:problem:too-many-records");
            assertThat(p.detail()).contains("10000").contains("http.max-records");
            assertThat(p.extensions()).containsEntry("max_records", 10_000L);
        }
        assertThat(acceptedBodies()).isZero();
    }

    @Test
    void givenJsonArray_whenAtTheLimit_thenAcceptedAndOnePastIt413() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange atLimit = post(camel, "application/json", "[{}, {\"a\": [1, {}]}, {}]");
            intake(3).receive(atLimit);
            ApiProblem over = catchThrowableOfType(ApiProblem.class,
                    () -> intake(3).receive(post(camel, "application/json", "[{}, {}, {}, {}]")));

            assertThat(atLimit.getProperty(HttpIntake.RECEIVED, Long.class)).isEqualTo(3L);
            assertThat(over.status()).isEqualTo(413);
            assertThat(over.extensions()).containsEntry("max_records", 3L);
        }
        assertThat(acceptedBodies()).isEqualTo(2); // the accepted one's body and metadata only
    }

    @Test
    void givenCsv_whenOneRowPastTheLimit_then413AndNothingKept() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            ApiProblem over = catchThrowableOfType(ApiProblem.class, () -> intake(2).receive(
                    post(camel, "text/csv", CSV_HEADER + CSV_ROW + CSV_ROW + CSV_ROW)));
            Exchange atLimit = post(camel, "text/csv", CSV_HEADER + CSV_ROW + CSV_ROW);
            long before = acceptedBodies();
            intake(2).receive(atLimit);

            assertThat(over.status()).isEqualTo(413);
            assertThat(over.type()).endsWith("too-many-records");
            assertThat(before).isZero();
            assertThat(atLimit.getProperty(HttpIntake.RECEIVED, Long.class)).isEqualTo(2L);
        }
    }
}
