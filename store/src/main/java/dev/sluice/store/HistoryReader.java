package dev.sluice.store;

import dev.sluice.api.StateType;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.FlowSummary;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunHistory;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunStoreException;
import dev.sluice.api.store.StateRecord;
import dev.sluice.api.store.StoredLogLine;
import dev.sluice.api.store.TaskRunDetail;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The read side: plain queries on a connection of its own (SQLite's WAL lets it read while a writer
 * commits), one query at a time.
 */
final class HistoryReader implements RunHistory {
  private static final String RUN_COLUMNS =
      "id, flow_name, flow_version, state_type, state_name, state_message, state_at, start_time,"
          + " end_time, attempts, parent_task_run_id";

  private final Database database;
  private @Nullable Connection connection;

  HistoryReader(Database database) {
    this.database = database;
  }

  private interface Query<T> {
    T run(Connection connection) throws SQLException;
  }

  private synchronized <T> T query(Query<T> query) {
    try {
      if (connection == null) {
        connection = database.connect();
      }
      return query.run(connection);
    } catch (SQLException e) {
      close();
      throw new RunStoreException(
          "reading the run store " + database.display() + " failed: " + e.getMessage(), e);
    }
  }

  synchronized void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
      connection = null;
    }
  }

  @Override
  public List<FlowSummary> flows() {
    return query(
        c -> {
          Map<String, FlowSummary> flows = new LinkedHashMap<>();
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT name, version, description, step_count FROM sluice_flows"
                          + " ORDER BY name, last_seen");
              ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              flows.put(
                  rs.getString(1),
                  new FlowSummary(
                      rs.getString(1),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getInt(4),
                      0,
                      null,
                      null));
            }
          }
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT r.flow_name, r.flow_version, r.state_name, r.start_time, n.runs"
                          + " FROM sluice_flow_runs r JOIN (SELECT flow_name, COUNT(*) AS runs,"
                          + " MAX(start_time) AS latest FROM sluice_flow_runs GROUP BY flow_name) n"
                          + " ON r.flow_name = n.flow_name AND r.start_time = n.latest");
              ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              FlowSummary known = flows.get(rs.getString(1));
              if (known != null) {
                flows.put(
                    known.name(),
                    new FlowSummary(
                        known.name(),
                        rs.getString(2),
                        known.description(),
                        known.steps(),
                        rs.getLong(5),
                        Micros.toInstant(rs.getLong(4)),
                        rs.getString(3)));
              }
            }
          }
          return List.copyOf(flows.values());
        });
  }

  @Override
  public List<FlowRunSummary> flowRuns(FlowRunQuery q) {
    StringBuilder sql = new StringBuilder("SELECT " + RUN_COLUMNS + " FROM sluice_flow_runs");
    List<Object> args = new ArrayList<>();
    List<String> where = new ArrayList<>();
    if (q.flowName() != null) {
      where.add("flow_name = ?");
      args.add(q.flowName());
    }
    if (!q.states().isEmpty()) {
      String marks = String.join(", ", q.states().stream().map(s -> "?").toList());
      where.add("(LOWER(state_name) IN (" + marks + ") OR LOWER(state_type) IN (" + marks + "))");
      args.addAll(q.states());
      args.addAll(q.states());
    }
    if (q.since() != null) {
      where.add("start_time >= ?");
      args.add(Micros.of(q.since()));
    }
    if (q.idPrefix() != null) {
      where.add("id LIKE ?");
      args.add(q.idPrefix().replace("%", "").replace("_", "") + "%");
    }
    if (!where.isEmpty()) {
      sql.append(" WHERE ").append(String.join(" AND ", where));
    }
    sql.append(" ORDER BY start_time DESC, id DESC LIMIT ?");
    args.add(q.limit());
    return query(
        c -> {
          try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
              s.setObject(i + 1, args.get(i));
            }
            List<FlowRunSummary> runs = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                runs.add(summary(rs));
              }
            }
            return runs;
          }
        });
  }

  private static FlowRunSummary summary(ResultSet rs) throws SQLException {
    long end = rs.getLong(9);
    boolean hasEnd = !rs.wasNull();
    String parent = rs.getString(11);
    return new FlowRunSummary(
        UUID.fromString(rs.getString(1)),
        rs.getString(2),
        rs.getString(3),
        new StateRecord(
            StateType.valueOf(rs.getString(4)),
            rs.getString(5),
            rs.getString(6),
            Micros.toInstant(rs.getLong(7))),
        Micros.toInstant(rs.getLong(8)),
        hasEnd ? Micros.toInstant(end) : null,
        rs.getInt(10),
        parent == null ? null : UUID.fromString(parent));
  }

  @Override
  public Optional<FlowRunDetail> flowRun(UUID flowRunId) {
    String id = flowRunId.toString();
    return query(
        c -> {
          FlowRunSummary run;
          String parameters;
          String parentFlowRun;
          RunOwner owner;
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT "
                      + RUN_COLUMNS
                      + ", parameters, parent_flow_run_id, owner_host, owner_pid, owner_start"
                      + " FROM sluice_flow_runs WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              run = summary(rs);
              parameters = rs.getString(12);
              parentFlowRun = rs.getString(13);
              long ownerStart = rs.getLong(16);
              owner =
                  new RunOwner(
                      rs.getString(14),
                      rs.getLong(15),
                      rs.wasNull() ? null : Micros.toInstant(ownerStart));
            }
          }
          FlowInfo flow = flow(c, run.flowName(), run.flowVersion());
          List<StateRecord> history = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT state_type, state_name, state_message, at FROM sluice_flow_run_states"
                      + " WHERE flow_run_id = ? ORDER BY id")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                history.add(state(rs, 1));
              }
            }
          }
          Map<String, List<StateRecord>> taskHistories = new HashMap<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT task_run_id, state_type, state_name, state_message, at"
                      + " FROM sluice_task_run_states WHERE flow_run_id = ? ORDER BY id")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                taskHistories
                    .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                    .add(state(rs, 2));
              }
            }
          }
          List<TaskRunDetail> tasks = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT id, name, step_name, map_index, state_type, state_name, state_message,"
                      + " state_at, attempts, start_time, end_time, error_type, error_message,"
                      + " error_stack, cache_key FROM sluice_task_runs WHERE flow_run_id = ?"
                      + " ORDER BY created, id")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                int mapIndex = rs.getInt(4);
                Integer index = rs.wasNull() ? null : mapIndex;
                long start = rs.getLong(10);
                Instant startTime = rs.wasNull() ? null : Micros.toInstant(start);
                long end = rs.getLong(11);
                Instant endTime = rs.wasNull() ? null : Micros.toInstant(end);
                String errorType = rs.getString(12);
                tasks.add(
                    new TaskRunDetail(
                        UUID.fromString(rs.getString(1)),
                        flowRunId,
                        rs.getString(2),
                        rs.getString(3),
                        index,
                        state(rs, 5),
                        rs.getInt(9),
                        startTime,
                        endTime,
                        errorType == null
                            ? null
                            : new TaskRunDetail.ErrorInfo(
                                errorType, rs.getString(13), rs.getString(14)),
                        rs.getString(15),
                        taskHistories.getOrDefault(rs.getString(1), List.of())));
              }
            }
          }
          return Optional.of(
              new FlowRunDetail(
                  run,
                  flow,
                  parameters,
                  parentFlowRun == null ? null : UUID.fromString(parentFlowRun),
                  owner,
                  history,
                  tasks));
        });
  }

  private static FlowInfo flow(Connection c, String name, String version) throws SQLException {
    String description = "";
    String mermaid = "";
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT description, mermaid FROM sluice_flows WHERE name = ? AND version = ?")) {
      s.setString(1, name);
      s.setString(2, version);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          description = rs.getString(1);
          mermaid = rs.getString(2);
        }
      }
    }
    List<FlowInfo.StepInfo> steps = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT name, kind, upstreams FROM sluice_flow_steps WHERE flow_name = ? AND"
                + " flow_version = ? ORDER BY position")) {
      s.setString(1, name);
      s.setString(2, version);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String upstreams = rs.getString(3);
          steps.add(
              new FlowInfo.StepInfo(
                  rs.getString(1),
                  rs.getString(2),
                  upstreams.isEmpty()
                      ? List.of()
                      : Arrays.asList(upstreams.split(Statements.UPSTREAM_SEPARATOR, -1))));
        }
      }
    }
    return new FlowInfo(name, version, description, steps, mermaid);
  }

  private static StateRecord state(ResultSet rs, int first) throws SQLException {
    return new StateRecord(
        StateType.valueOf(rs.getString(first)),
        rs.getString(first + 1),
        rs.getString(first + 2),
        Micros.toInstant(rs.getLong(first + 3)));
  }

  @Override
  public List<StoredLogLine> logs(UUID flowRunId, long afterSequence, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("the limit of a log query must be >= 1, was " + limit);
    }
    return query(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT seq, task_run_id, at, level, logger, thread, message, throwable, mdc"
                      + " FROM sluice_logs WHERE flow_run_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
            s.setString(1, flowRunId.toString());
            s.setLong(2, afterSequence);
            s.setInt(3, limit);
            List<StoredLogLine> lines = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                String task = rs.getString(2);
                lines.add(
                    new StoredLogLine(
                        rs.getLong(1),
                        new LogLine(
                            flowRunId,
                            task == null ? null : UUID.fromString(task),
                            Micros.toInstant(rs.getLong(3)),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7),
                            rs.getString(8),
                            MdcText.decode(rs.getString(9)))));
              }
            }
            return lines;
          }
        });
  }
}
