-- 0003_identity: users, groups, role grants, API keys and web sessions (CONTRACTS §7,
-- core/identity.h, docs/identities.md).
--
-- Secrets are never stored: a password is kept as its argon2id hash (libsodium's
-- crypto_pwhash_str format), an API key or a session token as the SHA-256 of the whole token.
-- Tokens are generated with 200 bits or more of randomness (the configured admin_key is 24+
-- characters chosen by the operator), so a plain hash is enough and a key is found by its hash.

-- Logins and emails are unique whatever their case: "Alice" and "alice" are one user, and a task
-- assigned to either finds her (CONTRACTS §7).
CREATE TABLE app_user (
    key           bigint PRIMARY KEY DEFAULT nextval('ordo_key_seq'),
    login         text NOT NULL CHECK (login ~ '^[A-Za-z0-9._@-]{1,64}$'),
    email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    password_hash text,                     -- NULL: no password login, API keys only
    slack_user_id text UNIQUE,
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_login ON app_user (lower(login));
CREATE UNIQUE INDEX app_user_email ON app_user (lower(email));

CREATE TABLE app_group (
    key        bigint PRIMARY KEY DEFAULT nextval('ordo_key_seq'),
    name       text NOT NULL CHECK (name ~ '^[A-Za-z0-9._@-]{1,64}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_group_name ON app_group (lower(name));

CREATE TABLE group_member (
    group_key bigint NOT NULL REFERENCES app_group ON DELETE CASCADE,
    user_key  bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    added_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_key, user_key)
);
CREATE INDEX group_member_user ON group_member (user_key);

-- A role held by a user directly or by every member of a group; exactly one of the two.
CREATE TABLE role_grant (
    role       text NOT NULL
               CHECK (role IN ('admin', 'designer', 'operator', 'approver', 'viewer', 'metrics')),
    user_key   bigint REFERENCES app_user ON DELETE CASCADE,
    group_key  bigint REFERENCES app_group ON DELETE CASCADE,
    granted_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((user_key IS NULL) <> (group_key IS NULL))
);
CREATE UNIQUE INDEX role_grant_user ON role_grant (user_key, role) WHERE user_key IS NOT NULL;
CREATE UNIQUE INDEX role_grant_group ON role_grant (group_key, role) WHERE group_key IS NOT NULL;

-- API keys: shown once, then only their prefix. 'scopes' is a subset of the owner's roles when
-- the key was made; what a key may do is its scopes intersected with the owner's roles now.
CREATE TABLE api_key (
    key          bigint PRIMARY KEY DEFAULT nextval('ordo_key_seq'),
    user_key     bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
    token_hash   bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    prefix       text NOT NULL,
    scopes       text[] NOT NULL
                 CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['admin', 'designer', 'operator',
                        'approver', 'viewer', 'metrics']::text[]),
    expires_at   timestamptz,               -- NULL: never
    last_used_at timestamptz,               -- written at most once a minute
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_key_user ON api_key (user_key);

-- Sessions of the web UI after a password login.
CREATE TABLE web_session (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_key   bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    csrf_token text NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX web_session_user ON web_session (user_key);
CREATE INDEX web_session_expiry ON web_session (expires_at);

-- The application role manages identities; nothing is deleted from the users, groups and keys
-- tables by Ordo (users are disabled, keys revoked), but DELETE is granted so that a membership,
-- a grant or a session can go.
CREATE OR REPLACE FUNCTION ordo_grant_app(role text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SEQUENCE ordo_key_seq TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON definition, instance, job, user_task, '
                   'message_subscription, start_subscription, message, incident, outbox TO %I',
                   role);
    EXECUTE format('GRANT SELECT, INSERT ON audit, audit_seal TO %I', role);
    EXECUTE format('GRANT SELECT ON audit_anchor TO %I', role);
    EXECUTE format('GRANT SELECT ON ordo_schema_version TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON app_user, app_group, api_key TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON group_member, role_grant, web_session '
                   'TO %I', role);
END $$;
