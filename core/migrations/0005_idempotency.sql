-- Idempotency-Key of POST /api/instances (CONTRACTS §6): a key seen within 24 hours answers with
-- the instance it started, whoever retries. Keys are scoped by the caller, so two clients that
-- happen to pick the same key do not see each other's instances. Rows older than a day are
-- deleted by the executor's housekeeping, and ignored before that.
CREATE TABLE idempotency (
    scope        text NOT NULL,
    key          text NOT NULL,
    instance_key bigint NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_created ON idempotency (created_at);

CREATE OR REPLACE FUNCTION ordo_grant_app(role text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SEQUENCE ordo_key_seq TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON definition, instance, job, user_task, '
                   'message_subscription, start_subscription, message, incident, outbox, '
                   'idempotency TO %I',
                   role);
    EXECUTE format('GRANT SELECT, INSERT ON audit, audit_seal TO %I', role);
    EXECUTE format('GRANT SELECT ON audit_anchor TO %I', role);
    EXECUTE format('GRANT SELECT ON ordo_schema_version TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON app_user, app_group, api_key TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON group_member, role_grant, web_session '
                   'TO %I', role);
END $$;
