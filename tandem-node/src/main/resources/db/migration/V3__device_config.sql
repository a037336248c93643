-- A device's global-mode configuration commands (named interfaces, crypto ikev1, dns, tunnel-group group URLs) and
-- the interface names its vpn load-balancing section refers to, as the configuration language prints them
-- (docs/store.md, docs/decisions/0068). Kept apart from lb_devices: a device may have named interfaces before it
-- has a public address.
CREATE TABLE lb_device_config (
    node_id  VARCHAR(128)   NOT NULL PRIMARY KEY,
    commands VARCHAR(20000) NOT NULL
);
