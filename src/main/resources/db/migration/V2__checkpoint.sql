-- Crash safety: the one outcome of every record, by source and row, written right after the outcome is final.
-- A source is a CSV file's content (csv:<sha256>), a `sync` run's file (sync:<sha256>), an HTTP batch
-- (http:<batch id>), a queue message (jms:<message id>, kafka:<topic-partition-offset>@<timestamp>) or a replayed
-- dead letter (replay:<sha256>). Rows of a source that has a checkpoint are not sent again after a restart: their
-- outcome is re-emitted. Holds no field values, only ids, outcomes and (redacted) messages.

CREATE TABLE checkpoint (
    source_id        VARCHAR(300)  NOT NULL,
    row_no           BIGINT        NOT NULL,
    outcome          VARCHAR(20)   NOT NULL,
    connection_name  VARCHAR(200),
    error_category   VARCHAR(40),
    message          VARCHAR(4000),
    http_status      INTEGER,
    provider_code    VARCHAR(200),
    provider_message VARCHAR(4000),
    attempts         INTEGER       NOT NULL,
    dead_letter      VARCHAR(1000),
    batch_id         VARCHAR(100),
    recorded_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (source_id, row_no)
);
CREATE INDEX checkpoint_recorded ON checkpoint (recorded_at);
