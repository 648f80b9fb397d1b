-- Tokens bound to their holder's key (RFC 9449 DPoP, issue 16), opt-in per launch token and per app.

-- A launch token whose agents' tokens are bound to the key each agent registered.
ALTER TABLE launch_tokens ADD COLUMN sender_constrained BOOLEAN DEFAULT FALSE NOT NULL;

-- An app whose agents' tokens are all bound, whatever their launch tokens say.
ALTER TABLE apps ADD COLUMN sender_constrained BOOLEAN DEFAULT FALSE NOT NULL;

-- An agent every token of which is bound to its key: its launch token or its app said so, at registration or
-- since (an app that starts to require binding marks the agents it launched). Never cleared.
ALTER TABLE agents ADD COLUMN sender_constrained BOOLEAN DEFAULT FALSE NOT NULL;

-- The RFC 7638 thumbprint (base64url, 43 characters) of the key a token is bound to; null when unbound.
ALTER TABLE tokens ADD COLUMN cnf_jkt VARCHAR(43);

-- Whom a token is for (its aud, space-separated; RFC 8707 resource indicators are URIs, without spaces);
-- null for a token recorded before this column.
ALTER TABLE tokens ADD COLUMN aud VARCHAR(4096);

-- DPoP proofs already presented, until they expire (epoch millis) and would be refused as too old anyway:
-- a proof is accepted once across every node. Keyed by the SHA-256 (hex) of the key thumbprint and the proof's jti.
CREATE TABLE spent_proofs (
  proof_id   CHAR(64) PRIMARY KEY,
  expires_at BIGINT NOT NULL
);
CREATE INDEX spent_proofs_expiry ON spent_proofs (expires_at);
