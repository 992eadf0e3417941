package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.intake.CsvHiddenFiles;
import io.participantsync.support.LogCapture;
import io.participantsync.support.TestApp;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CSV drop end to end: the YAML edge loaded from routes/, files dropped into the inbox, reports beside the
 * archived files, dead letters, and a fixed rejected CSV dropped back.
 */
class CsvDropIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SAMPLES = Path.of("samples/csv");
    private static TestApp app;
    private static Path dir;
    private static Path inbox;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("ps-drop");
        inbox = Files.createDirectories(dir.resolve("inbox"));
        app = TestApp.start(dir, true, Map.of("csv.field-mapping",
                "Kontrakt=contract_id, Part=party_id, Deltagare=participant_id, Fullständigt namn=name"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @BeforeEach
    void reset() {
        app.sandbox.reset();
    }

    @Test
    void givenMixedProviderFile_whenDropped_thenEveryRowUpdatedAndFileArchivedWithReportAndOneLogLine()
            throws Exception {
        JsonNode report;
        List<String> logged;
        try (LogCapture log = LogCapture.of("io.participantsync.intake.csv")) {
            report = drop(SAMPLES.resolve("mixed.csv"), "mixed.csv");
            logged = log.messages(Level.INFO);
        }

        assertThat(logged).singleElement().asString().startsWith("CSV file mixed.csv completed in ")
                .contains(": received 8 (updated 7, unchanged 1, rejected 0, failed 0); report ")
                .endsWith(".report.json");

        assertCountsAddUp(report);
        assertThat(report.path("counts").path("received").asInt()).isEqualTo(8);
        assertThat(report.path("counts").path("updated").asInt()).isEqualTo(7);
        assertThat(report.path("counts").path("unchanged").asInt()).isEqualTo(1);
        assertThat(report.path("by_provider").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("oneflow", "zigned", "signinghub", "eviasign", "zoho");
        assertThat(rowNumbers(report)).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(inbox.resolve("mixed.csv")).doesNotExist();
        assertThat(app.sandbox.appliedEdits()).hasSize(7);
    }

    @Test
    void givenBadRows_whenDropped_thenEachRejectedWithReasonAndFixedFileUpdatesOnRedrop() throws Exception {
        JsonNode report = drop(SAMPLES.resolve("bad-rows.csv"), "bad-rows.csv");

        assertCountsAddUp(report);
        assertThat(report.path("counts").path("received").asInt()).isEqualTo(16);
        assertThat(report.path("counts").path("rejected").asInt()).isEqualTo(14);
        assertThat(report.path("counts").path("updated").asInt()).isEqualTo(2);
        Map<Integer, String> messages = new java.util.HashMap<>();
        report.path("rows").forEach(r -> messages.put(r.path("row").asInt(), r.path("message").asText()));
        assertThat(messages.get(1)).contains("provider").contains("'docusign' is not one of");
        assertThat(messages.get(2)).contains("participant_id").contains("is required");
        assertThat(messages.get(3)).contains("email").contains("is not a valid email address");
        assertThat(messages.get(4)).contains("delivery_channel").contains("is not one of");
        assertThat(messages.get(5)).contains("title").contains("not supported by provider zigned");
        assertThat(messages.get(6)).contains("cells but the header has");
        assertThat(messages.get(7)).contains("is not an integer");
        assertThat(messages.get(8)).contains("is not a boolean");
        assertThat(messages.get(9)).contains("zigned answered HTTP 400");
        assertThat(messages.get(10)).contains("eviasign answered HTTP 400");
        assertThat(messages.get(11)).contains("locked workflow");
        assertThat(messages.get(12)).contains("No user found at given order");
        assertThat(messages.get(13)).contains("oneflow answered HTTP 409");
        assertThat(messages.get(14)).contains("zoho answered HTTP 404");
        messages.forEach((row, m) -> {
            if (row <= 14) {
                assertThat(m).as("row %d names file and row", row).startsWith("bad-rows.csv row " + row + ":");
            }
        });

        // the rejected CSV: original columns + error columns, one line per rejected row
        assertThat(report.path("rejected_csv")).hasSize(1);
        Path rejected = Path.of(report.path("rejected_csv").get(0).asText());
        List<CSVRecord> rows = readCsv(rejected);
        List<String> header = new ArrayList<>(rows.get(0).getParser().getHeaderNames());
        List<String> original = new ArrayList<>(readCsv(SAMPLES.resolve("bad-rows.csv")).get(0).getParser()
                .getHeaderNames());
        original.addAll(List.of("error_category", "error_message"));
        assertThat(header).isEqualTo(original);
        assertThat(rows).hasSize(14);
        assertThat(Files.getPosixFilePermissions(rejected)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");

        // a person fixes three rows in the rejected CSV and drops it back as it is
        Path fixed = dir.resolve("fixed.csv");
        try (CSVPrinter out = new CSVPrinter(Files.newBufferedWriter(fixed, StandardCharsets.UTF_8),
                CSVFormat.DEFAULT)) {
            out.printRecord(header);
            for (CSVRecord r : rows) {
                Map<String, String> cells = new java.util.LinkedHashMap<>(r.toMap());
                String error = cells.get("error_message");
                if (error.contains("is not a valid email address")) {
                    cells.put("email", "asa.oberg-lind@example.com");
                } else if (error.contains("delivery_channel")) {
                    cells.put("delivery_channel", "email");
                } else if (error.contains("is not a boolean")) {
                    cells.put("signatory", "true");
                } else {
                    continue;
                }
                List<String> values = new ArrayList<>();
                header.forEach(h -> values.add(cells.get(h)));
                out.printRecord(values);
            }
        }
        JsonNode redrop = drop(fixed, "fixed.csv");
        assertCountsAddUp(redrop);
        assertThat(redrop.path("counts").path("received").asInt()).isEqualTo(3);
        assertThat(redrop.path("counts").path("updated").asInt()).isEqualTo(3);
    }

    @Test
    void givenBomSemicolonsCrlfAndNonAsciiNames_whenDropped_thenUpdated() throws Exception {
        String csv = "\uFEFFProvider ; Contract_ID;party_id;participant_id;name;title\r\n"
                + "oneflow;100101;200101;300101;\"Åsa \"\"Åse\"\" Öberg\";\"Head; Legal\r\nNordics\"\r\n"
                + "oneflow;100102;200201;300202;José Núñez;\r\n";
        Path file = dir.resolve("bom.csv");
        Files.writeString(file, csv, StandardCharsets.UTF_8);

        JsonNode report = drop(file, "bom.csv");

        assertThat(report.path("counts").path("updated").asInt()).isEqualTo(2);
        JsonNode participant = app.sandbox.participant("oneflow", "100101", "200101", "300101").orElseThrow();
        assertThat(participant.path("name").asText()).isEqualTo("Åsa \"Åse\" Öberg");
        assertThat(participant.path("title").asText()).isEqualTo("Head; Legal\r\nNordics");
    }

    @Test
    void givenOwnHeadersAndFolderFieldMapping_whenDropped_thenMappedToCanonicalFields() throws Exception {
        Path file = dir.resolve("swedish.csv");
        Files.writeString(file, "provider,Kontrakt,Part,Deltagare,Fullständigt namn\noneflow,100102,200201,300202,"
                + "Lars Nilsson-Ek\n", StandardCharsets.UTF_8);

        JsonNode report = drop(file, "swedish.csv");

        assertThat(report.path("counts").path("updated").asInt()).isEqualTo(1);
        assertThat(app.sandbox.participant("oneflow", "100102", "200201", "300202").orElseThrow().path("name")
                .asText()).isEqualTo("Lars Nilsson-Ek");
    }

    @Test
    void givenEmptyAndHeaderOnlyFiles_whenDropped_thenArchivedWithNoteAndNothingReceived() throws Exception {
        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "");
        Path headerOnly = dir.resolve("header-only.csv");
        Files.writeString(headerOnly, "provider,contract_id,party_id,participant_id,name\n");

        JsonNode a = drop(empty, "empty.csv");
        JsonNode b = drop(headerOnly, "header-only.csv");

        assertThat(a.path("counts").path("received").asInt()).isZero();
        assertThat(a.path("notes").toString()).contains("empty");
        assertThat(b.path("counts").path("received").asInt()).isZero();
        assertThat(b.path("notes").toString()).contains("no data rows");
    }

    @Test
    void givenSameContentTwice_whenDropped_thenSecondIsSkipped() throws Exception {
        Path file = dir.resolve("twice.csv");
        Files.writeString(file, "provider,contract_id,party_id,participant_id,title\noneflow,100102,200201,300202,CFO\n");
        JsonNode first = drop(file, "twice.csv");
        JsonNode second = drop(file, "twice-again.csv");

        assertThat(first.path("counts").path("updated").asInt()).isEqualTo(1);
        assertThat(second.path("counts").path("received").asInt()).isZero();
        assertThat(second.path("notes").toString()).contains("same content");
        assertThat(app.sandbox.appliedEdits()).hasSize(1);
    }

    @Test
    void givenHiddenCsvFile_whenInboxPolled_thenItStaysAndIsNamedOnceInAWarning() throws Exception {
        try (LogCapture log = LogCapture.of(CsvHiddenFiles.class)) {
            Path hidden = inbox.resolve(".hidden-orders.csv");
            Files.writeString(hidden, "provider,contract_id,party_id,participant_id,title\n"
                    + "oneflow,100102,200201,300202,Hidden\n");
            Path visible = dir.resolve("after-hidden.csv");
            Files.writeString(visible, "provider,contract_id,party_id,participant_id,title\n"
                    + "oneflow,100102,200201,300202,Visible\n");

            // a later file is read while the hidden one waits; several polls pass meanwhile
            drop(visible, "after-hidden.csv");
            await("a warning naming the hidden file").atMost(Duration.ofSeconds(10))
                    .until(() -> log.messages(Level.WARN).stream().anyMatch(w -> w.contains(".hidden-orders.csv")));
            drop(dir.resolve("after-hidden.csv"), "after-hidden-2.csv");

            assertThat(hidden).exists();
            assertThat(log.messages(Level.WARN)).filteredOn(w -> w.contains(".hidden-orders.csv")).singleElement().asString()
                    .contains("is ignored: its name starts with a dot").contains("rename it to hidden-orders.csv");
            assertThat(app.sandbox.participant("oneflow", "100102", "200201", "300202").orElseThrow()
                    .path("title").asText()).isEqualTo("Visible");
            Files.delete(hidden);
        }
    }

    @Test
    void givenCellsThatLookLikeFormulas_whenRejectedFixedAndDroppedBack_thenOriginalValuesAreSent()
            throws Exception {
        Path file = dir.resolve("formulas.csv");
        Files.writeString(file, "provider,contract_id,party_id,participant_id,phone_number,title,signatory\n"
                + "oneflow,100101,200101,300102,+46 8 555 010 21,=1+2,maybe\n", StandardCharsets.UTF_8);

        JsonNode report = drop(file, "formulas.csv");

        assertThat(report.path("counts").path("rejected").asInt()).isEqualTo(1);
        Path rejected = Path.of(report.path("rejected_csv").get(0).asText());
        String written = Files.readString(rejected);
        assertThat(written).contains(",'+46 8 555 010 21,'=1+2,maybe,").doesNotContain(",=1+2");
        // the person fixes the one cell named in the error and drops the file back as it is
        Path fixed = dir.resolve("formulas-fixed.csv");
        Files.writeString(fixed, written.replace(",maybe,", ",true,"), StandardCharsets.UTF_8);
        JsonNode redrop = drop(fixed, "formulas-fixed.csv");

        assertThat(redrop.path("counts").path("updated").asInt()).as(redrop.toString()).isEqualTo(1);
        JsonNode participant = app.sandbox.participant("oneflow", "100101", "200101", "300102").orElseThrow();
        assertThat(participant.toString()).contains("+46 8 555 010 21").contains("\"=1+2\"")
                .doesNotContain("'+46").doesNotContain("'=1+2");
    }

    /** Copies a file into the inbox the way producers should (write elsewhere, then rename) and waits for its report. */
    private static JsonNode drop(Path source, String name) throws Exception {
        Set<Path> before = reports();
        Path tmp = inbox.resolve(name + ".part");
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        String stem = name.replaceAll("\\.csv$", "");
        Path report = await("a report for " + name).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> newReport(before, stem), Optional::isPresent).orElseThrow();
        // the report is written inside the route, the file moved once the route is done: let it move
        await(name + " moved out of the inbox").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> !Files.exists(inbox.resolve(name)));
        return JSON.readTree(report.toFile());
    }

    /** A report that was not there {@code before}, of the file whose name starts with {@code stem}. */
    private static Optional<Path> newReport(Set<Path> before, String stem) throws IOException {
        for (Path p : reports()) {
            if (!before.contains(p) && p.getFileName().toString().startsWith(stem + "-")) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static Set<Path> reports() throws IOException {
        Path archive = inbox.resolve(".archive");
        if (!Files.isDirectory(archive)) {
            return Set.of();
        }
        // walked again should a report's temporary file vanish under the walk
        return new HashSet<>(QueueTestSupport.files(archive, ".report.json"));
    }

    private static void assertCountsAddUp(JsonNode report) {
        JsonNode c = report.path("counts");
        assertThat(c.path("received").asInt()).isEqualTo(c.path("updated").asInt() + c.path("unchanged").asInt()
                + c.path("rejected").asInt() + c.path("failed").asInt());
        assertThat(report.path("rows")).hasSize(c.path("received").asInt());
    }

    private static List<Integer> rowNumbers(JsonNode report) {
        List<Integer> rows = new ArrayList<>();
        report.path("rows").forEach(r -> rows.add(r.path("row").asInt()));
        return rows;
    }

    private static List<CSVRecord> readCsv(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r).getRecords();
        }
    }
}
