package io.participantsync.state;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;

/** A batch report's fields before its {@code rows} array (which comes last), parsed from the start of its text. */
final class ReportHead {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportHead() {
    }

    /**
     * The fields of the report {@code text} begins with, up to {@code rows} or its end; empty when the text ends
     * (it may be the first part of a report only) or breaks before either.
     */
    static Optional<ObjectNode> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        ObjectNode head = JSON.createObjectNode();
        try (JsonParser p = JSON.getFactory().createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    return Optional.empty();
                }
                String name = p.currentName();
                if ("rows".equals(name)) {
                    return Optional.of(head);
                }
                p.nextToken();
                head.set(name, JSON.readTree(p));
            }
            return Optional.of(head);
        } catch (IOException | RuntimeException cutOrBroken) {
            return Optional.empty();
        }
    }
}
