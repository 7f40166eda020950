-- Version 2: identity of runs started elsewhere (a name, tags, an idempotency key unique per flow),
-- keyset paging of the run listing, and the change feed.
ALTER TABLE sluice_flow_runs ADD COLUMN run_name TEXT;
ALTER TABLE sluice_flow_runs ADD COLUMN idempotency_key TEXT;
-- NULL keys are distinct in both databases: only runs started with a key are constrained.
CREATE UNIQUE INDEX sluice_flow_runs_by_idempotency_key ON sluice_flow_runs (flow_name, idempotency_key);
-- The listing's order and its keyset cursor: (start_time, id), newest first.
DROP INDEX sluice_flow_runs_by_start;
CREATE INDEX sluice_flow_runs_by_start ON sluice_flow_runs (start_time, id);

CREATE TABLE sluice_flow_run_tags (
  flow_run_id TEXT NOT NULL,
  tag TEXT NOT NULL,
  PRIMARY KEY (flow_run_id, tag)
);
CREATE INDEX sluice_flow_run_tags_by_tag ON sluice_flow_run_tags (tag, flow_run_id);

-- One row per flow run changed by a commit, its seq in commit order (see docs/run-history.md).
CREATE TABLE sluice_changes (
  seq ${SEQUENCE},
  flow_run_id TEXT NOT NULL,
  at BIGINT NOT NULL
);
