-- Latchkey's schema for H2. Keep it in step with ../postgresql/V1__schema.sql: the two differ
-- only in the type of long text. Times are microseconds since the epoch (BIGINT), exact for
-- every clock the JDK offers and the same on both databases.

CREATE TABLE latchkey_users (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    user_type    VARCHAR(16)  NOT NULL,
    created_at   BIGINT       NOT NULL,
    disabled     BOOLEAN      NOT NULL,
    custom_data  VARCHAR(1000000) NOT NULL
);

CREATE TABLE latchkey_identities (
    provider_type VARCHAR(64)  NOT NULL,
    subject       VARCHAR(512) NOT NULL,
    user_id       VARCHAR(64)  NOT NULL REFERENCES latchkey_users (id) ON DELETE CASCADE,
    profile       VARCHAR(1000000) NOT NULL,
    linked_at     BIGINT       NOT NULL,
    last_login_at BIGINT       NOT NULL,
    seq           BIGINT GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (provider_type, subject)
);
CREATE INDEX latchkey_identities_user ON latchkey_identities (user_id);

CREATE TABLE latchkey_sessions (
    id                 VARCHAR(64)  NOT NULL PRIMARY KEY,
    user_id            VARCHAR(64)  NOT NULL REFERENCES latchkey_users (id) ON DELETE CASCADE,
    device_id          VARCHAR(64)  NOT NULL,
    provider_type      VARCHAR(64)  NOT NULL,
    subject            VARCHAR(512) NOT NULL,
    refresh_token_hash VARCHAR(128) NOT NULL UNIQUE,
    created_at         BIGINT       NOT NULL,
    expires_at         BIGINT       NOT NULL
);
CREATE INDEX latchkey_sessions_user ON latchkey_sessions (user_id);
CREATE INDEX latchkey_sessions_identity ON latchkey_sessions (provider_type, subject);
CREATE INDEX latchkey_sessions_expiry ON latchkey_sessions (expires_at);

CREATE TABLE latchkey_signing_keys (
    kid        VARCHAR(128) NOT NULL PRIMARY KEY,
    jwk        VARCHAR(1000000) NOT NULL,
    created_at BIGINT       NOT NULL
);

-- One row per provider namespace: its lock (every write in the namespace takes it, which makes
-- transactions serializable) and its version counter (so a version is never reused).
CREATE TABLE latchkey_document_namespaces (
    namespace    VARCHAR(64) NOT NULL PRIMARY KEY,
    last_version BIGINT      NOT NULL
);

CREATE TABLE latchkey_documents (
    namespace   VARCHAR(64)  NOT NULL,
    doc_key     VARCHAR(512) NOT NULL,
    json        VARCHAR(1000000) NOT NULL,
    index_value VARCHAR(512),
    version     BIGINT       NOT NULL,
    PRIMARY KEY (namespace, doc_key)
);
CREATE INDEX latchkey_documents_index ON latchkey_documents (namespace, index_value, doc_key);
