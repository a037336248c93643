-- The store as the witness of the redundancy groups (docs/decisions/115-a-witness-decides-who-serves.md): one lease
-- per group, granted to one node at a time, its end counted on the database's clock.
CREATE TABLE witness_leases (
    group_name VARCHAR(128) NOT NULL PRIMARY KEY,
    holder     VARCHAR(128) NOT NULL,
    fence      BIGINT       NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
