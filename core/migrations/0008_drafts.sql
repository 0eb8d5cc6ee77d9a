-- 0008_drafts: drafts of processes made from requirement text (issue 8, docs/drafts.md).
--
-- A draft is one row that the API creates ('queued') and a draft worker of any node takes with
-- FOR UPDATE SKIP LOCKED ('running'), while holding a session-level advisory lock on
-- hashtextextended('ordo-draft:' || key, 0) on its own connection: a worker that dies loses its
-- connection and so its lock, and any node then marks the draft 'failed' (core/draft.h). The
-- outcome of the last piece of work ('ready' or 'failed') and the content it left (IR, XML, what
-- the generator said about them) are columns; a revision bumps 'revision' and queues the row
-- again. JSON is jsonb here: drafts are not hashed into the audit chain (a deploy audits the
-- SHA-256 of the XML it deployed), and jsonb refuses malformed documents.
CREATE TABLE draft (
    key              bigint PRIMARY KEY DEFAULT nextval('ordo_key_seq'),
    created_by       bigint REFERENCES app_user ON DELETE SET NULL,
    actor            text NOT NULL,                -- "user:alice", as the audit names people
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    status           text NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'running', 'ready', 'failed')),
    text             text NOT NULL,                -- the requirement, untrusted
    systems          text[] NOT NULL DEFAULT '{}', -- connector names to prefer
    allow_http       boolean NOT NULL DEFAULT false,
    revision         integer NOT NULL DEFAULT 1,
    -- What the current revision asks for: {"kind":"draft"}, {"kind":"revise","instruction":...}
    -- or {"kind":"edit","xml":...} (a manual edit, kept here until a worker has lifted it).
    request          jsonb NOT NULL DEFAULT '{"kind":"draft"}',
    provider         text,
    model            text,
    usable           boolean NOT NULL DEFAULT false,
    ir               jsonb,
    xml              text,
    violations       jsonb NOT NULL DEFAULT '[]',
    findings         jsonb NOT NULL DEFAULT '[]',
    assumptions      jsonb NOT NULL DEFAULT '[]',
    questions        jsonb NOT NULL DEFAULT '[]',
    unplaced         jsonb NOT NULL DEFAULT '[]',
    uses             jsonb,
    transcript       jsonb NOT NULL DEFAULT '[]',
    tokens           jsonb NOT NULL DEFAULT '{"prompt":0,"completion":0}',
    timings          jsonb,
    layout           jsonb,
    rounds           integer NOT NULL DEFAULT 0,
    error            jsonb,                        -- {"code","message"} of the last work, or NULL
    revisable        boolean NOT NULL DEFAULT true,
    revisable_reason text,                         -- why revising in words is off
    history          jsonb NOT NULL DEFAULT '[]',  -- one summary per finished revision
    lock_owner       text,                         -- the node drafting it
    locked_at        timestamptz,
    deployed_definition_key bigint REFERENCES definition ON DELETE SET NULL,
    deployed_hash    text,                         -- SHA-256 of the XML deployed, hex
    deployed_revision integer,
    deployed_by      text,
    deployed_at      timestamptz,
    deploy_idempotency_key text,                   -- the Idempotency-Key of that deploy
    deploy_answer    jsonb                         -- its answer, replayed for that key
);
CREATE INDEX draft_queued ON draft (key) WHERE status = 'queued';
CREATE INDEX draft_running ON draft (key) WHERE status = 'running';
CREATE INDEX draft_creator ON draft (created_by, key);
CREATE INDEX draft_undeployed ON draft (updated_at) WHERE deployed_at IS NULL;

-- The progress of each revision, replayed to every client of GET /api/drafts/{key}/events.
CREATE TABLE draft_event (
    draft_key bigint NOT NULL REFERENCES draft ON DELETE CASCADE,
    revision  integer NOT NULL,
    seq       integer NOT NULL,
    event     text NOT NULL,
    data      jsonb NOT NULL,
    at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (draft_key, revision, seq)
);

CREATE OR REPLACE FUNCTION ordo_grant_app(role text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SEQUENCE ordo_key_seq, credential_id_seq TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON definition, instance, job, user_task, '
                   'message_subscription, start_subscription, message, incident, outbox, '
                   'idempotency, credential, connector_throttle, webhook_endpoint, '
                   'webhook_delivery, webhook_subscription, webhook_attempt, draft, '
                   'draft_event TO %I',
                   role);
    EXECUTE format('GRANT SELECT, INSERT ON audit, audit_seal TO %I', role);
    EXECUTE format('GRANT SELECT ON audit_anchor TO %I', role);
    EXECUTE format('GRANT SELECT ON ordo_schema_version TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON app_user, app_group, api_key TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON group_member, role_grant, web_session '
                   'TO %I', role);
END $$;
