-- participant-sync state store (H2 and PostgreSQL 15+): batch history, HTTP idempotency keys,
-- change detection for scheduled sync jobs, and the lock that keeps a job on one instance at a time.

CREATE TABLE batch (
    batch_id     VARCHAR(100) PRIMARY KEY,
    source_kind  VARCHAR(40)  NOT NULL,
    source_name  VARCHAR(500) NOT NULL,
    job_name     VARCHAR(200),
    status       VARCHAR(20)  NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at  TIMESTAMP WITH TIME ZONE,
    received     BIGINT NOT NULL DEFAULT 0,
    updated      BIGINT NOT NULL DEFAULT 0,
    unchanged    BIGINT NOT NULL DEFAULT 0,
    rejected     BIGINT NOT NULL DEFAULT 0,
    failed       BIGINT NOT NULL DEFAULT 0,
    report_json  VARCHAR
);
CREATE INDEX batch_job_started ON batch (job_name, started_at);

CREATE TABLE idempotency_key (
    idem_key     VARCHAR(300) PRIMARY KEY,
    body_sha256  VARCHAR(64)  NOT NULL,
    batch_id     VARCHAR(100) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE sync_state (
    connection_name VARCHAR(200) NOT NULL,
    locator_key     VARCHAR(1000) NOT NULL,
    fields_hash     VARCHAR(64)  NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (connection_name, locator_key)
);

CREATE TABLE job_lock (
    job_name     VARCHAR(200) PRIMARY KEY,
    owner        VARCHAR(200) NOT NULL,
    locked_until TIMESTAMP WITH TIME ZONE NOT NULL
);
