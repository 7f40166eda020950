-- Run history, version 1. One schema for SQLite and PostgreSQL: times are epoch microseconds,
-- ids are UUID text; ${SEQUENCE} is each dialect's auto-increment primary key.
CREATE TABLE sluice_flows (
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  description TEXT NOT NULL,
  mermaid TEXT NOT NULL,
  step_count INTEGER NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  PRIMARY KEY (name, version)
);

CREATE TABLE sluice_flow_steps (
  flow_name TEXT NOT NULL,
  flow_version TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  upstreams TEXT NOT NULL,
  PRIMARY KEY (flow_name, flow_version, position)
);

CREATE TABLE sluice_flow_runs (
  id TEXT PRIMARY KEY,
  flow_name TEXT NOT NULL,
  flow_version TEXT NOT NULL,
  parameters TEXT NOT NULL,
  parent_task_run_id TEXT,
  parent_flow_run_id TEXT,
  state_type TEXT NOT NULL,
  state_name TEXT NOT NULL,
  state_message TEXT NOT NULL,
  state_at BIGINT NOT NULL,
  is_final INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  start_time BIGINT NOT NULL,
  end_time BIGINT,
  owner_host TEXT NOT NULL,
  owner_pid BIGINT NOT NULL,
  owner_start BIGINT
);
CREATE INDEX sluice_flow_runs_by_start ON sluice_flow_runs (start_time);
CREATE INDEX sluice_flow_runs_by_flow ON sluice_flow_runs (flow_name, start_time);
CREATE INDEX sluice_flow_runs_by_state ON sluice_flow_runs (state_name, start_time);
CREATE INDEX sluice_flow_runs_unfinished ON sluice_flow_runs (is_final, owner_host);

CREATE TABLE sluice_flow_run_states (
  id ${SEQUENCE},
  flow_run_id TEXT NOT NULL,
  state_type TEXT NOT NULL,
  state_name TEXT NOT NULL,
  state_message TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX sluice_flow_run_states_by_run ON sluice_flow_run_states (flow_run_id, id);

CREATE TABLE sluice_task_runs (
  id TEXT PRIMARY KEY,
  flow_run_id TEXT NOT NULL,
  name TEXT NOT NULL,
  step_name TEXT NOT NULL,
  map_index INTEGER,
  state_type TEXT NOT NULL,
  state_name TEXT NOT NULL,
  state_message TEXT NOT NULL,
  state_at BIGINT NOT NULL,
  is_final INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  created BIGINT NOT NULL,
  start_time BIGINT,
  end_time BIGINT,
  error_type TEXT,
  error_message TEXT,
  error_stack TEXT,
  cache_key TEXT
);
CREATE INDEX sluice_task_runs_by_run ON sluice_task_runs (flow_run_id, created);

CREATE TABLE sluice_task_run_states (
  id ${SEQUENCE},
  task_run_id TEXT NOT NULL,
  flow_run_id TEXT NOT NULL,
  state_type TEXT NOT NULL,
  state_name TEXT NOT NULL,
  state_message TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX sluice_task_run_states_by_run ON sluice_task_run_states (flow_run_id, id);

CREATE TABLE sluice_logs (
  seq ${SEQUENCE},
  flow_run_id TEXT NOT NULL,
  task_run_id TEXT,
  at BIGINT NOT NULL,
  level TEXT NOT NULL,
  logger TEXT NOT NULL,
  thread TEXT NOT NULL,
  message TEXT NOT NULL,
  throwable TEXT,
  mdc TEXT NOT NULL
);
CREATE INDEX sluice_logs_by_run ON sluice_logs (flow_run_id, seq);
