-- Each node's reason beside its state, as Table 2 pairs them, so that every node's console shows every group's
-- nodes as "state / reason" (docs/console.md). Null for a report from a build before this one.
ALTER TABLE node_status ADD COLUMN reason VARCHAR(128);
