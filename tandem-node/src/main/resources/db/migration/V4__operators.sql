-- The web console's operators (docs/console.md): each one's role and an Argon2id hash of its password, never the
-- password itself. Kept in the store so that every node's console knows the same operators.
CREATE TABLE operators (
    name          VARCHAR(64)              NOT NULL PRIMARY KEY,
    role          VARCHAR(16)              NOT NULL,
    password_hash VARCHAR(256)             NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
