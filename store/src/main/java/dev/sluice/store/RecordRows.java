package dev.sluice.store;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.IngestBatch;
import dev.sluice.api.store.LogLine;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run records as rows, inside one open write transaction: flow runs, their states, task runs (one
 * upsert per task run, see {@link TaskRow}), task-run states, log lines and record batches of other
 * processes, then one change-feed row per flow run changed. The writer uses one per batch ({@link
 * BatchRows}); a cancel of a run whose process is gone ({@link CancelRequests}) uses one for its
 * transitions, so a transition is stored the same way wherever it comes from. Not thread-safe; the
 * caller begins and commits the transaction.
 */
final class RecordRows {
  // The writer's logger, as before the split: users' logging configurations name it.
  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

  private final Database database;
  private final Statements s;

  /** The flows committed transactions wrote already (flow key, see {@link #flowRunStarted}). */
  private final Set<String> flowsWritten;

  private final List<String> flowsAdded = new ArrayList<>();
  private final Set<UUID> changed = new LinkedHashSet<>();
  private final Map<UUID, TaskRow> tasks = new LinkedHashMap<>();

  /**
   * @param flowsWritten the flows already stored by this connection's committed transactions, not
   *     written again; read only
   */
  RecordRows(Database database, Statements statements, Set<String> flowsWritten) {
    this.database = database;
    this.s = statements;
    this.flowsWritten = flowsWritten;
  }

  /**
   * Adds the rows of {@code record}: a {@link FlowRunStart}, {@link FlowRunEvent}, {@link
   * TaskRunEvent}, {@link LogLine} or {@link IngestBatch}.
   */
  /** Whether the records being added came in a batch from another process ({@link #ingest}). */
  private boolean ingesting;

  void add(Object record) throws SQLException {
    switch (record) {
      case TaskRunEvent event -> {
        changed.add(event.flowRunId());
        s.addState(s.taskState, event.taskRunId(), event.flowRunId(), event.state(), event.at());
        tasks.computeIfAbsent(event.taskRunId(), id -> newTaskRow(event)).apply(event);
      }
      case LogLine line -> {
        changed.add(line.flowRunId());
        s.addLog(line);
      }
      case FlowRunEvent event -> {
        changed.add(event.flowRunId());
        flowRunStateChanged(event);
      }
      case FlowRunStart start -> {
        changed.add(start.flowRunId());
        flowRunStarted(start);
      }
      case IngestBatch batch -> ingest(batch);
      default -> throw new IllegalArgumentException("not a run record: " + record);
    }
  }

  /**
   * A batch of another process's records: stored, with its place in its source's sequence, only
   * when that place is new; a repeat stores nothing. Its records join this transaction, so the
   * batch and its sequence commit (or roll back, and are retried) together.
   */
  private void ingest(IngestBatch batch) throws SQLException {
    if (!s.claimIngest(batch.source(), batch.sequence(), Micros.of(Instant.now()))) {
      log.debug(
          "the run store {} already holds record batch {} of {}; skipping its repeat",
          database.display(),
          batch.sequence(),
          batch.source());
      return;
    }
    ingesting = true;
    try {
      for (Object record : batch.records()) {
        add(record);
      }
    } finally {
      ingesting = false;
    }
  }

  /**
   * Writes the rows {@link #add} collected and the change-feed rows, last, so the change lock
   * (PostgreSQL) is held only from here to the commit that follows.
   *
   * @return the flow runs changed, empty when nothing was written
   */
  Set<UUID> finish(long nowMicros) throws SQLException {
    s.taskState.executeBatch();
    for (TaskRow row : tasks.values()) {
      row.bind(s.taskUpsert);
      s.taskUpsert.addBatch();
    }
    s.taskUpsert.executeBatch();
    s.log.executeBatch();
    s.addChanges(database.dialect, changed, nowMicros);
    return changed;
  }

  /** The flows this transaction wrote, for the caller's {@code flowsWritten} once committed. */
  List<String> flowsAdded() {
    return flowsAdded;
  }

  private void flowRunStarted(FlowRunStart start) throws SQLException {
    FlowInfo flow = start.flow();
    long at = Micros.of(start.at());
    String flowKey = flow.structureHash(); // the full structure: no 32-bit collisions
    if (!flowsWritten.contains(flowKey) && !flowsAdded.contains(flowKey)) {
      s.writeFlow(flow, at);
      flowsAdded.add(flowKey);
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
    insert.setString(i++, start.idempotencyKey());
    // A run recorded through the server names no lease: its process holds none in this database
    // (it is judged by its process, as before leases, until agents heartbeat through the API).
    insert.setString(i, ingesting ? null : start.owner().instance());
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

  private void flowRunStateChanged(FlowRunEvent event) throws SQLException {
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
