package io.participantsync.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.state.StoredBatch;
import java.util.Optional;
import org.apache.camel.Exchange;

/**
 * The sync-job endpoints of the HTTP API (the {@code syncJobApi} bean of {@code routes/api-sync-jobs.camel.yaml}):
 * {@code POST /api/v1/sync-jobs/{name}/runs} starts a run (202 with its batch id; 409 when another run holds the
 * job's lock) and {@code GET /api/v1/sync-jobs/{name}/runs} lists the job's runs, newest first. An unknown job is a
 * 404; errors are {@code application/problem+json} (RFC 9457).
 */
public final class SyncJobApi {

    /** Header platform-http sets from the {@code {name}} path parameter. */
    public static final String NAME_HEADER = "name";
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SyncJobRunner runner;

    public SyncJobApi(SyncJobRunner runner) {
        this.runner = runner;
    }

    /** {@code POST .../runs}. */
    public void startRun(Exchange exchange) {
        String name = exchange.getIn().getHeader(NAME_HEADER, String.class);
        if (unknown(exchange, name)) {
            return;
        }
        Optional<String> batchId = runner.start(name);
        if (batchId.isEmpty()) {
            problem(exchange, 409, "Conflict", "sync job '" + name + "' is running (another run holds its lock)");
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("job", name);
        body.put("batch_id", batchId.get());
        body.put("status_url", "/api/v1/batches/" + batchId.get());
        body.put("runs_url", "/api/v1/sync-jobs/" + name + "/runs");
        reply(exchange, 202, "application/json", body);
    }

    /** {@code GET .../runs[?limit=N]}. */
    public void listRuns(Exchange exchange) {
        String name = exchange.getIn().getHeader(NAME_HEADER, String.class);
        if (unknown(exchange, name)) {
            return;
        }
        int limit = DEFAULT_LIMIT;
        String limitValue = exchange.getIn().getHeader("limit", String.class);
        if (limitValue != null) {
            try {
                limit = Integer.parseInt(limitValue.trim());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                problem(exchange, 400, "Bad Request", "limit must be an integer from 1 to " + MAX_LIMIT);
                return;
            }
        }
        ArrayNode runs = JSON.createArrayNode();
        for (StoredBatch b : runner.store().jobRuns(name, limit)) {
            ObjectNode run = runs.addObject();
            run.put("batch_id", b.batchId());
            run.put("status", b.status());
            if (StoredBatch.FAILED.equals(b.status())) {
                run.put("failure", failure(b));
            }
            run.put("started_at", b.startedAt().toString());
            run.put("finished_at", b.finishedAt() == null ? null : b.finishedAt().toString());
            ObjectNode counts = run.putObject("counts");
            counts.put("received", b.received());
            counts.put("updated", b.updated());
            counts.put("unchanged", b.unchanged());
            counts.put("rejected", b.rejected());
            counts.put("failed", b.failed());
            run.put("report_url", "/api/v1/batches/" + b.batchId());
        }
        reply(exchange, 200, "application/json", runs);
    }

    /** Why a failed run's source could not be read, from its stored report. */
    private static String failure(StoredBatch b) {
        if (b.reportJson() == null) {
            return null;
        }
        try {
            return JSON.readTree(b.reportJson()).path("failure").asText(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private boolean unknown(Exchange exchange, String name) {
        if (name != null && runner.jobs().find(name).isPresent()) {
            return false;
        }
        problem(exchange, 404, "Not Found", "no sync job named '" + name + "' (configured: "
                + (runner.jobs().isEmpty() ? "none" : String.join(", ", runner.jobs().names())) + ")");
        return true;
    }

    private static void problem(Exchange exchange, int status, String title, String detail) {
        ObjectNode p = JSON.createObjectNode();
        p.put("type", "about:blank");
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        p.put("instance", exchange.getIn().getHeader(Exchange.HTTP_URI, String.class));
        reply(exchange, status, "application/problem+json", p);
    }

    private static void reply(Exchange exchange, int status, String contentType, Object body) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
        try {
            exchange.getMessage().setBody(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
