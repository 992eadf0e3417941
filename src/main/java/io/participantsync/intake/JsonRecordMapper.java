package io.participantsync.intake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import io.participantsync.model.CanonicalFields;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.model.Source;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a JSON body (one object, or an array of objects, with canonical field names plus {@code provider} and
 * {@code connection}) into canonical records, for every JSON input (queues, HTTP). Values may be strings, numbers
 * (kept as written) or booleans; {@code null} or blank means "leave unchanged". Field names match like CSV headers
 * (case-insensitive, spaces and hyphens as '_'). A bad element (not an object, a nested value, a field given twice)
 * becomes a record that carries the {@link Problem}, so it is rejected rather than lost; a body that is not JSON at
 * all throws {@link JsonInputException} before any record is handed out.
 */
public final class JsonRecordMapper {

    /** "Unrecognized token 'abc'": the token may be a personal number written without quotes. */
    private static final Pattern QUOTED_TOKEN = Pattern.compile("token '[^']*'");

    /**
     * Deepest nesting read: a record is one level, an array of records two; anything deeper is skipped as a bad
     * value, and a body nested past this (10,000 levels was seen) is refused as a whole instead of walked.
     */
    static final int MAX_NESTING_DEPTH = 64;

    private final JsonFactory factory = JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .build();

    /** Maps a whole body; {@code receivedAt} is now. */
    public List<ParticipantUpdate> map(String json, String sourceKind, String sourceName) {
        return map(new StringReader(json == null ? "" : json), sourceKind, sourceName, Instant.now());
    }

    /**
     * Maps a whole body read from {@code json} (not closed). Records are numbered from 1 in array order (a single
     * object is row 1); each record's correlation id is {@code <sourceName>#<row>}.
     *
     * @throws JsonInputException when the body is not JSON, is empty, or its top level is not an object or array
     */
    public List<ParticipantUpdate> map(Reader json, String sourceKind, String sourceName, Instant receivedAt) {
        List<ParticipantUpdate> records = new ArrayList<>();
        try (JsonParser parser = factory.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new JsonInputException("the body is empty: expected a JSON object or an array of objects",
                        1, 1);
            }
            if (first == JsonToken.START_OBJECT) {
                records.add(readObject(parser, new Context(sourceKind, sourceName, receivedAt, 1)));
            } else if (first == JsonToken.START_ARRAY) {
                long row = 0;
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    if (t == null) {
                        throw endOfInput(parser);
                    }
                    row++;
                    Context ctx = new Context(sourceKind, sourceName, receivedAt, row);
                    if (t == JsonToken.START_OBJECT) {
                        records.add(readObject(parser, ctx));
                    } else {
                        parser.skipChildren();
                        records.add(ctx.update(null, null, Map.of(), List.of(Problem.of(null,
                                "element " + row + " is not a JSON object but " + describe(t)))));
                    }
                }
            } else {
                JsonLocation at = parser.currentTokenLocation();
                throw new JsonInputException("expected a JSON object or an array of objects at line "
                        + at.getLineNr() + ", column " + at.getColumnNr() + " but found " + describe(first),
                        at.getLineNr(), at.getColumnNr());
            }
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                JsonLocation at = parser.currentTokenLocation();
                throw new JsonInputException("malformed JSON at line " + at.getLineNr() + ", column "
                        + at.getColumnNr() + ": unexpected content after the end of the top-level value",
                        at.getLineNr(), at.getColumnNr());
            }
        } catch (StreamReadException e) {
            throw malformed(e);
        } catch (StreamConstraintsException e) {
            throw tooLarge(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the JSON body of " + sourceName, e);
        }
        return records;
    }

    private ParticipantUpdate readObject(JsonParser parser, Context ctx) throws IOException {
        String provider = null;
        String connection = null;
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            if (t == null) {
                throw endOfInput(parser);
            }
            String name = CsvOptions.normaliseHeader(parser.currentName());
            if (name.isEmpty()) {
                name = "(empty name)";
            }
            JsonToken valueToken = parser.nextToken();
            String value = null;
            if (valueToken == JsonToken.START_OBJECT || valueToken == JsonToken.START_ARRAY) {
                parser.skipChildren();
                problems.add(Problem.of(name, "must be a string, number or boolean, not " + describe(valueToken)));
            } else if (valueToken != JsonToken.VALUE_NULL) {
                value = parser.getText();
            }
            if (seen.merge(name, 1, Integer::sum) == 2) {
                problems.add(Problem.of(name, "appears more than once in the record"));
            }
            if (value == null) {
                continue;
            }
            if (CanonicalFields.PROVIDER.equals(name)) {
                provider = provider == null || provider.isBlank() ? value : provider;
            } else if (CanonicalFields.CONNECTION.equals(name)) {
                connection = connection == null || connection.isBlank() ? value : connection;
            } else {
                // an unknown name stays in the record: the provider's validation rejects it by name
                fields.merge(name, value, (old, now) -> old.isBlank() ? now : old);
            }
        }
        return ctx.update(provider, connection, fields, problems);
    }

    private static JsonInputException endOfInput(JsonParser parser) {
        JsonLocation at = parser.currentLocation();
        return new JsonInputException("malformed JSON at line " + at.getLineNr() + ", column " + at.getColumnNr()
                + ": the body ends before the JSON is complete", at.getLineNr(), at.getColumnNr());
    }

    private static JsonInputException malformed(StreamReadException e) {
        JsonLocation at = e.getLocation();
        long line = at == null ? -1 : at.getLineNr();
        long column = at == null ? -1 : at.getColumnNr();
        String reason = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage();
        reason = QUOTED_TOKEN.matcher(reason).replaceAll("token");
        int newline = reason.indexOf('\n');
        if (newline > 0) {
            reason = reason.substring(0, newline);
        }
        String where = at == null ? "" : " at line " + line + ", column " + column;
        // the cause is not kept: its message may quote the input
        return new JsonInputException("malformed JSON" + where + ": " + reason, line, column);
    }

    /** A body past one of the parser's limits (nesting depth, length of a number, a string or a name). */
    private static JsonInputException tooLarge(StreamConstraintsException e) {
        JsonLocation at = e.getLocation();
        long line = at == null ? -1 : at.getLineNr();
        long column = at == null ? -1 : at.getColumnNr();
        String where = at == null ? "" : " at line " + line + ", column " + column;
        String original = String.valueOf(e.getOriginalMessage());
        String reason = original.contains("nesting depth")
                ? "nested deeper than " + MAX_NESTING_DEPTH + " levels (a record is an object of plain values)"
                : original.replaceAll("\\s*\\(.*", "");
        // the cause is not kept: its message may quote the input
        return new JsonInputException("JSON too large" + where + ": " + reason, line, column);
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase(Locale.ROOT);
        };
    }

    /** Where one record came from. */
    private record Context(String kind, String name, Instant receivedAt, long row) {

        ParticipantUpdate update(String provider, String connection, Map<String, String> fields,
                List<Problem> problems) {
            Source source = new Source(kind, name, row, receivedAt, name + "#" + row, null, null);
            return new ParticipantUpdate(provider, connection, fields, source, problems);
        }
    }
}
