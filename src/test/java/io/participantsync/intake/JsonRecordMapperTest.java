package io.participantsync.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON bodies to canonical records: shapes, value types, per-record problems and whole-body parse errors. */
class JsonRecordMapperTest {

    private final JsonRecordMapper mapper = new JsonRecordMapper();

    @Test
    void givenOneObject_whenMapped_thenOneRecordWithRoutingAndFieldsAndSource() {
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        List<ParticipantUpdate> records = mapper.map(new StringReader("""
                {"provider": "Oneflow", "connection": "oneflow-sales", "contract_id": "100101",
                 "party_id": 200101, "participant_id": 300101, "email": "asa@example.com"}
                """), "jms", "ID:abc", at);

        assertThat(records).hasSize(1);
        ParticipantUpdate u = records.get(0);
        assertThat(u.provider()).isEqualTo("oneflow");
        assertThat(u.connection()).isEqualTo("oneflow-sales");
        assertThat(u.fields()).containsExactly(Map.entry("contract_id", "100101"), Map.entry("party_id", "200101"),
                Map.entry("participant_id", "300101"), Map.entry("email", "asa@example.com"));
        assertThat(u.problems()).isEmpty();
        assertThat(u.source().kind()).isEqualTo("jms");
        assertThat(u.source().name()).isEqualTo("ID:abc");
        assertThat(u.source().row()).isEqualTo(1);
        assertThat(u.source().receivedAt()).isEqualTo(at);
        assertThat(u.source().correlationId()).isEqualTo("ID:abc#1");
        assertThat(u.source().header()).isEmpty();
        assertThat(u.source().values()).isEmpty();
    }

    @Test
    void givenArray_whenMapped_thenRowsNumberedFromOneInOrder() {
        List<ParticipantUpdate> records = mapper.map("""
                [{"provider":"zigned","agreement_id":"a1","participant_id":"p1","name":"One"},
                 {"provider":"zoho","organization":"Org","current_email":"x@example.com","name":"Two"},
                 {"provider":"eviasign","request_id":"r","current_email":"y@example.com","name":"Three"}]
                """, "kafka", "participant-updates-0-17");

        assertThat(records).extracting(r -> r.source().row()).containsExactly(1L, 2L, 3L);
        assertThat(records).extracting(r -> r.get("name")).containsExactly("One", "Two", "Three");
        assertThat(records).extracting(ParticipantUpdate::provider).containsExactly("zigned", "zoho", "eviasign");
        assertThat(records.get(2).source().correlationId()).isEqualTo("participant-updates-0-17#3");
    }

    @Test
    void givenNumbersAndBooleans_whenMapped_thenCanonicalStringsAsWritten() {
        ParticipantUpdate u = mapper.map("""
                {"provider":"oneflow","contract_id":100101,"signatory":true,"can_update_contract":false,
                 "signing_order":2,"otp_type":1.50,"big":123456789012345678901234567890}
                """, "http", "req-1").get(0);

        assertThat(u.fields()).containsEntry("contract_id", "100101").containsEntry("signatory", "true")
                .containsEntry("can_update_contract", "false").containsEntry("signing_order", "2")
                .containsEntry("otp_type", "1.50").containsEntry("big", "123456789012345678901234567890");
    }

    @Test
    void givenNullAndBlankValues_whenMapped_thenFieldsLeftOut() {
        ParticipantUpdate u = mapper.map("""
                {"provider":"oneflow","connection":null,"contract_id":"1","name":null,"email":"  ","title":""}
                """, "jms", "m").get(0);

        assertThat(u.connection()).isNull();
        assertThat(u.fields()).containsOnlyKeys("contract_id");
        assertThat(u.problems()).isEmpty();
    }

    @Test
    void givenFieldNamesInOtherSpelling_whenMapped_thenNormalisedLikeCsvHeaders() {
        ParticipantUpdate u = mapper.map("""
                {"Provider":"Zoho","Current Email":"a@example.com","ORGANIZATION":"Org","phone-number":"+46"}
                """, "jms", "m").get(0);

        assertThat(u.provider()).isEqualTo("zoho");
        assertThat(u.fields()).containsOnlyKeys("current_email", "organization", "phone_number");
    }

    @Test
    void givenUnknownField_whenMapped_thenKeptSoValidationRejectsItByName() {
        ParticipantUpdate u = mapper.map("{\"provider\":\"zigned\",\"favourite_colour\":\"red\"}", "jms", "m")
                .get(0);

        assertThat(u.fields()).containsEntry("favourite_colour", "red");
    }

    @Test
    void givenNonObjectElements_whenMapped_thenEachBecomesRecordWithProblemAndOthersStayIntact() {
        List<ParticipantUpdate> records = mapper.map("""
                [{"provider":"zigned","name":"ok"}, "text", 42, [1,2], null, {"provider":"zoho"}]
                """, "jms", "m");

        assertThat(records).hasSize(6);
        assertThat(records.get(0).problems()).isEmpty();
        assertThat(records.get(1).problems()).containsExactly(
                Problem.of(null, "element 2 is not a JSON object but a string"));
        assertThat(records.get(2).problems()).containsExactly(
                Problem.of(null, "element 3 is not a JSON object but a number"));
        assertThat(records.get(3).problems()).containsExactly(
                Problem.of(null, "element 4 is not a JSON object but an array"));
        assertThat(records.get(4).problems()).containsExactly(
                Problem.of(null, "element 5 is not a JSON object but null"));
        assertThat(records.get(5).provider()).isEqualTo("zoho");
        assertThat(records.get(5).source().row()).isEqualTo(6);
    }

    @Test
    void givenNestedValue_whenMapped_thenProblemNamesFieldAndRestIsRead() {
        ParticipantUpdate u = mapper.map("""
                {"provider":"oneflow","name":{"first":"Åsa"},"email":["a@example.com"],"title":"CEO"}
                """, "jms", "m").get(0);

        assertThat(u.problems()).containsExactly(
                Problem.of("name", "must be a string, number or boolean, not an object"),
                Problem.of("email", "must be a string, number or boolean, not an array"));
        assertThat(u.fields()).containsOnlyKeys("title");
    }

    @Test
    void givenSameFieldTwice_whenMapped_thenRecordCarriesProblem() {
        ParticipantUpdate u = mapper.map("{\"provider\":\"zoho\",\"email\":\"a@x.com\",\"Email\":\"b@x.com\"}",
                "jms", "m").get(0);

        assertThat(u.problems()).containsExactly(Problem.of("email", "appears more than once in the record"));
        assertThat(u.get("email")).isEqualTo("a@x.com");
    }

    @Test
    void givenEmptyArray_whenMapped_thenNoRecords() {
        assertThat(mapper.map(" [ ] ", "jms", "m")).isEmpty();
    }

    @Test
    void givenMalformedJson_whenMapped_thenExceptionNamesLineAndColumn() {
        assertThatThrownBy(() -> mapper.map("[\n  {\"provider\": \"zoho\",\n   \"name\" \"x\"}\n]", "jms", "m"))
                .isInstanceOf(JsonInputException.class)
                .hasMessageStartingWith("malformed JSON at line 3, column 11: ")
                .satisfies(e -> {
                    assertThat(((JsonInputException) e).line()).isEqualTo(3);
                    assertThat(((JsonInputException) e).column()).isEqualTo(11);
                });
    }

    @Test
    void givenTruncatedJson_whenMapped_thenExceptionSaysItEndsEarly() {
        assertThatThrownBy(() -> mapper.map("[{\"provider\":\"zoho\"}, {\"name\":\"x\"", "jms", "m"))
                .isInstanceOf(JsonInputException.class)
                .hasMessageContaining("malformed JSON at line 1");
    }

    @Test
    void givenUnquotedPersonalNumber_whenMalformed_thenMessageDoesNotQuoteIt() {
        assertThatThrownBy(() -> mapper.map("{\"identification_number\": 19800101x1234}", "jms", "m"))
                .isInstanceOf(JsonInputException.class)
                .hasMessageStartingWith("malformed JSON at line 1")
                .hasMessageNotContaining("19800101")
                .hasMessageNotContaining("x1234");
    }

    @Test
    void givenEmptyOrBlankBody_whenMapped_thenExceptionSaysEmpty() {
        assertThatThrownBy(() -> mapper.map("   \n", "jms", "m")).isInstanceOf(JsonInputException.class)
                .hasMessage("the body is empty: expected a JSON object or an array of objects");
        assertThatThrownBy(() -> mapper.map((String) null, "jms", "m")).isInstanceOf(JsonInputException.class);
    }

    @Test
    void givenScalarTopLevel_whenMapped_thenExceptionNamesWhatWasFound() {
        assertThatThrownBy(() -> mapper.map("\"hello\"", "jms", "m")).isInstanceOf(JsonInputException.class)
                .hasMessage("expected a JSON object or an array of objects at line 1, column 1 but found a string");
    }

    @Test
    void givenTrailingContent_whenMapped_thenException() {
        assertThatThrownBy(() -> mapper.map("{\"provider\":\"zoho\"} {\"provider\":\"zoho\"}", "jms", "m"))
                .isInstanceOf(JsonInputException.class)
                .hasMessage("malformed JSON at line 1, column 21: unexpected content after the end of the "
                        + "top-level value");
    }

    @Test
    void givenSensitiveValue_whenMapped_thenKeptInFieldsButNotInToString() {
        ParticipantUpdate u = mapper.map("{\"provider\":\"zigned\",\"identification_number\":\"198001011234\"}",
                "jms", "m").get(0);

        assertThat(u.get("identification_number")).isEqualTo("198001011234");
        assertThat(u.toString()).doesNotContain("198001011234");
    }
    @Test
    void givenBodyNestedTenThousandLevels_whenMapped_thenRefusedAsMalformedInputNamingTheDepth() {
        String deepArray = "[".repeat(10_000) + "]".repeat(10_000);
        String deepInRecord = "[{\"provider\": \"oneflow\", \"name\": " + "[".repeat(10_000) + "]".repeat(10_000)
                + "}]";

        for (String body : List.of(deepArray, deepInRecord)) {
            assertThatThrownBy(() -> mapper.map(body, "http", "req-1"))
                    .isInstanceOf(JsonInputException.class)
                    .hasMessage("JSON too large: nested deeper than " + JsonRecordMapper.MAX_NESTING_DEPTH
                            + " levels (a record is an object of plain values)");
        }
    }

    @Test
    void givenValueNestedAFewLevels_whenMapped_thenOnlyThatRecordCarriesAProblem() {
        List<ParticipantUpdate> records = mapper.map("[{\"provider\": \"oneflow\", \"name\": [[[{\"a\": [1]}]]]},"
                + " {\"provider\": \"oneflow\", \"name\": \"Bo\"}]", "http", "req-2");

        assertThat(records).hasSize(2);
        assertThat(records.get(0).problems()).extracting(Problem::field).containsExactly("name");
        assertThat(records.get(1).problems()).isEmpty();
    }
}
