-- Version 3: what the orchestration server keeps in the run store (see docs/run-history.md).

-- Record batches received from processes recording through the server: the last sequence stored
-- per source, so a batch sent twice is stored once (RunRecorder.ingest).
CREATE TABLE sluice_ingest_sources (
  source TEXT PRIMARY KEY,
  last_sequence BIGINT NOT NULL,
  at BIGINT NOT NULL
);

-- Cancel requests of runs whose process may be alive; that process acts on them.
CREATE TABLE sluice_cancel_requests (
  flow_run_id TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  at BIGINT NOT NULL
);

-- The server's API tokens, by SHA-256 hash (never the token).
CREATE TABLE sluice_api_tokens (
  name TEXT PRIMARY KEY,
  scope TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created BIGINT NOT NULL,
  last_used BIGINT
);

-- One task run with its state history (RunHistory.taskRun): by task run, in order.
CREATE INDEX sluice_task_run_states_by_task ON sluice_task_run_states (task_run_id, id);
