-- 0006_connectors: named connector credentials, encrypted (CONTRACTS §13, core/credential.h),
-- the per-credential rate limits shared by every node (CONTRACTS §8), and the credential a job
-- runs with.

-- One credential of one connector ("jira" / "acme"), named by ordo:credential in BPMN. 'config'
-- holds what is not secret (a base URL, an account name) and is shown; the secret fields are one
-- JSON object sealed with XChaCha20-Poly1305 under the master key 'key_id' (base/vault.h), with
-- "credential:<id>" as associated data, so a ciphertext copied to another row does not decrypt.
-- 'secret' is the ciphertext and its 16-byte tag. Only the names of the secret fields are kept
-- in clear, for display.
CREATE TABLE credential (
    id            bigserial PRIMARY KEY,
    connector     text NOT NULL CHECK (connector ~ '^[a-z][a-z0-9_]{0,62}$'),
    name          text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    config        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(config) = 'object'),
    key_id        text NOT NULL,
    nonce         bytea NOT NULL,
    secret        bytea NOT NULL,
    secret_fields text[] NOT NULL,
    -- Calls per minute this credential may make, from all nodes together; 0: no budget
    -- (only the services' own 429s slow it down). plugins/throttle.h.
    rate_per_minute integer NOT NULL DEFAULT 0 CHECK (rate_per_minute BETWEEN 0 AND 1000000),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    text,
    UNIQUE (connector, name)
);

-- Rate limits of one credential, shared by the nodes that call with it: a token bucket
-- ('tokens' left at 'refilled_at') and a server-imposed pause (429 Retry-After) until
-- 'blocked_until'. A row is made when first needed; NULL means not yet known.
CREATE TABLE connector_throttle (
    credential_id bigint PRIMARY KEY REFERENCES credential ON DELETE CASCADE,
    blocked_until timestamptz,
    tokens        double precision,
    refilled_at   timestamptz
);

-- The ordo:credential name of a service task's job, for the connector call.
ALTER TABLE job ADD COLUMN credential text;

-- The application role reads and writes credentials (the API sets and deletes them, rotation
-- re-encrypts them) and the throttle rows.
CREATE OR REPLACE FUNCTION ordo_grant_app(role text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SEQUENCE ordo_key_seq, credential_id_seq TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON definition, instance, job, user_task, '
                   'message_subscription, start_subscription, message, incident, outbox, '
                   'idempotency, credential, connector_throttle TO %I',
                   role);
    EXECUTE format('GRANT SELECT, INSERT ON audit, audit_seal TO %I', role);
    EXECUTE format('GRANT SELECT ON audit_anchor TO %I', role);
    EXECUTE format('GRANT SELECT ON ordo_schema_version TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON app_user, app_group, api_key TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON group_member, role_grant, web_session '
                   'TO %I', role);
END $$;
