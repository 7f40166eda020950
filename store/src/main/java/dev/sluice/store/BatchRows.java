package dev.sluice.store;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.LogLine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The row mapping: writes one batch of records as rows in one transaction — flow runs, their
 * states, task runs (one upsert per task run and batch, see {@link TaskRow}), task-run states and
 * log lines — with one change-feed row per flow run changed, then wakes the commit listeners and
 * releases the batch's flushes. Owns the writer's connection. Writer thread only.
 */
final class BatchRows {
  // The writer's logger, as before the split: users' logging configurations name it.
  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

  private final Database database;
  private @Nullable Connection connection;
  private @Nullable Statements statements;
  private final Set<String> flowsWritten = new HashSet<>();

  /** What the batch being written adds to the set above, applied once it is committed. */
  private final List<String> flowsInBatch = new ArrayList<>();

  private final CommitListeners listeners;

  /** The flow runs the batch being written changed, for its change-feed rows. */
  private final Set<UUID> changedInBatch = new LinkedHashSet<>();

  BatchRows(Database database, CommitListeners listeners) {
    this.database = database;
    this.listeners = listeners;
  }

  /** Closes the connection; the next {@link #write} opens a new one. */
  void disconnect() {
    Connection c = connection;
    connection = null;
    statements = null;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already broken
      }
    }
  }

  /** Writes {@code batch} in one transaction, rolled back if anything fails. */
  void write(List<Object> batch) throws SQLException {
    if (connection == null) {
      connection = database.connect();
      statements = new Statements(connection);
    }
    Connection c = connection;
    Statements s = Objects.requireNonNull(statements, "prepared with the connection");
    Dialect dialect = database.dialect;
    dialect.begin(c);
    List<BatchWriter.Flush> flushes = new ArrayList<>();
    flowsInBatch.clear();
    changedInBatch.clear();
    boolean committed = false;
    try {
      Map<UUID, TaskRow> tasks = new LinkedHashMap<>();
      for (Object record : batch) {
        switch (record) {
          case TaskRunEvent event -> {
            changedInBatch.add(event.flowRunId());
            s.addState(
                s.taskState, event.taskRunId(), event.flowRunId(), event.state(), event.at());
            tasks.computeIfAbsent(event.taskRunId(), id -> newTaskRow(event)).apply(event);
          }
          case LogLine line -> {
            changedInBatch.add(line.flowRunId());
            s.addLog(line);
          }
          case FlowRunEvent event -> {
            changedInBatch.add(event.flowRunId());
            flowRunStateChanged(s, event);
          }
          case FlowRunStart start -> {
            changedInBatch.add(start.flowRunId());
            flowRunStarted(s, start);
          }
          case BatchWriter.Flush flush -> flushes.add(flush);
          default -> throw new IllegalArgumentException("not a run record: " + record);
        }
      }
      s.taskState.executeBatch();
      for (TaskRow row : tasks.values()) {
        row.bind(s.taskUpsert);
        s.taskUpsert.addBatch();
      }
      s.taskUpsert.executeBatch();
      s.log.executeBatch();
      // Last, so the change lock (PostgreSQL) is held only from here to the commit.
      s.addChanges(dialect, changedInBatch, Micros.of(Instant.now()));
      dialect.commit(c);
      committed = true;
    } finally {
      if (!committed) {
        dialect.rollback(c);
      }
    }
    flowsWritten.addAll(flowsInBatch);
    if (!changedInBatch.isEmpty()) {
      listeners.committed();
    }
    flushes.forEach(f -> f.done().countDown());
  }

  private void flowRunStarted(Statements s, FlowRunStart start) throws SQLException {
    FlowInfo flow = start.flow();
    long at = Micros.of(start.at());
    String flowKey = flow.name() + '\0' + flow.version() + '\0' + flow.mermaid().hashCode();
    if (!flowsWritten.contains(flowKey) && !flowsInBatch.contains(flowKey)) {
      s.writeFlow(flow, at);
      flowsInBatch.add(flowKey);
    }
    PreparedStatement insert = s.flowRunInsert;
    int i = 1;
    insert.setString(i++, start.flowRunId().toString());
    insert.setString(i++, flow.name());
    insert.setString(i++, flow.version());
    insert.setString(i++, start.parametersJson());
    Statements.setUuid(insert, i++, start.parentTaskRunId());
    Statements.setUuid(insert, i++, start.parentFlowRunId());
    insert.setString(i++, State.PENDING.type().name());
    insert.setString(i++, State.PENDING.name());
    insert.setString(i++, "");
    insert.setLong(i++, at);
    insert.setInt(i++, 0);
    insert.setInt(i++, 0);
    insert.setLong(i++, at);
    insert.setString(i++, start.owner().host());
    insert.setLong(i++, start.owner().pid());
    Long ownerStart = Micros.ofNullable(start.owner().processStart());
    if (ownerStart == null) {
      insert.setNull(i++, Types.BIGINT);
    } else {
      insert.setLong(i++, ownerStart);
    }
    insert.setString(i++, start.runName());
    insert.setString(i, start.idempotencyKey());
    if (insert.executeUpdate() == 0) {
      // A restarted agent starting the same scheduled run again, or a second start with a key
      // already used: the first start stands, its state history gets no second Pending.
      log.warn(
          "the run store {} already holds flow run {} (or a run of flow '{}' with idempotency key"
              + " '{}'); keeping the first start",
          database.display(),
          start.flowRunId(),
          flow.name(),
          start.idempotencyKey());
      return;
    }
    for (String tag : start.tags()) {
      s.tagInsert.setString(1, start.flowRunId().toString());
      s.tagInsert.setString(2, tag);
      s.tagInsert.addBatch();
    }
    if (!start.tags().isEmpty()) {
      s.tagInsert.executeBatch();
    }
    s.addState(s.flowState, null, start.flowRunId(), State.PENDING, start.at());
    s.flowState.executeBatch();
  }

  private static void flowRunStateChanged(Statements s, FlowRunEvent event) throws SQLException {
    s.addState(s.flowState, null, event.flowRunId(), event.state(), event.at());
    s.flowState.executeBatch();
    State state = event.state();
    boolean isFinal = state.isFinal();
    PreparedStatement update = s.flowRunUpdate;
    int i = 1;
    update.setString(i++, state.type().name());
    update.setString(i++, state.name());
    update.setString(i++, state.message());
    update.setLong(i++, Micros.of(event.at()));
    update.setInt(i++, isFinal ? 1 : 0);
    update.setInt(i++, event.attempt());
    if (isFinal) {
      update.setLong(i++, Micros.of(event.at()));
    } else {
      update.setNull(i++, Types.BIGINT);
    }
    update.setString(i, event.flowRunId().toString());
    update.executeUpdate();
  }

  private static TaskRow newTaskRow(TaskRunEvent event) {
    return new TaskRow(
        event.taskRunId(),
        event.flowRunId(),
        event.taskName(),
        event.stepName(),
        event.mapIndex() < 0 ? null : event.mapIndex(),
        event.at());
  }
}
