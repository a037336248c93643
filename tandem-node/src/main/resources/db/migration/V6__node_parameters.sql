-- The service parameters a node has of its own, over the cluster's service_parameters: the specification sets the
-- Client Re-Login Lower and Upper Limits "separately for each cluster node" (docs/store.md).
CREATE TABLE node_parameters (
    node_id     VARCHAR(128) NOT NULL,
    name        VARCHAR(64)  NOT NULL,
    param_value VARCHAR(64)  NOT NULL,
    PRIMARY KEY (node_id, name)
);
