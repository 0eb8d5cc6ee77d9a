-- 0001_initial: definitions, instances, jobs, user tasks, messages, incidents, audit, outbox.
--
-- Keys shown to users (definitions, instances, jobs, tasks, incidents, messages) come from one
-- sequence, as int64 (CONTRACTS §1). Rows of an instance also keep the runtime's own key
-- ('elem': the element instance, timer, subscription or incident key inside the instance), which
-- is what the runtime's events name. JSON is kept as text: it is written and read by Ordo only,
-- and text keeps the exact bytes (the audit hashes them). Foreign keys to instances are checked
-- at commit, so that a step may write an instance's rows in any order.

CREATE SEQUENCE ordo_key_seq CACHE 20;

CREATE TABLE definition (
    key            bigint PRIMARY KEY DEFAULT nextval('ordo_key_seq'),
    process_id     text NOT NULL,
    version        integer NOT NULL,
    name           text,
    resource       text NOT NULL,
    xml            text NOT NULL,
    hash           text NOT NULL,           -- SHA-256 of xml, hex: an unchanged file is no new version
    findings       text NOT NULL DEFAULT '[]',
    suspended      boolean NOT NULL DEFAULT false,
    retention_days integer CHECK (retention_days > 0), -- NULL: finished instances are kept
    deployed_by    text NOT NULL,
    deployed_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (process_id, version)
);

CREATE TABLE instance (
    key            bigint PRIMARY KEY DEFAULT nextval('ordo_key_seq'),
    definition_key bigint NOT NULL REFERENCES definition,
    process_id     text NOT NULL,
    business_key   text,
    status         text NOT NULL
                   CHECK (status IN ('active', 'completed', 'terminated', 'canceled', 'error')),
    suspended      boolean NOT NULL DEFAULT false,
    parent_key     bigint,                  -- the calling instance (call activity)
    parent_elem    bigint,                  -- the call activity's element key in the parent
    state          text NOT NULL,           -- the runtime's snapshot (docs/engine.md)
    steps          bigint NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    ended_at       timestamptz
);
CREATE INDEX instance_definition ON instance (definition_key);
CREATE INDEX instance_parent ON instance (parent_key) WHERE parent_key IS NOT NULL;
CREATE INDEX instance_ended ON instance (ended_at) WHERE ended_at IS NOT NULL;

-- Jobs: connector calls ('work'), and the engine's own deferred work: timers of instances,
-- timer start events, results of called instances for their caller, cancellations and messages
-- thrown by end events. An executor takes due rows with FOR UPDATE SKIP LOCKED and pushes due_at
-- to the end of its lease, so a job whose node died is due again when the lease runs out.
CREATE TABLE job (
    key            bigint PRIMARY KEY DEFAULT nextval('ordo_key_seq'),
    kind           text NOT NULL
                   CHECK (kind IN ('work', 'timer', 'start_timer', 'call_done', 'cancel', 'publish')),
    instance_key   bigint REFERENCES instance ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    definition_key bigint REFERENCES definition ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    elem           bigint NOT NULL DEFAULT 0,
    element_id     text NOT NULL DEFAULT '',
    type           text NOT NULL DEFAULT '', -- work: the job type (CONTRACTS §1)
    due_at         timestamptz NOT NULL,
    retries        integer NOT NULL DEFAULT 0, -- attempts allowed (work)
    attempts       integer NOT NULL DEFAULT 0, -- attempts begun, committed before each call
    lock_owner     text,
    locked_at      timestamptz,
    payload        text,                     -- work: input variables; others: what to deliver
    last_error     text,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX job_instance_elem ON job (instance_key, kind, elem)
    WHERE instance_key IS NOT NULL AND kind IN ('work', 'timer');
CREATE UNIQUE INDEX job_start_timer ON job (definition_key, element_id) WHERE kind = 'start_timer';
CREATE INDEX job_work_due ON job (type, due_at) WHERE kind = 'work';
CREATE INDEX job_engine_due ON job (due_at) WHERE kind <> 'work';

CREATE TABLE user_task (
    key              bigint PRIMARY KEY DEFAULT nextval('ordo_key_seq'),
    instance_key     bigint NOT NULL REFERENCES instance ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    elem             bigint NOT NULL,
    element_id       text NOT NULL,
    name             text,
    assignee         text,
    candidate_groups text,                 -- JSON array of group names
    due_at           timestamptz,
    state            text NOT NULL CHECK (state IN ('created', 'completed', 'canceled')),
    completed_by     text,
    result           text,                 -- the variables it was completed with
    created_at       timestamptz NOT NULL DEFAULT now(),
    ended_at         timestamptz,
    UNIQUE (instance_key, elem)
);
CREATE INDEX user_task_open ON user_task (assignee) WHERE state = 'created';

CREATE TABLE message_subscription (
    key             bigint PRIMARY KEY DEFAULT nextval('ordo_key_seq'),
    instance_key    bigint NOT NULL REFERENCES instance ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    elem            bigint NOT NULL,
    element_id      text NOT NULL,
    name            text NOT NULL,
    correlation_key text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (instance_key, elem)
);
CREATE INDEX message_subscription_match ON message_subscription (name, correlation_key);

-- Message and timer start events of the newest version of each process (CONTRACTS §12).
CREATE TABLE start_subscription (
    definition_key bigint NOT NULL REFERENCES definition ON DELETE CASCADE,
    process_id     text NOT NULL,
    element_id     text NOT NULL,
    message_name   text NOT NULL,
    PRIMARY KEY (definition_key, element_id)
);
CREATE INDEX start_subscription_name ON start_subscription (message_name);

-- Published messages, buffered until their TTL ends. A row stays until it expires, so that a
-- repeated message id within the TTL is recognised and ignored.
CREATE TABLE message (
    key             bigint PRIMARY KEY DEFAULT nextval('ordo_key_seq'),
    name            text NOT NULL,
    correlation_key text NOT NULL DEFAULT '',
    message_id      text,
    payload         text NOT NULL DEFAULT '{}',
    published_at    timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    correlated_at   timestamptz
);
CREATE UNIQUE INDEX message_id_once ON message (name, correlation_key, message_id)
    WHERE message_id IS NOT NULL;
CREATE INDEX message_buffered ON message (name, correlation_key, key) WHERE correlated_at IS NULL;
CREATE INDEX message_expiry ON message (expires_at);

CREATE TABLE incident (
    key          bigint PRIMARY KEY DEFAULT nextval('ordo_key_seq'),
    instance_key bigint NOT NULL REFERENCES instance ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    elem         bigint NOT NULL,
    element_id   text NOT NULL,
    reason       text NOT NULL,
    job_key      bigint,
    state        text NOT NULL CHECK (state IN ('open', 'resolved')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    resolved_at  timestamptz,
    UNIQUE (instance_key, elem)
);
CREATE INDEX incident_open ON incident (created_at) WHERE state = 'open';

-- The audit log: one row per fact, never changed. 'tx' orders the chain: the sealer hashes rows
-- whose transaction is finished (below the oldest running transaction id) in (tx, seq) order, so
-- concurrent steps never wait for each other to write audit rows. Times are integers (ms since
-- the epoch) and payloads the exact JSON bytes Ordo wrote, so the hash does not depend on any
-- session setting.
CREATE TABLE audit (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tx           xid8 NOT NULL DEFAULT pg_current_xact_id(),
    time_ms      bigint NOT NULL,
    actor        text NOT NULL,
    action       text NOT NULL,
    instance_key bigint,
    element_id   text,
    payload      text NOT NULL
);
CREATE INDEX audit_chain ON audit (tx, seq);
CREATE INDEX audit_instance ON audit (instance_key, seq) WHERE instance_key IS NOT NULL;

-- Seals: each one covers the rows after the previous seal in chain order, stores their hashes,
-- and is signed with the Ed25519 audit key, whose public half is kept beside (CONTRACTS §13).
CREATE TABLE audit_seal (
    seq        bigint PRIMARY KEY,
    first_tx   xid8 NOT NULL,
    first_seq  bigint NOT NULL,
    last_tx    xid8 NOT NULL,
    last_seq   bigint NOT NULL,
    nrows      integer NOT NULL CHECK (nrows > 0),
    prev_head  bytea NOT NULL,
    head       bytea NOT NULL,
    row_hashes bytea NOT NULL,
    public_key bytea NOT NULL,
    signature  bytea NOT NULL,
    sealed_at  timestamptz NOT NULL DEFAULT now()
);

-- Outbound events (webhooks), written in the step's transaction and delivered after it.
CREATE TABLE outbox (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event        text NOT NULL,
    instance_key bigint,
    payload      text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Audit rows and seals are append-only, for everyone: the application role is granted INSERT
-- and SELECT only, and these triggers refuse UPDATE, DELETE and TRUNCATE even to the owner.
-- The one exception is the purge of old history by the maintenance command (`ordo audit
-- purge`), which runs as the owner and says so with the transaction-local setting
-- ordo.purge = 'on'; the application role cannot use it, as it holds no DELETE privilege.
CREATE FUNCTION ordo_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('ordo.purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION ordo_audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION ordo_audit_append_only();
CREATE TRIGGER audit_seal_append_only BEFORE UPDATE OR DELETE ON audit_seal
    FOR EACH ROW EXECUTE FUNCTION ordo_audit_append_only();
CREATE TRIGGER audit_seal_no_truncate BEFORE TRUNCATE ON audit_seal
    FOR EACH STATEMENT EXECUTE FUNCTION ordo_audit_append_only();

-- What the application role may do, granted by `ordo migrate` when the migration role and the
-- application role differ (CONTRACTS §5). Later migrations replace this function.
CREATE FUNCTION ordo_grant_app(role text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SEQUENCE ordo_key_seq TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON definition, instance, job, user_task, '
                   'message_subscription, start_subscription, message, incident, outbox TO %I',
                   role);
    EXECUTE format('GRANT SELECT, INSERT ON audit, audit_seal TO %I', role);
    EXECUTE format('GRANT SELECT ON ordo_schema_version TO %I', role);
END $$;
