package dev.sluice.store;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.CancelOutcome;
import dev.sluice.api.store.RunOwner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Cancel requests, kept in {@code sluice_cancel_requests} so that any process can ask and the one
 * running the run acts ({@link CancelWatch}). A request is committed when {@link #request} returns.
 * A run whose process is known to be gone is not asked but marked Cancelled at once, with its
 * unfinished task runs, by the writer's own row code ({@link RecordRows}), so the transitions read
 * back as if the engine had recorded them.
 */
final class CancelRequests {
  private final Database database;
  private final ConnectionPool pool;
  private final CommitListeners listeners;
  private final Leases leases;

  CancelRequests(Database database, ConnectionPool pool, CommitListeners listeners, Leases leases) {
    this.leases = leases;
    this.database = database;
    this.pool = pool;
    this.listeners = listeners;
  }

  /** The run's row as a cancel needs it. */
  private record RunRow(String flowName, boolean isFinal, int attempts, RunOwner owner) {}

  /** Asks for {@code flowRunId} to be cancelled, or cancels it when its process is gone. */
  CancelOutcome request(UUID flowRunId, String reason) {
    Objects.requireNonNull(reason, "reason");
    CancelOutcome outcome =
        pool.inTransaction(
            c -> {
              RunRow run = read(c, flowRunId);
              if (run == null) {
                return CancelOutcome.NOT_FOUND;
              }
              if (run.isFinal()) {
                return CancelOutcome.ALREADY_FINAL;
              }
              Instant now = Instant.now();
              try (Statements s = new Statements(c)) {
                if (leases.isKnownDead(c, run.owner())) {
                  cancel(c, s, flowRunId, run, new State.Cancelled(reason), now);
                  return CancelOutcome.CANCELLED;
                }
                try (PreparedStatement upsert =
                    c.prepareStatement(
                        "INSERT INTO sluice_cancel_requests (flow_run_id, reason, at)"
                            + " VALUES (?, ?, ?) ON CONFLICT (flow_run_id) DO UPDATE"
                            + " SET reason = excluded.reason, at = excluded.at")) {
                  upsert.setString(1, flowRunId.toString());
                  upsert.setString(2, reason);
                  upsert.setLong(3, Micros.of(now));
                  upsert.executeUpdate();
                }
                s.addChanges(database.dialect, List.of(flowRunId), Micros.of(now));
                return CancelOutcome.REQUESTED;
              }
            });
    if (outcome == CancelOutcome.REQUESTED || outcome == CancelOutcome.CANCELLED) {
      listeners.committed();
    }
    return outcome;
  }

  /** The run's row, locked until the commit (PostgreSQL); null when there is none. */
  private @Nullable RunRow read(Connection c, UUID flowRunId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT flow_name, is_final, attempts, owner_host, owner_pid, owner_start, owner_lease"
                + " FROM sluice_flow_runs WHERE id = ?"
                + database.dialect.lockingRead())) {
      s.setString(1, flowRunId.toString());
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        long ownerStart = rs.getLong(6);
        Instant started = rs.wasNull() ? null : Micros.toInstant(ownerStart);
        return new RunRow(
            rs.getString(1),
            rs.getInt(2) != 0,
            rs.getInt(3),
            new RunOwner(rs.getString(4), rs.getLong(5), started, rs.getString(7)));
      }
    }
  }

  /**
   * Records {@code cancelled} for every unfinished task run of the run, then for the run, as the
   * engine's events would be recorded.
   */
  private void cancel(
      Connection c, Statements s, UUID flowRunId, RunRow run, State cancelled, Instant now)
      throws SQLException {
    RecordRows rows = new RecordRows(database, s, Set.of());
    try (PreparedStatement tasks =
        c.prepareStatement(
            "SELECT id, name, step_name, map_index, attempts FROM sluice_task_runs"
                + " WHERE flow_run_id = ? AND is_final = 0 ORDER BY created, id")) {
      tasks.setString(1, flowRunId.toString());
      try (ResultSet rs = tasks.executeQuery()) {
        while (rs.next()) {
          int mapIndex = rs.getInt(4);
          boolean element = !rs.wasNull();
          rows.add(
              new TaskRunEvent(
                  flowRunId,
                  run.flowName(),
                  UUID.fromString(rs.getString(1)),
                  rs.getString(2),
                  null,
                  cancelled,
                  now,
                  rs.getInt(5),
                  null,
                  rs.getString(3),
                  element ? mapIndex : -1));
        }
      }
    }
    rows.add(
        new FlowRunEvent(flowRunId, run.flowName(), null, null, cancelled, now, run.attempts()));
    rows.finish(Micros.of(now));
  }

  /** Which of {@code flowRunIds} have a request stored and are not final. */
  Set<UUID> requested(Collection<UUID> flowRunIds) {
    List<String> ids = flowRunIds.stream().map(UUID::toString).distinct().toList();
    if (ids.isEmpty()) {
      return Set.of();
    }
    return pool.with(
        c -> {
          Set<UUID> requested = new HashSet<>();
          for (List<String> chunk : InLists.chunks(ids)) {
            try (PreparedStatement s =
                c.prepareStatement(
                    "SELECT q.flow_run_id FROM sluice_cancel_requests q JOIN sluice_flow_runs r"
                        + " ON r.id = q.flow_run_id WHERE r.is_final = 0 AND q.flow_run_id IN ("
                        + InLists.marks(chunk.size())
                        + ")")) {
              for (int i = 0; i < chunk.size(); i++) {
                s.setString(i + 1, chunk.get(i));
              }
              try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                  requested.add(UUID.fromString(rs.getString(1)));
                }
              }
            }
          }
          return Set.copyOf(requested);
        });
  }
}
