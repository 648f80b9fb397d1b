-- The operator's agents by time left (issue 15): the live agents are read in the order of their own token's
-- expiry from this index, a page at a time, instead of looking up every agent's token and sorting them all.
CREATE INDEX tokens_live_own ON tokens (depth, state, expires_at, sub);
