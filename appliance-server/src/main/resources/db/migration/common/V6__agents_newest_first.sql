-- Newest first breaks ties by agent id in the same direction, so the order is one index read backwards:
-- the index V5 made on registered_at alone is replaced by one on both.
DROP INDEX agents_registered;
CREATE INDEX agents_registered_id ON agents (registered_at, agent_id);
