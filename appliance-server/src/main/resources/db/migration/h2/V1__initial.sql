-- Mandate schema, version 1. Times are epoch seconds (BIGINT) unless named *_text.
-- No table ever holds a private key, a PIN, a plaintext secret or a whole token.

-- Key/value settings of the appliance itself (the admin secret's bcrypt hash).
CREATE TABLE settings (
  setting_name  VARCHAR(100) PRIMARY KEY,
  setting_value VARCHAR(1000) NOT NULL
);

CREATE TABLE apps (
  app_id              VARCHAR(36) PRIMARY KEY,
  name                VARCHAR(64) NOT NULL UNIQUE,
  client_id           VARCHAR(64) NOT NULL UNIQUE,
  client_secret_hash  VARCHAR(100) NOT NULL,
  scopes              VARCHAR(100000) NOT NULL,
  token_ttl           INT NOT NULL,
  status              VARCHAR(16) NOT NULL,
  created_at          BIGINT NOT NULL,
  updated_at          BIGINT NOT NULL,
  deregistered_at     BIGINT
);

-- Launch tokens are bearer secrets: only their SHA-256 is kept.
CREATE TABLE launch_tokens (
  token_hash     CHAR(64) PRIMARY KEY,
  agent_name     VARCHAR(256) NOT NULL,
  allowed_scope  VARCHAR(100000) NOT NULL,
  max_ttl        INT NOT NULL,
  single_use     BOOLEAN NOT NULL,
  created_by     VARCHAR(128) NOT NULL,
  app_id         VARCHAR(36),
  created_at     BIGINT NOT NULL,
  expires_at     BIGINT NOT NULL,
  consumed_at    BIGINT
);
CREATE INDEX launch_tokens_expiry ON launch_tokens (expires_at);

CREATE TABLE agents (
  agent_id         VARCHAR(600) PRIMARY KEY,
  orch_id          VARCHAR(128) NOT NULL,
  task_id          VARCHAR(128) NOT NULL,
  app_id           VARCHAR(36),
  agent_name       VARCHAR(256) NOT NULL,
  public_key       VARCHAR(64) NOT NULL,
  scope            VARCHAR(100000) NOT NULL,
  registered_at    BIGINT NOT NULL,
  lifetime_ends_at BIGINT NOT NULL,
  revoked_at       BIGINT
);
CREATE INDEX agents_task ON agents (task_id);

-- Every token the broker signed, for renewal, revocation counts and the live view.
CREATE TABLE tokens (
  jti          CHAR(32) PRIMARY KEY,
  kind         VARCHAR(8) NOT NULL,
  sub          VARCHAR(600) NOT NULL,
  task_id      VARCHAR(128) NOT NULL,
  orch_id      VARCHAR(128) NOT NULL,
  scope        VARCHAR(100000) NOT NULL,
  issued_at    BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  parent_jti   CHAR(32),
  root_agent   VARCHAR(600) NOT NULL,
  chain        VARCHAR(4000) NOT NULL,
  depth        INT NOT NULL,
  kid          VARCHAR(64) NOT NULL,
  state        VARCHAR(16) NOT NULL,
  state_at     BIGINT
);
CREATE INDEX tokens_sub ON tokens (sub);
CREATE INDEX tokens_parent ON tokens (parent_jti);
CREATE INDEX tokens_root ON tokens (root_agent);
CREATE INDEX tokens_task ON tokens (task_id);
CREATE INDEX tokens_expiry ON tokens (expires_at);

-- Revocation entries: what an in-memory check (and an offline validator) must reject.
CREATE TABLE revocations (
  seq         BIGINT AUTO_INCREMENT PRIMARY KEY,
  level       VARCHAR(16) NOT NULL,
  target      VARCHAR(600) NOT NULL,
  revoked_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL
);
CREATE INDEX revocations_expiry ON revocations (expires_at);

-- Signing keys: metadata only; the keys themselves never leave the HSM.
CREATE TABLE signing_keys (
  kid           VARCHAR(64) PRIMARY KEY,
  label         VARCHAR(64) NOT NULL UNIQUE,
  alg           VARCHAR(16) NOT NULL,
  public_jwk    VARCHAR(2000) NOT NULL,
  state         VARCHAR(16) NOT NULL,
  created_at    BIGINT NOT NULL,
  activates_at  BIGINT,
  activated_at  BIGINT,
  retired_at    BIGINT
);

-- Append-only, hash-chained audit log.
CREATE TABLE audit_events (
  id          BIGINT PRIMARY KEY,
  ts_text     VARCHAR(40) NOT NULL,
  ts_millis   BIGINT NOT NULL,
  event_type  VARCHAR(64) NOT NULL,
  agent_id    VARCHAR(600) NOT NULL,
  task_id     VARCHAR(128) NOT NULL,
  orch_id     VARCHAR(128) NOT NULL,
  detail      VARCHAR(4000) NOT NULL,
  outcome     VARCHAR(16) NOT NULL,
  prev_hash   CHAR(64) NOT NULL,
  hash        CHAR(64) NOT NULL
);
CREATE INDEX audit_type ON audit_events (event_type);
CREATE INDEX audit_agent ON audit_events (agent_id);
CREATE INDEX audit_time ON audit_events (ts_millis);

-- Lifecycle events for the operator console's stream (GET /v1/admin/events), written with the change.
CREATE TABLE events (
  seq         BIGINT AUTO_INCREMENT PRIMARY KEY,
  event_type  VARCHAR(32) NOT NULL,
  at_millis   BIGINT NOT NULL,
  agent_id    VARCHAR(600),
  jti         CHAR(32),
  task_id     VARCHAR(128),
  orch_id     VARCHAR(128),
  level       VARCHAR(16),
  target      VARCHAR(600),
  count       INT,
  kid         VARCHAR(64)
);
CREATE INDEX events_time ON events (at_millis);
