package io.participantsync.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.model.Source;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** Verifies that CsvRecordReader streams CSV rows into canonical ParticipantUpdates, with problems instead of errors. */
class CsvRecordReaderTest {

    private final CsvRecordReader reader = new CsvRecordReader(CsvOptions.defaults());

    @Test
    void givenCommaFile_whenRead_thenEachRowBecomesACanonicalRecordWithItsSource() throws Exception {
        try (RecordStream stream = reader.open(resource("comma.csv"))) {
            List<ParticipantUpdate> records = drain(stream);

            assertThat(stream.delimiter()).isEqualTo(',');
            assertThat(stream.header())
                    .containsExactly("provider", "connection", "contract_id", "party_id", "email", "name");
            assertThat(stream.notes()).isEmpty();
            assertThat(stream.rowsRead()).isEqualTo(2);
            assertThat(records).hasSize(2);

            ParticipantUpdate first = records.get(0);
            assertThat(first.provider()).isEqualTo("oneflow");
            assertThat(first.connection()).isEqualTo("oneflow-main");
            assertThat(first.fields()).containsExactly(Map.entry("contract_id", "1001"), Map.entry("party_id", "2001"),
                    Map.entry("email", "ann@example.com"), Map.entry("name", "Ann Andersson"));
            assertThat(first.problems()).isEmpty();
            Source source = first.source();
            assertThat(source.kind()).isEqualTo("csv");
            assertThat(source.name()).isEqualTo("comma.csv");
            assertThat(source.row()).isEqualTo(1);
            assertThat(source.correlationId()).isEqualTo("comma.csv#1");
            assertThat(source.receivedAt()).isNotNull();
            assertThat(source.header()).isEqualTo(stream.header());
            assertThat(source.values())
                    .containsExactly("oneflow", "oneflow-main", "1001", "2001", "ann@example.com", "Ann Andersson");

            assertThat(records.get(1).provider()).isEqualTo("zigned");
            assertThat(records.get(1).source().row()).isEqualTo(2);
            assertThat(records.get(1).source().correlationId()).isEqualTo("comma.csv#2");
        }
    }

    @Test
    void givenSemicolonFile_whenRead_thenDelimiterIsDetectedFromTheHeader() throws Exception {
        try (RecordStream stream = reader.open(resource("semicolon.csv"))) {
            List<ParticipantUpdate> records = drain(stream);

            assertThat(stream.delimiter()).isEqualTo(';');
            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.provider()).isEqualTo("zigned");
                assertThat(r.connection()).isEqualTo("zigned-eu");
                assertThat(r.fields()).containsExactly(Map.entry("agreement_id", "agr-1"),
                        Map.entry("participant_id", "p-1"), Map.entry("email", "cia@example.com"));
                assertThat(r.problems()).isEmpty();
            });
        }
    }

    @Test
    void givenBomSemicolonsAndCrlf_whenRead_thenHeaderHasNoBomAndValuesNoCarriageReturn() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "provider;connection;contract_id;party_id;name\r\noneflow;main;1;2;Ann\r\noneflow;main;1;3;Bo"
                .getBytes(StandardCharsets.UTF_8);

        try (RecordStream stream = reader.open(new ByteArrayInputStream(concat(bom, body)), "bom.csv", "csv")) {
            List<ParticipantUpdate> records = drain(stream);

            assertThat(stream.delimiter()).isEqualTo(';');
            assertThat(stream.header().get(0)).isEqualTo("provider");
            assertThat(records).hasSize(2);
            assertThat(records.get(0).provider()).isEqualTo("oneflow");
            assertThat(records.get(0).source().values()).containsExactly("oneflow", "main", "1", "2", "Ann");
            // last line without a final newline
            assertThat(records.get(1).source().values()).containsExactly("oneflow", "main", "1", "3", "Bo");
            assertThat(records.get(1).get("name")).isEqualTo("Bo");
        }
    }

    @Test
    void givenQuotedFields_whenRead_thenEmbeddedDelimiterDoubledQuoteAndNewlineAreKept() throws Exception {
        try (RecordStream stream = reader.open(resource("quoted.csv"))) {
            List<ParticipantUpdate> records = drain(stream);

            assertThat(records).hasSize(2);
            assertThat(records.get(0).get("name")).isEqualTo("Berg, Bo");
            assertThat(records.get(0).get("title")).isEqualTo("The \"Boss\"\nof sales");
            assertThat(records.get(0).problems()).isEmpty();
            assertThat(records.get(1).get("name")).isEqualTo("Cia");
            assertThat(records.get(1).source().row()).isEqualTo(2);
        }
    }

    @Test
    void givenNonAsciiNames_whenRead_thenTheyAreKeptExactly() throws Exception {
        try (RecordStream stream = reader.open(resource("non-ascii.csv"))) {
            List<String> names = drain(stream).stream().map(r -> r.get("name")).toList();

            assertThat(names).containsExactly("Åsa Öberg", "José Núñez", "山田太郎");
        }
    }

    @Test
    void givenHeadersInMixedCaseWithSpacesAndHyphens_whenRead_thenFieldNamesAreNormalised() throws Exception {
        String csv = " PROVIDER ,Connection,Current Email,Phone-Number,Contract_ID\n"
                + "Zoho,zoho-eu,old@example.com,+46701234567,c-1\n";

        try (RecordStream stream = reader.open(utf8(csv), "mixed.csv", "csv")) {
            ParticipantUpdate record = stream.next();

            assertThat(record.provider()).isEqualTo("zoho");
            assertThat(record.connection()).isEqualTo("zoho-eu");
            assertThat(record.fields()).containsExactly(Map.entry("current_email", "old@example.com"),
                    Map.entry("phone_number", "+46701234567"), Map.entry("contract_id", "c-1"));
            // surrounding spaces are not kept: the parser strips them so `a, "b, c"` reads as two cells
            assertThat(stream.header())
                    .containsExactly("PROVIDER", "Connection", "Current Email", "Phone-Number", "Contract_ID");
        }
    }

    @Test
    void givenFieldMapping_whenRead_thenUserHeadersAreRenamedAndUnknownOnesKept() throws Exception {
        CsvOptions options = CsvOptions.parse("auto", "Signer E-mail=email, Contract: contract_id", "intake.csv.");
        String csv = "provider,connection,Contract,Signer E-mail,Party,Department\n"
                + "oneflow,main,1001,ann@example.com,2001,Sales\n";

        try (RecordStream stream = new CsvRecordReader(options).open(utf8(csv), "mapped.csv", "csv")) {
            ParticipantUpdate record = stream.next();

            assertThat(record.fields()).containsExactly(Map.entry("contract_id", "1001"),
                    Map.entry("email", "ann@example.com"), Map.entry("party", "2001"),
                    Map.entry("department", "Sales"));
        }
    }

    @Test
    void givenRowWithWrongCellCountBetweenGoodRows_whenRead_thenOnlyThatRowCarriesAProblem() throws Exception {
        try (RecordStream stream = reader.open(resource("bad-row.csv"))) {
            List<ParticipantUpdate> records = drain(stream);

            assertThat(records).extracting(r -> r.source().row()).containsExactly(1L, 2L, 3L);
            assertThat(records.get(0).problems()).isEmpty();
            assertThat(records.get(0).get("email")).isEqualTo("a@example.com");
            assertThat(records.get(1).problems())
                    .containsExactly(new Problem(null, "row has 4 cells but the header has 5"));
            assertThat(records.get(1).provider()).isEqualTo("oneflow");
            assertThat(records.get(1).source().values()).containsExactly("oneflow", "main", "1", "3");
            assertThat(records.get(2).problems()).isEmpty();
            assertThat(records.get(2).get("email")).isEqualTo("c@example.com");
            assertThat(stream.notes()).isEmpty();
        }
    }

    @Test
    void givenEmptyFile_whenOpened_thenNoRecordsAndAnEmptyFileNote() throws Exception {
        try (RecordStream stream = reader.open(resource("empty.csv"))) {
            assertThat(stream.hasNext()).isFalse();
            assertThat(stream.notes()).containsExactly("file is empty");
            assertThat(stream.header()).isEmpty();
            assertThat(stream.rowsRead()).isZero();
            assertThatThrownBy(stream::next).isInstanceOf(NoSuchElementException.class);
        }
    }

    @Test
    void givenOnlyBlankLines_whenOpened_thenTreatedAsEmptyFile() throws Exception {
        try (RecordStream stream = reader.open(utf8("\n\r\n,,,\n  \n"), "blank.csv", "csv")) {
            assertThat(stream.hasNext()).isFalse();
            assertThat(stream.notes()).containsExactly("file is empty");
        }
    }

    @Test
    void givenHeaderOnly_whenOpened_thenNoRecordsAndAHeaderOnlyNote() throws Exception {
        try (RecordStream stream = reader.open(resource("header-only.csv"))) {
            assertThat(stream.notes()).containsExactly("header only: no data rows");
            assertThat(stream.hasNext()).isFalse();
            assertThat(stream.header()).containsExactly("provider", "connection", "contract_id", "party_id", "email");
        }
    }

    @Test
    void givenBlankCells_whenRead_thenTheyAreDroppedFromFields() throws Exception {
        try (RecordStream stream = reader.open(resource("blank-cells.csv"))) {
            ParticipantUpdate record = stream.next();

            assertThat(record.fields()).containsExactly(Map.entry("contract_id", "1"), Map.entry("party_id", "2"),
                    Map.entry("name", "Ann"));
            assertThat(record.problems()).isEmpty();
            assertThat(record.source().values()).containsExactly("oneflow", "main", "1", "2", "", "Ann", "");
        }
    }

    @Test
    void givenEmptyLinesBetweenRows_whenRead_thenTheyAreIgnoredAndNotCounted() throws Exception {
        String csv = "\nprovider,connection,name\n\noneflow,main,Ann\n\n\noneflow,main,Bo\n,,\n\n";

        try (RecordStream stream = reader.open(utf8(csv), "gaps.csv", "csv")) {
            List<ParticipantUpdate> records = drain(stream);

            assertThat(records).extracting(r -> r.get("name")).containsExactly("Ann", "Bo");
            assertThat(records).extracting(r -> r.source().row()).containsExactly(1L, 2L);
            assertThat(records).allSatisfy(r -> assertThat(r.problems()).isEmpty());
        }
    }

    @Test
    void givenUnterminatedQuote_whenRead_thenGoodRowsThenOneProblemRecordKeepingTheRawText() throws Exception {
        try (RecordStream stream = reader.open(resource("unterminated-quote.csv"))) {
            List<ParticipantUpdate> records = drain(stream);

            assertThat(records).hasSize(2);
            assertThat(records.get(0).get("name")).isEqualTo("Ann");
            ParticipantUpdate failed = records.get(1);
            assertThat(failed.source().row()).isEqualTo(2);
            assertThat(failed.provider()).isNull();
            assertThat(failed.fields()).isEmpty();
            assertThat(failed.problems()).singleElement().satisfies(p -> {
                assertThat(p.field()).isNull();
                assertThat(p.reason()).startsWith("cannot parse CSV at row 2: EOF reached before encapsulated token")
                        .doesNotContain("line");
            });
            // split at the commas, the raw text gives the header's five cells: they are the row's values
            assertThat(failed.source().values()).containsExactly("oneflow", "main", "1", "3", "\"Bo");
            assertThat(stream.notes()).singleElement().asString()
                    .startsWith("parsing stopped at row 2, then resumed at the next line: ")
                    .contains("EOF reached before encapsulated token finished");
            assertThat(stream.hasNext()).isFalse();
        }
    }

    @Test
    void givenBrokenQuoteInTheMiddle_whenRead_thenEveryRowIsAccountedForAndParsingResumes() throws Exception {
        for (String eol : List.of("\n", "\r\n", "\r")) {
            String csv = String.join(eol, "provider,contract_id,party_id,email,name",
                    "oneflow,1,2,3,One",
                    "oneflow,1,2,3,\"Row \"Two\" broken\"",
                    "", "oneflow,1,2,3,\"Three, with comma\"",
                    "oneflow,1,2,3,\"Four on" + eol + "two lines\"",
                    "oneflow,1,2,3,Five") + eol;

            try (RecordStream stream = reader.open(utf8(csv), "broken.csv", "csv")) {
                List<ParticipantUpdate> records = drain(stream);

                assertThat(records).as("line end %s", eol.replace("\r", "CR").replace("\n", "LF"))
                        .extracting(r -> r.source().row()).containsExactly(1L, 2L, 3L, 4L, 5L);
                assertThat(records).extracting(r -> r.get("name"))
                        .containsExactly("One", null, "Three, with comma", "Four on" + eol + "two lines", "Five");
                assertThat(records.get(1).problems()).singleElement().extracting(Problem::reason).asString()
                        .startsWith("cannot parse CSV at row 2: Invalid char").doesNotContain("line");
                assertThat(records.get(1).source().values())
                        .containsExactly("oneflow", "1", "2", "3", "\"Row \"Two\" broken\"");
                assertThat(records).filteredOn(r -> r.source().row() != 2)
                        .allSatisfy(r -> assertThat(r.problems()).isEmpty());
            }
        }
    }

    @Test
    void givenBrokenRowWhoseCellsCannotBeSplit_whenRead_thenItsRawTextGoesInARawLineColumnMasked()
            throws Exception {
        String csv = "provider,personal_number,name\n"
                + "zigned,19121212-1212,\"Ann \"A\", \"B\" x\",more\n"
                + "zigned,,Bo\n";

        try (RecordStream stream = reader.open(utf8(csv), "raw.csv", "csv")) {
            List<ParticipantUpdate> records = drain(stream);

            assertThat(records).hasSize(2);
            Source broken = records.get(0).source();
            assertThat(broken.header()).containsExactly("provider", "personal_number", "name", RecordStream.RAW_LINE);
            assertThat(broken.values()).containsExactly("", "", "", "zigned,***,\"Ann \"A\", \"B\" x\",more");
            assertThat(records.get(1).get("name")).isEqualTo("Bo");
            assertThat(records.get(1).problems()).isEmpty();
        }
    }

    @Test
    void givenQuoteLeftOpenBeforeMegabytesOfData_whenRead_thenThatRowIsRejectedAtTheSizeLimitAndTheRestRead()
            throws Exception {
        StringBuilder csv = new StringBuilder("provider,name\noneflow,\"Ann\n");
        String line = "oneflow,Bo\n";
        int good = 0;
        while (csv.length() < RecordStream.MAX_ROW_CHARS + 100_000) {
            csv.append(line);
            good++;
        }

        try (RecordStream stream = reader.open(utf8(csv.toString()), "open-quote.csv", "csv")) {
            List<ParticipantUpdate> records = drain(stream);

            assertThat(records).hasSize(good + 1);
            assertThat(records.get(0).problems()).singleElement()
                    .isEqualTo(new Problem(null, "cannot parse CSV at row 1: a row is longer than "
                            + RecordStream.MAX_ROW_CHARS + " characters (is a quote left open?)"));
            assertThat(records.get(0).source().values()).containsExactly("oneflow", "\"Ann");
            assertThat(records.subList(1, records.size())).allSatisfy(r -> {
                assertThat(r.problems()).isEmpty();
                assertThat(r.get("name")).isEqualTo("Bo");
            });
        }
    }

    @Test
    void givenFileWithoutHeaderLine_whenRead_thenTheWholeFileIsOneRejectedRecordAndNoRowIsRead() throws Exception {
        String csv = "oneflow,100101,200101,300101,X\noneflow,100101,200102,300102,Y\n";

        try (RecordStream stream = reader.open(utf8(csv), "no-header.csv", "csv")) {
            List<ParticipantUpdate> records = drain(stream);

            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.source().row()).isZero();
                assertThat(r.source().header()).isEmpty();
                assertThat(r.source().values()).isEmpty();
                assertThat(r.problems()).singleElement().extracting(Problem::reason).asString()
                        .startsWith("cannot parse CSV at row 0 (the header): the first line is not a header: none of"
                                + " its 5 cells is a known field name")
                        .doesNotContain("100101");
            });
            assertThat(stream.notes()).singleElement().asString().startsWith("parsing stopped at row 0 (the header)")
                    .doesNotContain("header only");
        }
    }

    @Test
    void givenHeaderWithSomeUnknownNames_whenRead_thenItIsStillAHeader() throws Exception {
        try (RecordStream stream = reader.open(utf8("Provider,Remark,Email\noneflow,x,a@example.com\n"), "h.csv",
                "csv")) {
            assertThat(drain(stream)).singleElement().satisfies(r -> assertThat(r.problems()).isEmpty());
        }
    }

    @Test
    void givenHeaderWithTwoHundredThousandColumns_whenRead_thenFileRejectedWithOneShortMessage() throws Exception {
        // 1.2 MB: a 400 kB header of one-letter names and a row of as many cells
        String csv = "provider" + ",x".repeat(199_999) + "\noneflow" + ",1".repeat(199_999) + "\n";

        try (RecordStream stream = reader.open(utf8(csv), "wide.csv", "csv")) {
            List<ParticipantUpdate> records = drain(stream);

            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.source().row()).isZero();
                assertThat(r.source().header()).isEmpty();
                assertThat(r.problems()).singleElement().extracting(Problem::reason).asString()
                        .contains("the header has 200000 columns, more than csv.max-columns (200)")
                        .hasSizeLessThan(300);
            });
        }
    }

    @Test
    void givenConfiguredLimits_whenRowIsTooWideOrACellTooLong_thenThatRowIsRejectedNamingTheField()
            throws Exception {
        CsvRecordReader limited = new CsvRecordReader(CsvOptions.defaults().withLimits(4, 7));
        String csv = "provider,name,email\n"
                + "oneflow,Ann,a@x\n"
                + "oneflow,Bo,b@x,1,2,3,4\n"
                + "oneflow,Cecilia-Ann,c@x\n";

        try (RecordStream stream = limited.open(utf8(csv), "limits.csv", "csv")) {
            List<ParticipantUpdate> records = drain(stream);

            assertThat(records).hasSize(3);
            assertThat(records.get(0).problems()).isEmpty();
            assertThat(records.get(1).problems()).containsExactly(
                    new Problem(null, "row has 7 cells, more than csv.max-columns (4) and the header's 3"));
            assertThat(records.get(1).source().values()).containsExactly("oneflow", "Bo", "b@x");
            assertThat(records.get(2).problems()).containsExactly(
                    new Problem("name", "is 11 characters long, more than csv.max-field-length (7)"));
        }
        try (RecordStream stream = limited.open(utf8("a,b,c,d,provider\n"), "wide.csv", "csv")) {
            assertThat(drain(stream)).singleElement().extracting(r -> r.problems().get(0).reason()).asString()
                    .contains("the header has 5 columns, more than csv.max-columns (4)");
        }
        assertThat(CsvOptions.defaults().maxColumns()).isEqualTo(200);
        assertThat(CsvOptions.defaults().maxFieldLength()).isEqualTo(10_000);
        assertThatThrownBy(() -> CsvOptions.defaults().withLimits(0, 10))
                .hasMessageContaining("csv.max-columns");
        assertThatThrownBy(() -> CsvOptions.defaults().withLimits(10, 0))
                .hasMessageContaining("csv.max-field-length");
    }

    @Test
    void givenCellOfTenThousandAndOneCharacters_whenReadWithDefaults_thenRowRejectedNamingTheField()
            throws Exception {
        String csv = "provider,name\noneflow," + "x".repeat(10_001) + "\noneflow," + "y".repeat(10_000) + "\n";

        try (RecordStream stream = reader.open(utf8(csv), "long.csv", "csv")) {
            List<ParticipantUpdate> records = drain(stream);

            assertThat(records.get(0).problems()).singleElement().extracting(Problem::field).isEqualTo("name");
            assertThat(records.get(1).problems()).isEmpty();
        }
    }

    @Test
    void givenQuoteLeftOpenInTheHeader_whenRead_thenOneProblemRecordForRowZero() throws Exception {
        try (RecordStream stream = reader.open(utf8("provider,\"name\noneflow,Ann\n"), "h.csv", "csv")) {
            List<ParticipantUpdate> records = drain(stream);

            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.source().row()).isZero();
                assertThat(r.problems()).singleElement().extracting(Problem::reason).asString()
                        .startsWith("cannot parse CSV at row 0 (the header): ");
            });
        }
    }

    @Test
    void givenRowThatIsNotUtf8_whenRead_thenOnlyThatRowCarriesAnEncodingProblem() throws Exception {
        byte[] head = "provider,name\noneflow,Ann\noneflow,".getBytes(StandardCharsets.UTF_8);
        byte[] latin1Name = "Åsa\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] tail = "oneflow,Bo\n".getBytes(StandardCharsets.UTF_8);

        try (RecordStream stream = reader.open(new ByteArrayInputStream(concat(concat(head, latin1Name), tail)),
                "latin1.csv", "csv")) {
            List<ParticipantUpdate> records = drain(stream);

            assertThat(records).extracting(r -> r.source().row()).containsExactly(1L, 2L, 3L);
            assertThat(records.get(0).problems()).isEmpty();
            assertThat(records.get(1).problems()).containsExactly(
                    new Problem(null, "row is not valid UTF-8 text (save the file as UTF-8)"));
            assertThat(records.get(2).problems()).isEmpty();
            assertThat(records.get(2).get("name")).isEqualTo("Bo");
        }
    }

    @Test
    void givenDuplicatedCanonicalColumn_whenRead_thenEveryRowCarriesTheProblemAndANoteIsAdded() throws Exception {
        CsvOptions options = CsvOptions.parse(null, "E-mail=email", "intake.csv");
        String csv = "provider,connection,email,E-mail\noneflow,main,a@example.com,b@example.com\n"
                + "oneflow,main,,c@example.com\n";

        try (RecordStream stream = new CsvRecordReader(options).open(utf8(csv), "dup.csv", "csv")) {
            List<ParticipantUpdate> records = drain(stream);

            assertThat(stream.notes()).containsExactly("header column 'email' appears twice");
            assertThat(records).hasSize(2).allSatisfy(r -> assertThat(r.problems())
                    .containsExactly(new Problem("email", "column appears more than once in the header")));
        }
    }

    @Test
    void givenNoProviderColumnOrBlankProvider_whenRead_thenProviderIsNull() throws Exception {
        try (RecordStream noColumn = reader.open(utf8("connection,name\nmain,Ann\n"), "a.csv", "csv");
                RecordStream blank = reader.open(utf8("provider,name\n  ,Ann\n"), "b.csv", "csv")) {
            ParticipantUpdate withoutColumn = noColumn.next();
            ParticipantUpdate withBlank = blank.next();

            assertThat(withoutColumn.provider()).isNull();
            assertThat(withoutColumn.connection()).isEqualTo("main");
            assertThat(withoutColumn.fields()).containsExactly(Map.entry("name", "Ann"));
            assertThat(withBlank.provider()).isNull();
            assertThat(withBlank.problems()).isEmpty();
        }
    }

    @Test
    void givenTabAndPipeFiles_whenRead_thenDetectedUnlessConfigured() throws Exception {
        try (RecordStream tab = reader.open(utf8("provider\tname\noneflow\tAnn Berg\n"), "t.tsv", "csv");
                RecordStream pipe = reader.open(utf8("provider|name\noneflow|Bo\n"), "p.csv", "csv");
                RecordStream configured = new CsvRecordReader(CsvOptions.parse("|", null, "x"))
                        .open(utf8("provider|name,title\noneflow|Bo,Boss\n"), "c.csv", "csv")) {

            assertThat(tab.delimiter()).isEqualTo('\t');
            assertThat(tab.next().get("name")).isEqualTo("Ann Berg");
            assertThat(pipe.delimiter()).isEqualTo('|');
            assertThat(pipe.next().get("name")).isEqualTo("Bo");
            assertThat(configured.delimiter()).isEqualTo('|');
            assertThat(configured.next().fields()).containsExactly(Map.entry("name,title", "Bo,Boss"));
        }
    }

    @Test
    void givenQuotedHeaderCellWithComma_whenDetecting_thenDelimitersInsideQuotesAreNotCounted() throws Exception {
        String csv = "\"provider\";\"name, full\";\"title, job, role\"\noneflow;\"Berg, Bo\";Boss\n";

        try (RecordStream stream = reader.open(utf8(csv), "q.csv", "csv")) {
            assertThat(stream.delimiter()).isEqualTo(';');
            assertThat(stream.next().fields())
                    .containsExactly(Map.entry("name,_full", "Berg, Bo"), Map.entry("title,_job,_role", "Boss"));
        }
    }

    @Test
    void givenTwoHundredThousandGeneratedRows_whenStreamed_thenRecordsArriveLazilyAndAllAreCounted()
            throws Exception {
        int rows = 200_000;
        GeneratedCsv generated = new GeneratedCsv(rows);

        try (RecordStream stream = reader.open(generated, "big.csv", "csv")) {
            ParticipantUpdate first = stream.next();

            assertThat(first.get("email")).isEqualTo("person1@example.com");
            assertThat(generated.rowsGenerated()).isLessThan(5_000);
            assertThat(generated.exhausted()).isFalse();

            long count = 1;
            ParticipantUpdate last = first;
            for (ParticipantUpdate record : stream) {
                count++;
                last = record;
                assertThat(record.problems()).isEmpty();
            }
            assertThat(count).isEqualTo(rows);
            assertThat(stream.rowsRead()).isEqualTo(rows);
            assertThat(last.source().row()).isEqualTo(rows);
            assertThat(last.get("email")).isEqualTo("person" + rows + "@example.com");
            assertThat(generated.exhausted()).isTrue();
        }
        assertThat(generated.closed()).isTrue();
    }

    @Test
    void givenAnOpenStream_whenClosed_thenTheInputIsClosedAndNoMoreRecordsCome() throws Exception {
        GeneratedCsv generated = new GeneratedCsv(10);
        RecordStream stream = reader.open(generated, "g.csv", "csv");

        stream.close();

        assertThat(generated.closed()).isTrue();
        assertThat(stream.hasNext()).isFalse();
    }

    @Test
    void givenConfigValues_whenParsed_thenDelimiterAndMappingAreReadAndErrorsNameTheKey() {
        CsvOptions options = CsvOptions.parse("tab", " Signer E-mail = email ,Contract:contract_id,", "intake.csv");

        assertThat(options.delimiter()).isEqualTo('\t');
        assertThat(options.fieldMapping())
                .containsExactly(Map.entry("signer_e_mail", "email"), Map.entry("contract", "contract_id"));
        assertThat(CsvOptions.parse("auto", "", "k").delimiter()).isNull();
        assertThat(CsvOptions.parse(";", null, "k").delimiter()).isEqualTo(';');
        assertThat(CsvOptions.defaults().fieldMapping()).isEmpty();

        assertThatThrownBy(() -> CsvOptions.parse("colon", null, "intake.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("intake.csv.delimiter must be one of auto, ',', ';', tab, '|' but was 'colon'");
        assertThatThrownBy(() -> CsvOptions.parse("auto", "Contract", "intake.csv."))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("intake.csv.field-mapping: 'Contract' is not a pair");
        assertThatThrownBy(() -> CsvOptions.parse("auto", "Mail=emial", "intake.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("intake.csv.field-mapping: 'emial' (for header 'Mail') is not a canonical field name");
        assertThatThrownBy(() -> CsvOptions.parse("auto", "Mail=email, mail=name", "intake.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("intake.csv.field-mapping: header 'mail' is mapped to both");
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(CsvRecordReaderTest.class.getResource("/csv/" + name).toURI());
    }

    private static InputStream utf8(String csv) {
        return new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static List<ParticipantUpdate> drain(RecordStream stream) {
        List<ParticipantUpdate> records = new ArrayList<>();
        stream.forEachRemaining(records::add);
        return records;
    }

    /** A CSV produced row by row on demand, so a test can see how much of it the reader has pulled. */
    private static final class GeneratedCsv extends InputStream {
        private final int rows;
        private int generated;
        private byte[] chunk = "provider,connection,contract_id,party_id,email,name\n".getBytes(StandardCharsets.UTF_8);
        private int pos;
        private boolean closed;

        GeneratedCsv(int rows) {
            this.rows = rows;
        }

        @Override
        public int read() {
            if (!fill()) {
                return -1;
            }
            return chunk[pos++] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() {
            closed = true;
        }

        int rowsGenerated() {
            return generated;
        }

        boolean exhausted() {
            return generated == rows && pos == chunk.length;
        }

        boolean closed() {
            return closed;
        }

        private boolean fill() {
            if (pos < chunk.length) {
                return true;
            }
            if (generated == rows) {
                return false;
            }
            generated++;
            chunk = ("oneflow,main," + generated + ",p" + generated + ",person" + generated + "@example.com,Person "
                    + generated + "\n").getBytes(StandardCharsets.UTF_8);
            pos = 0;
            return true;
        }
    }
}
