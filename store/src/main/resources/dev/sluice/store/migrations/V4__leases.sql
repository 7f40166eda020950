-- Version 4: run ownership by lease (see docs/run-history.md, "Crashed runs").

-- Leases: a holder (a random instance id) says it is alive by renewing its lease before it
-- expires. A Sluice process holds one while it records runs (kind 'process'); the agents of the
-- orchestration service hold the same kind of lease (kind 'agent'), and the server's heartbeat
-- check marks the runs of an expired lease Crashed with the same query.
CREATE TABLE sluice_leases (
  holder TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  host TEXT NOT NULL,
  pid BIGINT NOT NULL,
  acquired_at BIGINT NOT NULL,
  renewed_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);

-- The lease that owns each run: RunOwner.instance. Null for runs recorded before version 4, which
-- are judged by their process as before.
ALTER TABLE sluice_flow_runs ADD COLUMN owner_lease TEXT;

CREATE INDEX sluice_flow_runs_by_lease ON sluice_flow_runs (is_final, owner_lease);
