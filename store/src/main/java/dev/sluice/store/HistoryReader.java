package dev.sluice.store;

import dev.sluice.api.StateType;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunPage;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.FlowSummary;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunChange;
import dev.sluice.api.store.RunHistory;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.StateRecord;
import dev.sluice.api.store.StoredLogLine;
import dev.sluice.api.store.TaskRunDetail;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The read side: plain queries on connections of its own (SQLite's WAL lets them read while a
 * writer commits), from a small pool so concurrent readers run side by side.
 */
final class HistoryReader implements RunHistory {
  /** Read connections at most: enough for a server's readers, few enough for SQLite's file. */
  static final int POOL_SIZE = 8;

  /** Task-run ids per {@code IN (...)} list, well below both databases' parameter limits. */
  private static final int IN_CHUNK = 500;

  private static final String RUN_COLUMNS =
      "id, flow_name, flow_version, state_type, state_name, state_message, state_at, start_time,"
          + " end_time, attempts, parent_task_run_id, run_name";

  private final ConnectionPool pool;
  private final CommitListeners listeners;

  HistoryReader(Database database, CommitListeners listeners) {
    this.pool = new ConnectionPool(database, POOL_SIZE);
    this.listeners = listeners;
  }

  private <T> T query(ConnectionPool.Use<T> query) {
    return pool.with(query);
  }

  /** The reader's connections, for tests. */
  ConnectionPool pool() {
    return pool;
  }

  void close() {
    pool.close();
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
    return flowRunPage(q).items();
  }

  @Override
  public FlowRunPage flowRunPage(FlowRunQuery q) {
    StringBuilder sql = new StringBuilder("SELECT " + RUN_COLUMNS + " FROM sluice_flow_runs");
    List<Object> args = new ArrayList<>();
    List<String> where = new ArrayList<>();
    if (q.flowName() != null) {
      where.add("flow_name = ?");
      args.add(q.flowName());
    }
    if (!q.states().isEmpty()) {
      String marks = marks(q.states().size());
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
    if (!q.tags().isEmpty()) {
      where.add(
          "id IN (SELECT flow_run_id FROM sluice_flow_run_tags WHERE tag IN ("
              + marks(q.tags().size())
              + ") GROUP BY flow_run_id HAVING COUNT(*) = ?)");
      args.addAll(q.tags());
      args.add(q.tags().size());
    }
    if (q.cursor() != null) {
      Cursor after = Cursor.decode(q.cursor());
      where.add("(start_time < ? OR (start_time = ? AND id < ?))");
      args.add(after.startMicros());
      args.add(after.startMicros());
      args.add(after.id());
    }
    if (!where.isEmpty()) {
      sql.append(" WHERE ").append(String.join(" AND ", where));
    }
    // One more than asked: whether there is a next page.
    sql.append(" ORDER BY start_time DESC, id DESC LIMIT ?");
    args.add(q.limit() + 1);
    return query(
        c -> {
          List<FlowRunSummary> runs = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
              s.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                runs.add(summary(rs));
              }
            }
          }
          String next = null;
          if (runs.size() > q.limit()) {
            runs = runs.subList(0, q.limit());
            FlowRunSummary last = runs.get(runs.size() - 1);
            next = new Cursor(Micros.of(last.startTime()), last.id().toString()).encode();
          }
          return new FlowRunPage(withTags(c, runs), next);
        });
  }

  private static String marks(int count) {
    return String.join(", ", java.util.Collections.nCopies(count, "?"));
  }

  /**
   * A place in the run listing: the (start time, id) of the last run of a page. Encoded opaquely so
   * clients pass it back rather than build one; its version prefix lets the form change.
   */
  private record Cursor(long startMicros, String id) {
    private static final String VERSION = "1:";

    String encode() {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((VERSION + startMicros + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String text) {
      try {
        String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        if (plain.startsWith(VERSION)) {
          int colon = plain.indexOf(':', VERSION.length());
          long start = Long.parseLong(plain.substring(VERSION.length(), colon));
          String id = UUID.fromString(plain.substring(colon + 1)).toString();
          return new Cursor(start, id);
        }
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        // not one of ours: said below
      }
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a flow-run cursor of this store; pass a nextCursor back as it was");
    }
  }

  /** The runs with their tags, read in one query per chunk of runs. */
  private static List<FlowRunSummary> withTags(Connection c, List<FlowRunSummary> runs)
      throws SQLException {
    Map<UUID, Set<String>> tags = new HashMap<>();
    for (int from = 0; from < runs.size(); from += IN_CHUNK) {
      List<FlowRunSummary> chunk = runs.subList(from, Math.min(runs.size(), from + IN_CHUNK));
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT flow_run_id, tag FROM sluice_flow_run_tags WHERE flow_run_id IN ("
                  + marks(chunk.size())
                  + ")")) {
        for (int i = 0; i < chunk.size(); i++) {
          s.setString(i + 1, chunk.get(i).id().toString());
        }
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            tags.computeIfAbsent(UUID.fromString(rs.getString(1)), k -> new HashSet<>())
                .add(rs.getString(2));
          }
        }
      }
    }
    if (tags.isEmpty()) {
      return runs;
    }
    return runs.stream()
        .map(
            r ->
                tags.containsKey(r.id())
                    ? new FlowRunSummary(
                        r.id(),
                        r.flowName(),
                        r.flowVersion(),
                        r.state(),
                        r.startTime(),
                        r.endTime(),
                        r.attempts(),
                        r.parentTaskRunId(),
                        r.runName(),
                        tags.get(r.id()))
                    : r)
        .toList();
  }

  @Override
  public Optional<FlowRunSummary> flowRunByIdempotencyKey(String flowName, String key) {
    return query(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT "
                      + RUN_COLUMNS
                      + " FROM sluice_flow_runs WHERE flow_name = ? AND idempotency_key = ?")) {
            s.setString(1, flowName);
            s.setString(2, key);
            try (ResultSet rs = s.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              return Optional.of(withTags(c, List.of(summary(rs))).get(0));
            }
          }
        });
  }

  @Override
  public List<RunChange> changesAfter(long afterSequence, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("the limit of a change query must be >= 1, was " + limit);
    }
    return query(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT seq, flow_run_id, at FROM sluice_changes WHERE seq > ? ORDER BY seq"
                      + " LIMIT ?")) {
            s.setLong(1, afterSequence);
            s.setInt(2, limit);
            List<RunChange> changes = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                changes.add(
                    new RunChange(
                        rs.getLong(1),
                        UUID.fromString(rs.getString(2)),
                        Micros.toInstant(rs.getLong(3))));
              }
            }
            return changes;
          }
        });
  }

  @Override
  public void addCommitListener(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public void removeCommitListener(Runnable listener) {
    listeners.remove(listener);
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
        parent == null ? null : UUID.fromString(parent),
        rs.getString(12),
        Set.of());
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
          String idempotencyKey;
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT "
                      + RUN_COLUMNS
                      + ", parameters, parent_flow_run_id, owner_host, owner_pid, owner_start,"
                      + " idempotency_key FROM sluice_flow_runs WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              run = summary(rs);
              parameters = rs.getString(13);
              parentFlowRun = rs.getString(14);
              long ownerStart = rs.getLong(17);
              owner =
                  new RunOwner(
                      rs.getString(15),
                      rs.getLong(16),
                      rs.wasNull() ? null : Micros.toInstant(ownerStart));
              idempotencyKey = rs.getString(18);
            }
          }
          run = withTags(c, List.of(run)).get(0);
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
                  tasks,
                  idempotencyKey));
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
