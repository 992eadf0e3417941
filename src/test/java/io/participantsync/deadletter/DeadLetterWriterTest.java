package io.participantsync.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.intake.CsvOptions;
import io.participantsync.intake.CsvRecordReader;
import io.participantsync.intake.RecordStream;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.model.ProviderError;
import io.participantsync.model.Source;
import io.participantsync.support.MutableClock;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies the dead-letter JSON-lines files and rejected CSVs: layout, fields, permissions and masking of secrets. */
class DeadLetterWriterTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2024-05-06T23:59:00Z");
    private static final Instant RECEIVED = Instant.parse("2024-05-06T23:58:00Z");
    private static final String PN = "198001011234";
    private static final String OTHER_PN = "197002025678";
    private static final String OTP = "OTP-4711";
    private static final String AGREEMENT = "c4zatmug6d5jtfyl1b5example";
    private static final String PARTICIPANT = "clp0q2x9k0000abcd1234efgh";
    private static final List<String> HEADER = List.of("Provider", "connection", "agreement_id", "participant_id",
            "name", "Identification Number", "otp_access_code");

    @TempDir
    Path tmp;

    private Path dir;
    private DeadLetterWriter writer;

    @BeforeEach
    void setUp() {
        dir = tmp.resolve("dead-letter");
        writer = new DeadLetterWriter(dir, new MutableClock(NOW));
    }

    @Test
    void givenRejectedCsvRecord_whenWrite_thenOneOwnerOnlyJsonLinesFileWithTheDocumentedFields() throws IOException {
        DeliveryOutcome outcome = rejected(csvRecord("people.csv", 3, HEADER,
                List.of("zigned", "zigned-se", AGREEMENT, PARTICIPANT, "Anna", " " + PN + " ", OTP)));

        String location = writer.write(outcome, "batch-1");

        Path day = dir.resolve("2024-05-06");
        Path file = day.resolve("csv-people.csv-batch-1.deadletters.jsonl");
        assertThat(location).isEqualTo(file + "#1");
        assertThat(letterFiles(day)).containsExactly(file);
        assertThat(Files.readAllLines(file)).hasSize(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(day))).isEqualTo("rwx------");
        ObjectNode expected = (ObjectNode) MAPPER.readTree("""
                {
                  "outcome": "rejected",
                  "error_category": "provider",
                  "error_message": "people.csv row 3: zigned answered HTTP 400 invalid_personal_number: \
                personal number *** is invalid",
                  "provider": "zigned",
                  "connection": "zigned-se",
                  "http_status": 400,
                  "provider_code": "invalid_personal_number",
                  "provider_message": "personal number *** is invalid",
                  "attempts": 1,
                  "started_at": "2024-05-06T23:58:30Z",
                  "finished_at": "2024-05-06T23:59:00Z",
                  "batch_id": "batch-1",
                  "source": {"kind": "csv", "name": "people.csv", "row": 3, "received_at": "2024-05-06T23:58:00Z",
                             "correlation_id": "people.csv#3"},
                  "record": {"provider": "zigned", "connection": "zigned-se", "agreement_id": "%s",
                             "participant_id": "%s", "name": "Anna", "identification_number": "***",
                             "otp_access_code": "***"},
                  "original_row": {"Provider": "zigned", "connection": "zigned-se", "agreement_id": "%s",
                                   "participant_id": "%s", "name": "Anna", "Identification Number": "",
                                   "otp_access_code": ""}
                }
                """.formatted(AGREEMENT, PARTICIPANT, AGREEMENT, PARTICIPANT));
        assertThat(MAPPER.readTree(DeadLetterWriter.readLetter(location))).isEqualTo(expected);
    }

    @Test
    void givenHttpRecordFailedWithoutStatus_whenWrite_thenNoHttpStatusNoRowNoOriginalRowAndNoCsv()
            throws IOException {
        ParticipantUpdate update = new ParticipantUpdate("zigned", null, Map.of("agreement_id", AGREEMENT,
                "participant_id", PARTICIPANT, "name", "Anna"), new Source("http", "req-42", 0, RECEIVED, "req-42",
                null, null), List.of());
        DeliveryOutcome outcome = new DeliveryOutcome(update, "zigned", Outcome.FAILED, "transient",
                "gave up after 4 attempts: Read timed out", new ProviderError(0, "io_error", "Read timed out"), 4,
                RECEIVED, NOW);

        String location = writer.write(outcome, "batch-2");
        Path file = Path.of(location.substring(0, location.lastIndexOf('#')));

        JsonNode json = MAPPER.readTree(DeadLetterWriter.readLetter(location));
        assertThat(file.getFileName().toString()).isEqualTo("http-req-42-batch-2.deadletters.jsonl");
        assertThat(json.get("outcome").asText()).isEqualTo("failed");
        assertThat(json.has("http_status")).isFalse();
        assertThat(json.get("provider_code").asText()).isEqualTo("io_error");
        assertThat(json.get("attempts").asInt()).isEqualTo(4);
        assertThat(json.get("source").has("row")).isFalse();
        assertThat(json.has("original_row")).isFalse();
        assertThat(writer.closeBatch("batch-2")).isEmpty();
        try (Stream<Path> all = Files.list(file.getParent())) {
            assertThat(all.toList()).containsExactly(file);
        }
    }

    @Test
    void givenCsvRecords_whenCloseBatch_thenRejectedCsvAppearsOnlyThenWithOriginalColumnsAndErrors()
            throws IOException {
        writer.write(rejected(csvRecord("people.csv", 2, HEADER,
                List.of("zigned", "zigned-se", AGREEMENT, PARTICIPANT, "Anna", PN, OTP))), "batch-1");
        writer.write(rejected(csvRecord("people.csv", 5, HEADER,
                List.of("zigned", "", AGREEMENT, PARTICIPANT, "Bo, \"Junior\"", "", ""))), "batch-1");
        writer.write(rejected(csvRecord("other.csv", 1, HEADER,
                List.of("zigned", "", AGREEMENT, PARTICIPANT, "Cecilia", "", ""))), "batch-2");
        Path day = dir.resolve("2024-05-06");
        assertThat(rejectedCsvFiles(day)).isEmpty();

        List<Path> done = writer.closeBatch("batch-1");

        Path csv = day.resolve("people.rejected.csv");
        assertThat(done).containsExactly(csv);
        assertThat(rejectedCsvFiles(day)).containsExactly(csv);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(csv))).isEqualTo("rw-------");
        List<List<String>> rows = readCsv(csv);
        List<String> header = new ArrayList<>(HEADER);
        header.addAll(List.of("error_category", "error_message"));
        String message = "people.csv row %d: zigned answered HTTP 400 invalid_personal_number: personal number"
                + " *** is invalid";
        assertThat(rows).containsExactly(header,
                List.of("zigned", "zigned-se", AGREEMENT, PARTICIPANT, "Anna", "", "", "provider",
                        message.formatted(2)),
                List.of("zigned", "", AGREEMENT, PARTICIPANT, "Bo, \"Junior\"", "", "", "provider",
                        message.formatted(5)));
        assertThat(writer.closeBatch("batch-2")).containsExactly(day.resolve("other.rejected.csv"));
        assertNoSecretIn(dir, PN, OTP);
        try (Stream<Path> all = Files.list(day)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void givenRowsFinishingOutOfOrder_whenCloseBatch_thenRejectedCsvListsThemInRowOrder() throws IOException {
        assertRejectedRowsComeOutInRowOrder(writer);
    }

    @Test
    void givenMoreRowsThanOneChunk_whenCloseBatch_thenSpilledRunsAreMergedInRowOrderAndRemoved()
            throws IOException {
        // a chunk of 3 rows: the 12 rows are sorted in 4 runs on disk and merged at close
        assertRejectedRowsComeOutInRowOrder(new DeadLetterWriter(dir, new MutableClock(NOW), 3));
    }

    private void assertRejectedRowsComeOutInRowOrder(DeadLetterWriter w) throws IOException {
        List<Integer> finishOrder = List.of(7, 2, 12, 9, 1, 5, 3, 11, 8, 4, 6, 10);
        for (int row : finishOrder) {
            String name = row == 4 ? "=Four" : "Name" + row;
            w.write(rejected(csvRecord("people.csv", row, HEADER,
                    List.of("zigned", "", AGREEMENT, PARTICIPANT, name, PN, OTP))), "batch-o");
        }

        Path csv = w.closeBatch("batch-o").get(0);

        List<List<String>> rows = readCsv(csv);
        List<String> header = new ArrayList<>(HEADER);
        header.addAll(List.of("error_category", "error_message"));
        assertThat(rows.get(0)).isEqualTo(header);
        assertThat(rows.subList(1, rows.size())).extracting(r -> r.get(4)).containsExactly("Name1", "Name2",
                "Name3", "'=Four", "Name5", "Name6", "Name7", "Name8", "Name9", "Name10", "Name11", "Name12");
        assertThat(rows.subList(1, rows.size())).extracting(r -> r.get(8)).allSatisfy(m -> assertThat(m)
                .startsWith("people.csv row "));
        assertThat(rows.get(4).get(8)).startsWith("people.csv row 4:");
        assertThat(rows).allSatisfy(r -> assertThat(r).hasSize(9));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(csv))).isEqualTo("rw-------");
        assertNoSecretIn(dir, PN, OTP);
        try (Stream<Path> all = Files.list(csv.getParent())) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void givenRedroppedFileWithErrorColumns_whenRejectedAgain_thenErrorColumnsReplacedNotDoubled()
            throws IOException {
        List<String> header = List.of("provider", "agreement_id", "participant_id", "name", "Error_Category",
                "error_message");
        writer.write(rejected(csvRecord("people.rejected.csv", 1, header,
                List.of("zigned", AGREEMENT, PARTICIPANT, "Anna", "validation", "old reason"))), "batch-3");

        Path csv = writer.closeBatch("batch-3").get(0);

        assertThat(csv.getFileName().toString()).isEqualTo("people.rejected.rejected.csv");
        assertThat(readCsv(csv)).containsExactly(
                List.of("provider", "agreement_id", "participant_id", "name", "error_category", "error_message"),
                List.of("zigned", AGREEMENT, PARTICIPANT, "Anna", "provider",
                        "people.rejected.csv row 1: zigned answered HTTP 400 invalid_personal_number:"
                                + " personal number *** is invalid"));
    }

    @Test
    void givenExistingRejectedCsvOfTheDay_whenAnotherBatchCloses_thenANewNumberedFileIsWritten()
            throws IOException {
        List<String> values = List.of("zigned", "", AGREEMENT, PARTICIPANT, "Anna", "", "");
        writer.write(rejected(csvRecord("people.csv", 1, HEADER, values)), "first");
        writer.closeBatch("first");
        writer.write(rejected(csvRecord("people.csv", 1, HEADER, values)), "second");

        assertThat(writer.closeBatch("second")).containsExactly(dir.resolve("2024-05-06/people-2.rejected.csv"));
        assertThat(rejectedCsvFiles(dir.resolve("2024-05-06"))).hasSize(2);
    }

    @Test
    void givenSensitiveValuesInMessagesAndDuplicateColumns_whenWrite_thenNoSecretInAnyFile() throws IOException {
        // a duplicated column keeps only its first value in the record; the second is still in the row
        List<String> header = List.of("provider", "agreement_id", "participant_id", "identification_number",
                "Identification-Number", "otp_access_code", "otp_access_code");
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("agreement_id", AGREEMENT);
        fields.put("participant_id", PARTICIPANT);
        fields.put("identification_number", PN);
        fields.put("otp_access_code", OTP);
        ParticipantUpdate update = new ParticipantUpdate("zigned", null, fields, new Source("csv", "dup.csv", 1,
                RECEIVED, "dup.csv#1", header, List.of("zigned", AGREEMENT, PARTICIPANT, PN, OTHER_PN, OTP,
                        "OTP-9999", "extra " + PN)),
                List.of(Problem.of("identification_number", "column appears more than once in the header")));
        // a validation message is written as it is: the writer must still not let the values through
        DeliveryOutcome outcome = new DeliveryOutcome(update, null, Outcome.REJECTED, "validation",
                "dup.csv row 1: identification_number " + PN + " and otp " + OTP + " rejected", null, 0, RECEIVED,
                NOW);

        String json = writer.write(outcome, "batch-4");
        Path csv = writer.closeBatch("batch-4").get(0);

        assertNoSecretIn(dir, PN, OTHER_PN, OTP, "OTP-9999");
        assertThat(MAPPER.readTree(DeadLetterWriter.readLetter(json)).get("original_row")).isEqualTo(MAPPER.readTree("""
                {"provider": "zigned", "agreement_id": "%s", "participant_id": "%s", "identification_number": "",
                 "Identification-Number": "", "otp_access_code": ""}
                """.formatted(AGREEMENT, PARTICIPANT)));
        List<List<String>> rows = readCsv(csv);
        assertThat(rows.get(1).subList(0, 7)).containsExactly("zigned", AGREEMENT, PARTICIPANT, "", "", "", "");
        assertThat(rows.get(1).get(7)).isEqualTo("validation");
        assertThat(rows.get(1).get(8)).startsWith("dup.csv row 1: identification_number *** and otp *** rejected");
    }

    @Test
    void givenFileWithUnparsableRows_whenEveryRowIsRejected_thenEachHasALineAndRawTextIsKeptInRawLine()
            throws IOException {
        String csv = "provider,agreement_id,participant_id,name\n"
                + "zigned,a1,p1,Anna\n"
                + "zigned,a1,p2,\"Row \"Two\" broken\"\n"
                + "zigned,a1,p3,\"Bo \"x\", \"y\" z\"\n"
                + "zigned,a1,p4,Cecilia\n";
        Path file = tmp.resolve("broken.csv");
        Files.writeString(file, csv);
        int read = 0;
        try (RecordStream rows = new CsvRecordReader(CsvOptions.defaults()).open(file)) {
            for (ParticipantUpdate u : rows) {
                writer.write(rejected(u), "batch-raw");
                read++;
            }
        }

        Path rejectedCsv = writer.closeBatch("batch-raw").get(0);

        assertThat(read).isEqualTo(4);
        List<List<String>> lines = readCsv(rejectedCsv);
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).containsExactly("provider", "agreement_id", "participant_id", "name",
                "error_category", "error_message", "raw_line");
        assertThat(lines.get(1)).startsWith("zigned", "a1", "p1", "Anna").endsWith("");
        assertThat(lines.get(2)).startsWith("zigned", "a1", "p2", "\"Row \"Two\" broken\"").endsWith("");
        assertThat(lines.get(3)).startsWith("", "", "", "").endsWith("zigned,a1,p3,\"Bo \"x\", \"y\" z\"");
        assertThat(lines.get(4)).startsWith("zigned", "a1", "p4", "Cecilia").endsWith("");
        assertThat(lines).allSatisfy(l -> assertThat(l).hasSize(7));
    }

    @Test
    void givenCellsThatLookLikeFormulas_whenRejectedCsvWritten_thenNoCellStartsAFormulaAndReadingBackGivesTheOriginals()
            throws IOException {
        List<String> header = List.of("provider", "contract_id", "party_id", "participant_id", "phone_number",
                "title", "name", "email");
        List<String> values = List.of("oneflow", "1", "2", "3", "+46 8 555 010 21", "=HYPERLINK(\"http://x\",\"y\")",
                "@SUM(A1)", "-2+3");
        List<String> more = List.of("oneflow", "1", "2", "4", "\tx", "'quoted", "\r=1", "plain");
        writer.write(rejected(csvRecord("=cmd|' /C calc'!A0.csv", 1, header, values)), "batch-f");
        writer.write(rejected(csvRecord("=cmd|' /C calc'!A0.csv", 2, header, more)), "batch-f");

        Path csv = writer.closeBatch("batch-f").get(0);

        List<List<String>> lines = readCsv(csv);
        assertThat(lines).hasSize(3);
        assertThat(lines).flatExtracting(l -> l).allSatisfy(cell -> assertThat(cell).doesNotStartWith("=")
                .doesNotStartWith("+").doesNotStartWith("-").doesNotStartWith("@").doesNotStartWith("\t")
                .doesNotStartWith("\r"));
        assertThat(lines.get(1).get(4)).isEqualTo("'+46 8 555 010 21");
        assertThat(lines.get(1).get(9)).startsWith("'=cmd");
        // dropped back into the inbox, the file gives the original values again
        Path dropped = tmp.resolve("dropped.csv");
        Files.copy(csv, dropped);
        try (RecordStream back = new CsvRecordReader(CsvOptions.defaults()).open(dropped)) {
            List<ParticipantUpdate> rows = new ArrayList<>();
            back.forEach(rows::add);
            assertThat(back.header()).startsWith(header.toArray(String[]::new));
            assertThat(rows).hasSize(2);
            assertThat(rows.get(0).source().values().subList(0, header.size())).isEqualTo(values);
            assertThat(rows.get(0).get("phone_number")).isEqualTo("+46 8 555 010 21");
            assertThat(rows.get(1).source().values().subList(0, header.size())).isEqualTo(more);
            assertThat(rows.get(0).fields()).doesNotContainKeys("error_category", "error_message");
        }
    }

    @Test
    void givenUsersOwnFileWithALeadingApostrophe_whenRead_thenTheApostropheIsKept() throws IOException {
        Path own = tmp.resolve("own.csv");
        Files.writeString(own, "provider,contract_id,party_id,participant_id,title\noneflow,1,2,3,'quoted\n");
        try (RecordStream rows = new CsvRecordReader(CsvOptions.defaults()).open(own)) {
            assertThat(rows.next().get("title")).isEqualTo("'quoted");
        }
    }

    private static DeliveryOutcome rejected(ParticipantUpdate update) {
        String where = update.source().describe();
        return new DeliveryOutcome(update, "zigned-se", Outcome.REJECTED, "provider",
                where + ": zigned answered HTTP 400 invalid_personal_number: personal number *** is invalid",
                // the provider quotes the number it was sent
                new ProviderError(400, "invalid_personal_number", "personal number "
                        + update.get("identification_number") + " is invalid"), 1,
                Instant.parse("2024-05-06T23:58:30Z"), NOW);
    }

    /** A record as the CSV reader makes it: canonical fields from the cells, the raw header and cells kept. */
    static ParticipantUpdate csvRecord(String file, long row, List<String> header, List<String> values) {
        Map<String, String> fields = new LinkedHashMap<>();
        String provider = null;
        String connection = null;
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip().toLowerCase(Locale.ROOT).replaceAll("[\\s-]+", "_");
            String value = i < values.size() ? values.get(i) : "";
            if (name.equals("provider")) {
                provider = value;
            } else if (name.equals("connection")) {
                connection = value;
            } else if (!name.startsWith("error_")) {
                fields.put(name, value);
            }
        }
        return new ParticipantUpdate(provider, connection, fields, new Source("csv", file, row, RECEIVED,
                file + "#" + row, header, values), List.of());
    }

    static List<List<String>> readCsv(Path csv) throws IOException {
        try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.builder().setReader(r).setFormat(CSVFormat.DEFAULT).get()) {
            return parser.getRecords().stream().map(CSVRecord::toList).toList();
        }
    }

    /** Searches the bytes of every file under {@code root}. */
    static void assertNoSecretIn(Path root, String... secrets) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            String content = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
            for (String secret : secrets) {
                assertThat(content).as("content of %s", f).doesNotContain(secret);
            }
        }
    }

    @Test
    void givenABatchOfManyFailures_whenWritten_thenOneFileWithALinePerRecordAndEachLocationPointsAtItsRecord()
            throws IOException {
        List<String> locations = new ArrayList<>();
        for (int i = 1; i <= 2000; i++) {
            ParticipantUpdate u = new ParticipantUpdate("zigned", null, Map.of("agreement_id", AGREEMENT,
                    "participant_id", PARTICIPANT, "name", "Person " + i), new Source("http", "req-7", i, RECEIVED,
                    "req-7#" + i, null, null), List.of());
            locations.add(writer.write(new DeliveryOutcome(u, "zigned", Outcome.FAILED, "transient", "gave up", null,
                    4, RECEIVED, NOW), "batch-many"));
        }
        writer.closeBatch("batch-many");

        Path day = dir.resolve("2024-05-06");
        Path file = day.resolve("http-req-7-batch-many.deadletters.jsonl");
        try (Stream<Path> all = Files.list(day)) {
            assertThat(all.toList()).containsExactly(file);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readAllLines(file)).hasSize(2000);
        for (int i : new int[] {1, 2, 1000, 2000}) {
            assertThat(locations.get(i - 1)).isEqualTo(file + "#" + i);
            assertThat(MAPPER.readTree(DeadLetterWriter.readLetter(locations.get(i - 1))).path("record")
                    .path("name").asText()).isEqualTo("Person " + i);
        }
    }

    @Test
    void givenABatchPastTheSizeBound_whenWritten_thenItGoesOnInNumberedFilesOfBoundedSize() throws IOException {
        DeadLetterWriter small = new DeadLetterWriter(dir, new MutableClock(NOW), DeadLetterWriter.CHUNK_ROWS, 4096);
        List<String> locations = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            ParticipantUpdate u = new ParticipantUpdate("zigned", null, Map.of("agreement_id", AGREEMENT,
                    "participant_id", PARTICIPANT, "name", "Person " + i), new Source("http", "req-8", i, RECEIVED,
                    "req-8#" + i, null, null), List.of());
            locations.add(small.write(new DeliveryOutcome(u, "zigned", Outcome.FAILED, "transient", "gave up", null,
                    4, RECEIVED, NOW), "batch-big"));
        }
        small.closeBatch("batch-big");

        List<Path> files = letterFiles(dir.resolve("2024-05-06"));
        assertThat(files).hasSizeBetween(2, 100 / 4);
        assertThat(files).contains(dir.resolve("2024-05-06/http-req-8-batch-big.deadletters.jsonl"),
                dir.resolve("2024-05-06/http-req-8-batch-big.2.deadletters.jsonl"));
        long lines = 0;
        for (Path f : files) {
            assertThat(Files.size(f)).isLessThanOrEqualTo(4096);
            lines += Files.readAllLines(f).size();
        }
        assertThat(lines).isEqualTo(100);
        for (int i = 1; i <= 100; i++) {
            assertThat(MAPPER.readTree(DeadLetterWriter.readLetter(locations.get(i - 1))).path("record")
                    .path("name").asText()).isEqualTo("Person " + i);
        }
    }

    @Test
    void givenItsFileMovedAwayByAReplay_whenTheBatchWritesAgain_thenANewNumberedFileNotTheMovedOne()
            throws IOException {
        ParticipantUpdate u = new ParticipantUpdate("zigned", null, Map.of("agreement_id", AGREEMENT,
                "participant_id", PARTICIPANT), new Source("http", "req-9", 1, RECEIVED, "req-9#1", null, null),
                List.of());
        DeliveryOutcome failed = new DeliveryOutcome(u, "zigned", Outcome.FAILED, "transient", "gave up", null, 4,
                RECEIVED, NOW);
        String first = writer.write(failed, "batch-9");
        Path file = Path.of(first.substring(0, first.lastIndexOf('#')));
        Path moved = tmp.resolve("moved.jsonl");
        Files.move(file, moved);

        String second = writer.write(failed, "batch-9");

        assertThat(second).isEqualTo(dir.resolve("2024-05-06/http-req-9-batch-9.2.deadletters.jsonl") + "#1");
        assertThat(Files.readAllLines(moved)).hasSize(1);
    }

    private static List<Path> letterFiles(Path day) throws IOException {
        try (Stream<Path> s = Files.list(day)) {
            return s.filter(p -> p.getFileName().toString().endsWith(DeadLetterWriter.LINES_SUFFIX)).sorted()
                    .toList();
        }
    }

    private static List<Path> rejectedCsvFiles(Path day) throws IOException {
        try (Stream<Path> s = Files.list(day)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".rejected.csv")).sorted().toList();
        }
    }
}
