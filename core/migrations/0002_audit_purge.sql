-- 0002_audit_purge: anchors for purged audit history (docs/audit.md, "Purging old history").
--
-- `ordo audit purge` deletes the audit rows of finished instances past their definition's
-- retention, and records where they stood in the chain in one anchor per purge: 'positions'
-- holds 16 bytes per purged row, its tx and its seq as 8-byte big-endian integers, in chain
-- order, and the anchor is signed with the audit key over
--   "ordo-audit-anchor-v1" || seq || nrows || SHA-256(positions)
-- (integers as 8-byte big-endian). `ordo audit verify` accepts a missing row only when an anchor
-- names its position; the hash of that row is the one its seal stored.
CREATE TABLE audit_anchor (
    seq        bigint PRIMARY KEY CHECK (seq > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    nrows      integer NOT NULL CHECK (nrows > 0),
    positions  bytea NOT NULL,
    public_key bytea NOT NULL,
    signature  bytea NOT NULL
);

-- Append-only like the audit and its seals.
CREATE TRIGGER audit_anchor_append_only BEFORE UPDATE OR DELETE ON audit_anchor
    FOR EACH ROW EXECUTE FUNCTION ordo_audit_append_only();
CREATE TRIGGER audit_anchor_no_truncate BEFORE TRUNCATE ON audit_anchor
    FOR EACH STATEMENT EXECUTE FUNCTION ordo_audit_append_only();

-- The application role reads the anchors (for `ordo audit verify` as that role) and writes none:
-- only the maintenance command, as the migration role, purges and anchors.
CREATE OR REPLACE FUNCTION ordo_grant_app(role text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SEQUENCE ordo_key_seq TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON definition, instance, job, user_task, '
                   'message_subscription, start_subscription, message, incident, outbox TO %I',
                   role);
    EXECUTE format('GRANT SELECT, INSERT ON audit, audit_seal TO %I', role);
    EXECUTE format('GRANT SELECT ON audit_anchor TO %I', role);
    EXECUTE format('GRANT SELECT ON ordo_schema_version TO %I', role);
END $$;
