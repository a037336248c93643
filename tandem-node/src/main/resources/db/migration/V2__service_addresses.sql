-- docs/redundancy.md, Service addresses: each node of a redundancy group may have an address that follows its
-- users to whichever node serves them. Null: the node has none.
ALTER TABLE group_nodes ADD COLUMN service_address VARCHAR(64);
