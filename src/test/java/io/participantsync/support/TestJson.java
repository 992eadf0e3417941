package io.participantsync.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Test helper: JSON trees from text and from the expected-JSON files under {@code src/test/resources/providers/},
 * so tests compare JSON as trees without each one carrying its own mapper and resource reader.
 */
public final class TestJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TestJson() {
    }

    /** The text as a JSON tree; malformed JSON fails the test with the parser's message. */
    public static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON file {@code /providers/<provider>/<file>} on the test class path; a missing file fails the test. */
    public static JsonNode providerFile(String provider, String file) {
        String path = "/providers/" + provider + "/" + file;
        try (InputStream in = TestJson.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
