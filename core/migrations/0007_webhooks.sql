-- 0007_webhooks: inbound endpoints and their stored deliveries, Slack approval tokens and the
-- connector calls whose result goes nowhere ('notify' jobs), outbound subscriptions and the
-- per-subscription outbox (CONTRACTS §14).

-- ---- inbound ---------------------------------------------------------------------------------

-- An endpoint answers at /hooks/{name}. It comes from ordo:webhook on a start or message event
-- (definition_key and element_id set; the next version's deploy re-points it, a suspended
-- definition turns it off) or from the API (definition_key NULL). The secret is sealed by the
-- vault with the associated data 'webhook_endpoint:<name>'; an endpoint without one refuses
-- every delivery (fail closed), except scheme 'unsigned', which an admin must ask for.
CREATE TABLE webhook_endpoint (
    name            text PRIMARY KEY,
    scheme          text NOT NULL
                    CHECK (scheme IN ('github', 'slack', 'jira', 'bamboohr', 'standard', 'hmac',
                                      'unsigned')),
    options         text NOT NULL DEFAULT '{}',  -- scheme options as JSON (generic HMAC header...)
    action          text NOT NULL CHECK (action IN ('start', 'message', 'slack_approval')),
    process_id      text,                        -- start: the process to start
    element_id      text,                        -- start: the start event; message: the catch
    message_name    text,                        -- message: the message to publish
    correlation_key text,                        -- message: FEEL over {body, headers}
    variables       text,                        -- FEEL over {body, headers}: a context
    definition_key  bigint REFERENCES definition ON DELETE CASCADE,
    secret          bytea,                       -- sealed (base/vault), NULL: not set yet
    secret_key_id   text,
    enabled         boolean NOT NULL DEFAULT true,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- A delivery is stored (and so acknowledged) once per (endpoint, delivery id); the work happens
-- after, from this row, taken with FOR UPDATE SKIP LOCKED like a job.
CREATE TABLE webhook_delivery (
    key          bigint PRIMARY KEY DEFAULT nextval('ordo_key_seq'),
    endpoint     text NOT NULL,
    delivery_id  text NOT NULL,
    headers      text NOT NULL,                  -- the headers kept, JSON, names in lower case
    body         bytea NOT NULL,                 -- the raw bytes that were verified
    state        text NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'done', 'failed')),
    attempts     integer NOT NULL DEFAULT 0,
    due_at       timestamptz NOT NULL DEFAULT now(),
    lock_owner   text,
    locked_at    timestamptz,
    instance_key bigint,                         -- the instance it started or reached, if any
    result       text,                           -- what the work did, JSON
    error        text,
    received_at  timestamptz NOT NULL DEFAULT now(),
    done_at      timestamptz,
    UNIQUE (endpoint, delivery_id)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (due_at) WHERE state = 'pending';
CREATE INDEX webhook_delivery_received ON webhook_delivery (endpoint, received_at);

-- ---- Slack approvals -------------------------------------------------------------------------

-- A user task with ordo:notify gets a single-use approval token, minted by the engine when the
-- task is created; only its SHA-256 is kept. It dies with the task.
ALTER TABLE user_task ADD COLUMN approval_token bytea;
CREATE UNIQUE INDEX user_task_approval_token ON user_task (approval_token)
    WHERE approval_token IS NOT NULL;

-- 'notify' jobs are connector calls whose result goes to no instance (the approval message, its
-- update, the ephemeral refusal): run by the same executors and handlers as 'work' jobs.
ALTER TABLE job DROP CONSTRAINT job_kind_check;
ALTER TABLE job ADD CONSTRAINT job_kind_check
    CHECK (kind IN ('work', 'timer', 'start_timer', 'call_done', 'cancel', 'publish', 'notify'));
CREATE INDEX job_notify_due ON job (type, due_at) WHERE kind = 'notify';

-- ---- outbound --------------------------------------------------------------------------------

-- A subscription: where to send which event types. The secret (whsec_...) is sealed by the vault
-- with the associated data 'webhook_subscription:<key>'.
CREATE TABLE webhook_subscription (
    key             bigint PRIMARY KEY DEFAULT nextval('ordo_key_seq'),
    url             text NOT NULL,
    events          text[] NOT NULL,
    description     text,
    secret          bytea NOT NULL,
    secret_key_id   text NOT NULL,
    enabled         boolean NOT NULL DEFAULT true,
    disabled_reason text,
    disabled_at     timestamptz,
    failing_since   timestamptz,                 -- first failure since the last success
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_subscription_events ON webhook_subscription USING gin (events)
    WHERE enabled;

-- The outbox holds one row per (subscription, event), written in the transaction of the state
-- change. msg_id is the webhook-id, the same on every attempt.
ALTER TABLE outbox
    ADD COLUMN subscription_key bigint REFERENCES webhook_subscription ON DELETE CASCADE,
    ADD COLUMN msg_id        text,
    ADD COLUMN state         text NOT NULL DEFAULT 'pending'
                             CHECK (state IN ('pending', 'delivered', 'dead')),
    ADD COLUMN attempts      integer NOT NULL DEFAULT 0,
    ADD COLUMN due_at        timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN lock_owner    text,
    ADD COLUMN locked_at     timestamptz,
    ADD COLUMN last_status   integer,
    ADD COLUMN last_error    text,
    ADD COLUMN delivered_at  timestamptz;
CREATE UNIQUE INDEX outbox_msg ON outbox (subscription_key, msg_id);
CREATE INDEX outbox_due ON outbox (due_at) WHERE state = 'pending';
CREATE INDEX outbox_fifo ON outbox (subscription_key, instance_key, seq) WHERE state = 'pending';

-- Every attempt of an outbox row, for the API and the UI.
CREATE TABLE webhook_attempt (
    outbox_seq  bigint NOT NULL REFERENCES outbox ON DELETE CASCADE,
    attempt     integer NOT NULL,                 -- 1, 2, ... on across replays
    status      integer,                         -- HTTP status, NULL: no answer
    error       text,
    latency_ms  integer,
    at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (outbox_seq, attempt)
);

-- Where the approval request of a task went, {"channel","ts"} as JSON: kept when its
-- slack.post_approval job is done (the job row itself is deleted).
ALTER TABLE user_task ADD COLUMN approval_message text;

CREATE OR REPLACE FUNCTION ordo_grant_app(role text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SEQUENCE ordo_key_seq, credential_id_seq TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON definition, instance, job, user_task, '
                   'message_subscription, start_subscription, message, incident, outbox, '
                   'idempotency, credential, connector_throttle, webhook_endpoint, '
                   'webhook_delivery, webhook_subscription, webhook_attempt TO %I',
                   role);
    EXECUTE format('GRANT SELECT, INSERT ON audit, audit_seal TO %I', role);
    EXECUTE format('GRANT SELECT ON audit_anchor TO %I', role);
    EXECUTE format('GRANT SELECT ON ordo_schema_version TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON app_user, app_group, api_key TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON group_member, role_grant, web_session '
                   'TO %I', role);
END $$;
