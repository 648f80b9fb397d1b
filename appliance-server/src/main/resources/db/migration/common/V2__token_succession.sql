-- A renewed token names the token it replaced, so a revocation of either reaches the whole succession.
ALTER TABLE tokens ADD COLUMN supersedes CHAR(32);
CREATE INDEX tokens_supersedes ON tokens (supersedes);
CREATE INDEX tokens_kid ON tokens (kid);
