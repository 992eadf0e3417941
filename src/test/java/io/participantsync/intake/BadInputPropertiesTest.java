package io.participantsync.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.participantsync.model.ParticipantUpdate;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Property-based checks (jqwik) of the CSV reader and the JSON mapper against thousands of random and mutated
 * inputs: broken quotes, stray separators, random bytes, missing headers, huge fields. Nothing may escape as an
 * exception (other than the JSON mapper's documented {@link JsonInputException}), nothing may hang, and every
 * record read is counted exactly once.
 */
class BadInputPropertiesTest {

    private static final Duration NO_HANG = Duration.ofSeconds(10);
    private static final String HEADER = "provider,contract_id,party_id,participant_id,name";
    private static final CsvRecordReader READER = new CsvRecordReader(CsvOptions.defaults());
    private static final JsonRecordMapper JSON = new JsonRecordMapper();

    // ---- CSV ------------------------------------------------------------------------------------------------

    /** Whatever the bytes, reading ends, throws nothing, and numbers the records it hands out 1, 2, 3, ... */
    @Property(tries = 1000)
    void anyBytesAreReadToTheEndWithoutAnException(@ForAll("csvLikeBytes") byte[] bytes) {
        List<ParticipantUpdate> records = readAll(bytes);

        assertConsecutiveRows(records);
    }

    /** A valid file mutated at random places (inserted quotes, separators, line breaks, deletions). */
    @Property(tries = 1000)
    void mutatedFilesAreReadToTheEndWithConsecutiveRows(@ForAll("mutatedCsv") String csv) {
        List<ParticipantUpdate> records = readAll(csv.getBytes(StandardCharsets.UTF_8));

        assertConsecutiveRows(records);
    }

    /**
     * A file of one-line rows, some with a broken quote, some with blank lines, stray separators or a huge cell
     * between them: one record per data line, in order, and exactly the broken or oversized ones carry a problem.
     */
    @Property(tries = 1000)
    void everyDataLineBecomesExactlyOneRecord(@ForAll("linesOfCells") List<List<Cell>> rows,
            @ForAll("lineEnds") String eol) {
        StringBuilder csv = new StringBuilder(HEADER).append(eol);
        List<Boolean> bad = new ArrayList<>();
        for (List<Cell> row : rows) {
            if (row.isEmpty()) {
                csv.append(eol); // a blank line: skipped, not a record
                continue;
            }
            List<String> texts = new ArrayList<>();
            texts.add("oneflow");
            row.forEach(c -> texts.add(c.text()));
            csv.append(String.join(",", texts)).append(eol);
            bad.add(row.stream().anyMatch(Cell::bad) || texts.size() != 5);
        }

        List<ParticipantUpdate> records = readAll(csv.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(records).hasSize(bad.size());
        assertConsecutiveRows(records);
        for (int i = 0; i < bad.size(); i++) {
            assertThat(records.get(i).problems().isEmpty()).as("row %d: %s", i + 1, records.get(i).problems())
                    .isEqualTo(!bad.get(i));
        }
    }

    /** A file without a header line is one rejected record (row 0), never rows read under wrong names. */
    @Property(tries = 1000)
    void aFileWithoutAHeaderIsOneRecordForRowZero(@ForAll("linesOfCells") List<List<Cell>> rows) {
        StringBuilder csv = new StringBuilder("oneflow,100101,200101,300101,X\n");
        rows.forEach(r -> csv.append("oneflow,").append(String.join(",", r.stream().map(Cell::text).toList()))
                .append('\n'));

        List<ParticipantUpdate> records = readAll(csv.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.source().row()).isZero();
            assertThat(r.problems()).isNotEmpty();
        });
    }

    private static List<ParticipantUpdate> readAll(byte[] bytes) {
        return assertTimeoutPreemptively(NO_HANG, () -> {
            List<ParticipantUpdate> out = new ArrayList<>();
            try (RecordStream stream = READER.open(new ByteArrayInputStream(bytes), "prop.csv", "csv")) {
                while (stream.hasNext()) {
                    out.add(stream.next());
                }
                assertThat(stream.rowsRead()).isEqualTo(out.size());
                assertThat(stream.hasNext()).isFalse();
            }
            return out;
        });
    }

    /** Either one record for row 0 (the header is unusable), or rows 1..n, each once and in order. */
    private static void assertConsecutiveRows(List<ParticipantUpdate> records) {
        if (!records.isEmpty() && records.get(0).source().row() == 0) {
            assertThat(records).hasSize(1);
            assertThat(records.get(0).problems()).isNotEmpty();
            return;
        }
        for (int i = 0; i < records.size(); i++) {
            assertThat(records.get(i).source().row()).isEqualTo(i + 1L);
        }
    }

    /** One cell of a generated row, and whether it must make the row rejected. */
    record Cell(String text, boolean bad) {
    }

    @Provide
    Arbitrary<byte[]> csvLikeBytes() {
        List<Byte> special = new ArrayList<>();
        for (byte b : "\",;\t|\r\n \uFEFFaZ0é".getBytes(StandardCharsets.UTF_8)) {
            special.add(b);
        }
        Arbitrary<Byte> interesting = Arbitraries.of(special);
        Arbitrary<Byte> any = Arbitraries.bytes();
        Arbitrary<Byte> mixed = Arbitraries.frequencyOf(Tuple.of(4, interesting), Tuple.of(1, any));
        Arbitrary<byte[]> random = mixed.list().ofMaxSize(400).map(BadInputPropertiesTest::toBytes);
        Arbitrary<byte[]> withHeader = random.map(b -> concat((HEADER + "\n").getBytes(StandardCharsets.UTF_8), b));
        return Arbitraries.oneOf(random, withHeader);
    }

    @Provide
    Arbitrary<String> mutatedCsv() {
        String valid = HEADER + "\n"
                + "oneflow,100101,200101,300101,Ann\n"
                + "oneflow,100101,200101,300102,\"Bo, \"\"Junior\"\"\"\n"
                + "oneflow,100101,200101,300103,\"two\nlines\"\n"
                + "oneflow,100101,200101,300104,Cecilia\n";
        Arbitrary<Mutation> mutation = Combinators.combine(
                Arbitraries.integers().between(0, valid.length()),
                Arbitraries.of("\"", ",", "\n", "\r", "\r\n", "\"\"", ";", "", "x".repeat(20_000)),
                Arbitraries.integers().between(0, 3))
                .as(Mutation::new);
        return mutation.list().ofMinSize(1).ofMaxSize(6).map(ms -> {
            StringBuilder s = new StringBuilder(valid);
            for (Mutation m : ms) {
                int at = Math.min(m.at(), s.length());
                s.delete(at, Math.min(s.length(), at + m.delete()));
                s.insert(at, m.insert());
            }
            return s.toString();
        });
    }

    record Mutation(int at, String insert, int delete) {
    }

    @Provide
    Arbitrary<List<List<Cell>>> linesOfCells() {
        Arbitrary<String> plainText = Arbitraries.strings().withChars("abcXYZ019 .-_@+=").ofMaxLength(12)
                .map(String::strip);
        Arbitrary<Cell> plain = plainText.map(t -> new Cell(t, false));
        Arbitrary<Cell> quoted = Arbitraries.strings().withChars("ab ,;|\"").ofMaxLength(12)
                .map(t -> new Cell("\"" + t.replace("\"", "\"\"") + "\"", false));
        // a quoted cell with a stray quote followed by more text: the parser fails on this very line
        Arbitrary<Cell> brokenQuote = Combinators.combine(plainText, plainText.filter(t -> !t.isEmpty()))
                .as((a, b) -> new Cell("\"" + a + " \"" + b + "\" broken\"", true));
        Arbitrary<Cell> huge = Arbitraries.integers().between(10_001, 30_000).map(n -> new Cell("h".repeat(n), true));
        Arbitrary<Cell> cell = Arbitraries.frequencyOf(Tuple.of(10, plain), Tuple.of(4, quoted),
                Tuple.of(2, brokenQuote), Tuple.of(1, huge));
        Arbitrary<List<Cell>> row = Arbitraries.frequencyOf(
                Tuple.of(8, cell.list().ofSize(4)),
                Tuple.of(2, cell.list().ofMinSize(1).ofMaxSize(7)), // stray or missing separators
                Tuple.of(1, Arbitraries.just(List.of())));
        return row.list().ofMaxSize(25);
    }

    @Provide
    Arbitrary<String> lineEnds() {
        return Arbitraries.of("\n", "\r\n", "\r");
    }

    // ---- JSON -----------------------------------------------------------------------------------------------

    /** Any text: a list of records or a JsonInputException naming where, never another exception or a hang. */
    @Property(tries = 1000)
    void anyTextIsRecordsOrAJsonInputException(@ForAll("jsonLikeText") String body) {
        assertTimeoutPreemptively(NO_HANG, () -> {
            try {
                List<ParticipantUpdate> records = JSON.map(body, "http", "prop");
                assertThat(records).allSatisfy(r -> assertThat(r.source().row()).isPositive());
            } catch (JsonInputException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        });
    }

    /** An array of N elements, whatever they are (objects, junk, deep nesting within limits), is N records. */
    @Property(tries = 1000)
    void anArrayOfNElementsIsNRecords(@ForAll("jsonElements") List<String> elements) {
        String body = "[" + String.join(",", elements) + "]";

        List<ParticipantUpdate> records = assertTimeoutPreemptively(NO_HANG, () -> JSON.map(body, "http", "prop"));

        assertThat(records).hasSize(elements.size());
        for (int i = 0; i < records.size(); i++) {
            assertThat(records.get(i).source().row()).isEqualTo(i + 1L);
        }
    }

    @Provide
    Arbitrary<String> jsonLikeText() {
        Arbitrary<String> random = Arbitraries.strings().withChars("{}[]\":,0123456789.-+eE \n\\tnulrsfab")
                .ofMaxLength(200);
        Arbitrary<String> deep = Arbitraries.integers().between(1, 20_000).flatMap(n -> Arbitraries.of(
                "[".repeat(n) + "]".repeat(n), "[".repeat(n), "{\"a\":".repeat(n) + "1" + "}".repeat(n),
                "[{\"provider\":\"oneflow\",\"name\":" + "[".repeat(n) + "]".repeat(n) + "}]"));
        Arbitrary<String> mutated = jsonElements().map(e -> "[" + String.join(",", e) + "]")
                .flatMap(s -> Combinators.combine(Arbitraries.integers().between(0, s.length()),
                        Arbitraries.of("", "\"", "{", "]", ",", ":", "\\", "\u0000"))
                        .as((at, ins) -> s.substring(0, at) + ins + s.substring(Math.min(s.length(), at + 1))));
        return Arbitraries.oneOf(random, deep, mutated);
    }

    @Provide
    Arbitrary<List<String>> jsonElements() {
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.strings().withChars("ab\"\\ ,é").ofMaxLength(10)
                        .map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.of("true", "false", "null", "[]", "{}", "[[1,[2]]]", "{\"x\":{\"y\":[1]}}"),
                Arbitraries.integers().between(1, 30).map(n -> "[".repeat(n) + "]".repeat(n)),
                Arbitraries.integers().between(10_001, 30_000).map(n -> "\"" + "v".repeat(n) + "\""));
        Arbitrary<String> name = Arbitraries.of("provider", "connection", "contract_id", "name", "email", "Name",
                "e-mail", "", "x y");
        Arbitrary<String> object = Combinators.combine(name, value).as((n, v) -> "\"" + n + "\":" + v).list()
                .ofMaxSize(6).map(fields -> "{" + String.join(",", fields) + "}");
        return Arbitraries.frequencyOf(Tuple.of(4, object), Tuple.of(1, value)).list().ofMaxSize(12);
    }

    private static byte[] toBytes(List<Byte> list) {
        byte[] out = new byte[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
