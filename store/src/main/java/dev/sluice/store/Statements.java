package dev.sluice.store;

import dev.sluice.api.State;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.LogLine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The prepared statements of write transactions, on one connection: the writer's, kept for as long
 * as its connection, or those of one synchronous write (closed with it). The SQL runs on SQLite and
 * PostgreSQL.
 */
final class Statements implements AutoCloseable {
  /** Separates the upstream names of a step in {@code sluice_flow_steps.upstreams}. */
  static final String UPSTREAM_SEPARATOR = "\u001f";

  final Connection connection;
  final PreparedStatement flowRunInsert;
  final PreparedStatement tagInsert;
  final PreparedStatement changeInsert;
  final PreparedStatement flowRunUpdate;
  final PreparedStatement flowState;
  final PreparedStatement taskState;
  final PreparedStatement taskUpsert;
  final PreparedStatement log;
  final PreparedStatement ingestClaim;

  Statements(Connection connection) throws SQLException {
    this.connection = connection;
    flowRunInsert =
        connection.prepareStatement(
            "INSERT INTO sluice_flow_runs (id, flow_name, flow_version, parameters,"
                + " parent_task_run_id, parent_flow_run_id, state_type, state_name, state_message,"
                + " state_at, is_final, attempts, start_time, owner_host, owner_pid, owner_start,"
                + " run_name, idempotency_key, owner_lease)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                // A run already recorded (same id: started twice; or same flow and idempotency
                // key) keeps its first start.
                + " ON CONFLICT DO NOTHING");
    tagInsert =
        connection.prepareStatement(
            "INSERT INTO sluice_flow_run_tags (flow_run_id, tag) VALUES (?, ?)"
                + " ON CONFLICT DO NOTHING");
    changeInsert =
        connection.prepareStatement("INSERT INTO sluice_changes (flow_run_id, at) VALUES (?, ?)");
    flowRunUpdate =
        connection.prepareStatement(
            "UPDATE sluice_flow_runs SET state_type = ?, state_name = ?, state_message = ?,"
                + " state_at = ?, is_final = ?, attempts = ?, end_time = ? WHERE id = ?");
    flowState =
        connection.prepareStatement(
            "INSERT INTO sluice_flow_run_states (flow_run_id, state_type, state_name,"
                + " state_message, at) VALUES (?, ?, ?, ?, ?)");
    taskState =
        connection.prepareStatement(
            "INSERT INTO sluice_task_run_states (task_run_id, flow_run_id, state_type, state_name,"
                + " state_message, at) VALUES (?, ?, ?, ?, ?, ?)");
    taskUpsert =
        connection.prepareStatement(
            "INSERT INTO sluice_task_runs (id, flow_run_id, name, step_name, map_index, state_type,"
                + " state_name, state_message, state_at, is_final, attempts, created, start_time,"
                + " end_time, error_type, error_message, error_stack, cache_key)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (id) DO UPDATE SET state_type = excluded.state_type,"
                + " state_name = excluded.state_name, state_message = excluded.state_message,"
                + " state_at = excluded.state_at, is_final = excluded.is_final,"
                + " attempts = CASE WHEN excluded.attempts > sluice_task_runs.attempts"
                + " THEN excluded.attempts ELSE sluice_task_runs.attempts END,"
                + " start_time = COALESCE(sluice_task_runs.start_time, excluded.start_time),"
                + " end_time = excluded.end_time,"
                + errorColumn("error_type")
                + ","
                + errorColumn("error_message")
                + ","
                + errorColumn("error_stack")
                + ", cache_key = COALESCE(excluded.cache_key, sluice_task_runs.cache_key)");
    log =
        connection.prepareStatement(
            "INSERT INTO sluice_logs (flow_run_id, task_run_id, at, level, logger, thread,"
                + " message, throwable, mdc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ingestClaim =
        connection.prepareStatement(
            "INSERT INTO sluice_ingest_sources (source, last_sequence, at) VALUES (?, ?, ?)"
                + " ON CONFLICT (source) DO UPDATE SET last_sequence = excluded.last_sequence,"
                + " at = excluded.at"
                + " WHERE sluice_ingest_sources.last_sequence < excluded.last_sequence");
  }

  /**
   * Claims place {@code sequence} of {@code source}'s record batches for the transaction: true when
   * it is above the last one stored (now it is the last), false for a repeat. One statement reads
   * and moves the source's last sequence, so two transactions claiming the same batch at once
   * (PostgreSQL: the second waits for the first's row, then finds the sequence taken) store it
   * once.
   */
  boolean claimIngest(String source, long sequence, long at) throws SQLException {
    ingestClaim.setString(1, source);
    ingestClaim.setLong(2, sequence);
    ingestClaim.setLong(3, at);
    return ingestClaim.executeUpdate() > 0;
  }

  /**
   * A new error replaces the old; a reset to Pending (flow retry) in the batch clears it (the
   * parameter, bound once per error column); else it stays.
   */
  private static String errorColumn(String column) {
    return " "
        + column
        + " = CASE WHEN excluded.error_type IS NOT NULL THEN excluded."
        + column
        + " WHEN ? = 1 THEN NULL ELSE sluice_task_runs."
        + column
        + " END";
  }

  void addState(
      PreparedStatement statement,
      @Nullable UUID taskRunId,
      UUID flowRunId,
      State state,
      Instant at)
      throws SQLException {
    int i = 1;
    if (taskRunId != null) {
      statement.setString(i++, taskRunId.toString());
    }
    statement.setString(i++, flowRunId.toString());
    statement.setString(i++, state.type().name());
    statement.setString(i++, state.name());
    statement.setString(i++, state.message());
    statement.setLong(i, Micros.of(at));
    statement.addBatch();
  }

  void addLog(LogLine line) throws SQLException {
    int i = 1;
    log.setString(i++, line.flowRunId().toString());
    setUuid(log, i++, line.taskRunId());
    log.setLong(i++, Micros.of(line.at()));
    log.setString(i++, line.level());
    log.setString(i++, line.logger());
    log.setString(i++, line.thread());
    log.setString(i++, line.message());
    log.setString(i++, line.throwable());
    log.setString(i, MdcText.encode(line.mdc()));
    log.addBatch();
  }

  /** Records (or replaces) a flow's definition for its name and version. */
  void writeFlow(FlowInfo flow, long at) throws SQLException {
    try (PreparedStatement upsert =
        connection.prepareStatement(
            "INSERT INTO sluice_flows (name, version, description, mermaid, step_count,"
                + " first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name, version)"
                + " DO UPDATE SET description = excluded.description, mermaid = excluded.mermaid,"
                + " step_count = excluded.step_count, last_seen = excluded.last_seen")) {
      upsert.setString(1, flow.name());
      upsert.setString(2, flow.version());
      upsert.setString(3, flow.description());
      upsert.setString(4, flow.mermaid());
      upsert.setInt(5, flow.steps().size());
      upsert.setLong(6, at);
      upsert.setLong(7, at);
      upsert.executeUpdate();
    }
    try (PreparedStatement delete =
        connection.prepareStatement(
            "DELETE FROM sluice_flow_steps WHERE flow_name = ? AND flow_version = ?")) {
      delete.setString(1, flow.name());
      delete.setString(2, flow.version());
      delete.executeUpdate();
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO sluice_flow_steps (flow_name, flow_version, position, name, kind,"
                + " upstreams) VALUES (?, ?, ?, ?, ?, ?)")) {
      int position = 0;
      for (FlowInfo.StepInfo step : flow.steps()) {
        insert.setString(1, flow.name());
        insert.setString(2, flow.version());
        insert.setInt(3, position++);
        insert.setString(4, step.name());
        insert.setString(5, step.kind());
        insert.setString(6, String.join(UPSTREAM_SEPARATOR, step.upstreams()));
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /**
   * Adds the change-feed rows of a transaction, one per flow run it changed, under the dialect's
   * change lock (held until the commit that follows).
   */
  void addChanges(Dialect dialect, Collection<UUID> flowRunIds, long at) throws SQLException {
    if (flowRunIds.isEmpty()) {
      return;
    }
    dialect.lockForChanges(connection);
    for (UUID id : flowRunIds) {
      changeInsert.setString(1, id.toString());
      changeInsert.setLong(2, at);
      changeInsert.addBatch();
    }
    changeInsert.executeBatch();
  }

  /** Closes the statements; the connection stays open. */
  @Override
  public void close() throws SQLException {
    for (PreparedStatement statement :
        List.of(
            flowRunInsert,
            tagInsert,
            changeInsert,
            flowRunUpdate,
            flowState,
            taskState,
            taskUpsert,
            log,
            ingestClaim)) {
      statement.close();
    }
  }

  /** Binds an id that may be null. */
  static void setUuid(PreparedStatement statement, int index, @Nullable UUID id)
      throws SQLException {
    if (id == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, id.toString());
    }
  }
}
