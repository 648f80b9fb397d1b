-- Registration challenges shared by every node (issue 14): a nonce issued by one node is answered on any.

-- The key that authenticates the challenges a broker issues (HMAC-SHA256, hex), made by the first broker
-- to start on this database. It is no credential, so V1's rule (no plaintext secret) holds: GET /v1/challenge
-- hands a fresh nonce to anyone, and the broker refuses a nonce expiring later than one issued now could,
-- so whoever reads this key can make nothing the broker would not give them. Registering still takes a
-- launch token (stored hashed) and the agent's own key.
CREATE TABLE challenge_key (
  id      INT PRIMARY KEY,
  mac_key CHAR(64) NOT NULL
);

-- Nonces spent by a registration that reached its transaction, until they expire (epoch millis) and can
-- no longer be presented. Recorded in the transaction that decides the registration, so a nonce is spent
-- once across every node and across restarts.
CREATE TABLE spent_nonces (
  nonce_id   BIGINT PRIMARY KEY,
  expires_at BIGINT NOT NULL
);
