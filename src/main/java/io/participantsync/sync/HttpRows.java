package io.participantsync.sync;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.participantsync.core.RecordSource;
import io.participantsync.http.HttpResponse;
import io.participantsync.http.HttpTransport;
import io.participantsync.intake.CsvRecordReader;
import io.participantsync.intake.RecordStream;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.state.BatchHistory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * An HTTP sync source: one GET (camel-http, with the job's auth header) whose answer is CSV (the CSV drop's format
 * and reader) or a JSON array of objects with canonical (or mapped) keys; the format is the job's {@code format},
 * else the answer's Content-Type. Any status but 2xx makes the run empty with a note.
 */
final class HttpRows {

    private static final JsonFactory JSON = new JsonFactory();

    private HttpRows() {
    }

    static RecordSource open(SyncJob job, RowMapper mapper, HttpTransport http) throws SourceException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "text/csv, application/json;q=0.9");
        if (job.authHeader() != null) {
            headers.put(job.authHeaderName(), job.authHeaderValue());
        }
        String where = "GET " + withoutQuery(job.url());
        HttpResponse response;
        try {
            response = http.send("GET", job.url(), headers, null);
        } catch (IOException e) {
            throw new SourceException(where + " failed: " + job.mask(e.getMessage()));
        }
        if (response.status() < 200 || response.status() > 299) {
            throw new SourceException(where + " answered HTTP " + response.status());
        }
        String format = job.format() != null ? job.format() : formatOf(response.header("Content-Type"), where, job);
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        if (format.equals("json")) {
            return jsonRecords(body, mapper);
        }
        try {
            RecordStream csv = new CsvRecordReader(job.mapping()).open(new ByteArrayInputStream(body), job.name(),
                    BatchHistory.SYNC_JOB);
            return new Mapped(csv, mapper);
        } catch (IOException e) {
            throw new SourceException(where + ": cannot read the CSV answer: " + e.getMessage());
        }
    }

    private static String formatOf(String contentType, String where, SyncJob job) throws SourceException {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.contains("json")) {
            return "json";
        }
        if (type.contains("csv") || type.startsWith("text/plain")) {
            return "csv";
        }
        throw new SourceException(where + " answered Content-Type '" + contentType + "': set sync-jobs." + job.name()
                + ".format to csv or json");
    }

    private static String withoutQuery(String url) {
        URI u = URI.create(url);
        return u.getScheme() + "://" + u.getRawAuthority() + (u.getRawPath() == null ? "" : u.getRawPath());
    }

    /**
     * A JSON array of flat objects as records: scalar values as text, {@code null} as blank; an element that is not
     * an object, or a nested value, makes that record rejected. A minimal mapping of this job's own (the HTTP API's
     * JSON intake maps the same shape).
     */
    static RecordSource jsonRecords(byte[] body, RowMapper mapper) {
        List<ParticipantUpdate> records = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                notes.add("the JSON answer is not an array");
                records.add(mapper.map(1, List.of(), List.of(), List.of(Problem.of(null,
                        "the JSON answer is not an array of objects"))));
                return RecordSource.of(records, notes);
            }
            long row = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                row++;
                if (t != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    records.add(mapper.map(row, List.of(), List.of(), List.of(Problem.of(null,
                            "element " + row + " is not a JSON object"))));
                    continue;
                }
                List<String> columns = new ArrayList<>();
                List<String> values = new ArrayList<>();
                List<Problem> problems = new ArrayList<>();
                for (JsonToken f = p.nextToken(); f != JsonToken.END_OBJECT; f = p.nextToken()) {
                    String key = p.currentName();
                    JsonToken v = p.nextToken();
                    if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                        p.skipChildren();
                        problems.add(Problem.of(key, "nested JSON values are not supported"));
                        continue;
                    }
                    columns.add(key);
                    values.add(v == JsonToken.VALUE_NULL ? null : p.getText());
                }
                records.add(mapper.map(row, columns, values, problems));
            }
        } catch (IOException e) {
            String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            notes.add("parsing stopped: " + reason);
            records.add(mapper.map(records.size() + 1L, List.of(), List.of(), List.of(Problem.of(null,
                    "cannot parse JSON: " + reason))));
        }
        return RecordSource.of(records, notes);
    }

    /** The CSV reader's records with the job's defaults and source. */
    private static final class Mapped implements RecordSource {
        private final RecordStream csv;
        private final RowMapper mapper;

        Mapped(RecordStream csv, RowMapper mapper) {
            this.csv = csv;
            this.mapper = mapper;
        }

        @Override
        public boolean hasNext() {
            return csv.hasNext();
        }

        @Override
        public ParticipantUpdate next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ParticipantUpdate u = csv.next();
            return mapper.withDefaults(u, u.source().row());
        }

        @Override
        public List<String> notes() {
            return csv.notes();
        }

        @Override
        public void close() {
            csv.close();
        }
    }
}
