-- The console pages through agents in the database (issue 15): newest first, and by time left.
-- Newest first reads the index backwards instead of sorting every agent.
CREATE INDEX agents_registered ON agents (registered_at);
-- An agent's latest own token's expiry (sort by time left) read from the index alone; it serves every
-- lookup by sub as tokens_sub did, so that index goes.
CREATE INDEX tokens_sub_depth_expiry ON tokens (sub, depth, expires_at);
DROP INDEX tokens_sub;
