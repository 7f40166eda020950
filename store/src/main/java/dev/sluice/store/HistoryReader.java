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
import dev.sluice.api.store.RunCountBucket;
import dev.sluice.api.store.RunCountQuery;
import dev.sluice.api.store.RunHistory;
import dev.sluice.api.store.RunOwner;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The read side: plain queries on connections of its own (SQLite's WAL lets them read while a
 * writer commits), from a small pool so concurrent readers run side by side.
 */
final class HistoryReader implements RunHistory {
  /**
   * The store's pooled connections at most (reads, and the short synchronous writes of cancel
   * requests and tokens): enough for a server's readers, few enough for SQLite's file.
   */
  static final int POOL_SIZE = 8;

  private static final String TASK_COLUMNS =
      "id, name, step_name, map_index, state_type, state_name, state_message, state_at, attempts,"
          + " start_time, end_time, error_type, error_message, error_stack, cache_key, flow_run_id";

  private static final String RUN_COLUMNS =
      "id, flow_name, flow_version, state_type, state_name, state_message, state_at, start_time,"
          + " end_time, attempts, parent_task_run_id, run_name";

  private final ConnectionPool pool;
  private final CommitListeners listeners;

  /**
   * @param pool the store's connections, closed by the store
   */
  HistoryReader(ConnectionPool pool, CommitListeners listeners) {
    this.pool = pool;
    this.listeners = listeners;
  }

  private <T> T query(ConnectionPool.Use<T> query) {
    return pool.with(query);
  }

  /** The reader's connections, for tests. */
  ConnectionPool pool() {
    return pool;
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

  /** Below this many runs, a tag is rare: the listing starts from the runs that carry it. */
  static final int RARE_TAG_RUNS = 5_000;

  /** The tag of {@code tags} the fewest runs carry, when fewer than {@link #RARE_TAG_RUNS} do. */
  private static @Nullable String rarestTag(Connection c, Set<String> tags) throws SQLException {
    String rarest = null;
    int fewest = RARE_TAG_RUNS;
    for (String tag : tags) {
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT COUNT(*) FROM (SELECT 1 FROM sluice_flow_run_tags WHERE tag = ? LIMIT ?) t")) {
        s.setString(1, tag);
        s.setInt(2, RARE_TAG_RUNS);
        try (ResultSet rs = s.executeQuery()) {
          int count = rs.next() ? rs.getInt(1) : 0;
          if (count < fewest) {
            fewest = count;
            rarest = tag;
          }
        }
      }
    }
    return rarest;
  }

  /** The filters of {@code q} (not its cursor), with {@code rare} its rarest tag if any. */
  private static RunConditions filters(FlowRunQuery q, @Nullable String rare) {
    return new RunConditions()
        .flowName(q.flowName())
        .states(q.states())
        .startedIn(q.since(), q.until())
        .idPrefix(q.idPrefix())
        .text(q.text())
        .tags(q.tags(), rare);
  }

  @Override
  public FlowRunPage flowRunPage(FlowRunQuery q) {
    String cursor = q.cursor();
    RunCursor after = cursor == null ? null : RunCursor.decode(cursor, q.oldestFirst());
    String order = q.oldestFirst() ? "ASC" : "DESC";
    return query(
        c -> {
          String rare = rarestTag(c, q.tags());
          RunConditions where = filters(q, rare).after(after);
          // One more than asked: whether there is a next page. With a rare tag, "+start_time"
          // keeps the planner from walking the start-time index: the tagged runs are few, and
          // sorting them is cheaper than reading every run to find them.
          String sql =
              "SELECT "
                  + RUN_COLUMNS
                  + " FROM sluice_flow_runs"
                  + where.where()
                  + " ORDER BY "
                  + (rare != null ? "+start_time " : "start_time ")
                  + order
                  + ", id "
                  + order
                  + " LIMIT ?";
          List<FlowRunSummary> runs = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setInt(where.bind(s, 1), q.limit() + 1);
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
            next =
                new RunCursor(Micros.of(last.startTime()), last.id().toString(), q.oldestFirst())
                    .encode();
          }
          return new FlowRunPage(withTags(c, runs), next);
        });
  }

  @Override
  public long flowRunCount(FlowRunQuery q) {
    return query(
        c -> {
          RunConditions where = filters(q, rarestTag(c, q.tags()));
          try (PreparedStatement s =
              c.prepareStatement("SELECT COUNT(*) FROM sluice_flow_runs" + where.where())) {
            where.bind(s, 1);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? rs.getLong(1) : 0L;
            }
          }
        });
  }

  /**
   * Counted in the database: each run's bucket is the integer {@code (start_time - from) / bucket},
   * grouped with its state's name, so the answer's size is buckets times states, however many runs
   * there are. The range is served by the {@code start_time} index.
   */
  @Override
  public List<RunCountBucket> runCounts(RunCountQuery q) {
    RunConditions where =
        new RunConditions().startedIn(q.from(), q.until()).flowName(q.flowName()).tags(q.tags());
    String sql =
        "SELECT bucket, state_name, COUNT(*) FROM (SELECT (start_time - ?) / ? AS bucket,"
            + " state_name FROM sluice_flow_runs"
            + where.where()
            + ") counted GROUP BY bucket, state_name";
    long fromMicros = Micros.of(q.from());
    long bucketMicros = Micros.of(q.bucket());
    int buckets = q.buckets();
    List<Map<String, Long>> counts = new ArrayList<>();
    for (int i = 0; i < buckets; i++) {
      counts.add(new HashMap<>());
    }
    query(
        c -> {
          try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, fromMicros);
            s.setLong(2, bucketMicros);
            where.bind(s, 3);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                // At most buckets - 1, but for a bucket length with a sub-microsecond part,
                // which the stored microseconds cannot divide exactly.
                int bucket = (int) Math.min(rs.getLong(1), buckets - 1);
                counts.get(bucket).merge(rs.getString(2), rs.getLong(3), Long::sum);
              }
            }
          }
          return counts;
        });
    List<RunCountBucket> result = new ArrayList<>(buckets);
    for (int i = 0; i < buckets; i++) {
      result.add(new RunCountBucket(q.from().plus(q.bucket().multipliedBy(i)), counts.get(i)));
    }
    return result;
  }

  /** The runs with their tags, read in one query per chunk of runs. */
  private static List<FlowRunSummary> withTags(Connection c, List<FlowRunSummary> runs)
      throws SQLException {
    Map<UUID, Set<String>> tags = new HashMap<>();
    for (List<FlowRunSummary> chunk : InLists.chunks(runs)) {
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT flow_run_id, tag FROM sluice_flow_run_tags WHERE flow_run_id IN ("
                  + InLists.marks(chunk.size())
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
  public long latestChangeSequence() {
    return query(
        c -> {
          try (PreparedStatement s = c.prepareStatement("SELECT MAX(seq) FROM sluice_changes");
              ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
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
                      + " idempotency_key, owner_lease FROM sluice_flow_runs WHERE id = ?")) {
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
                      rs.wasNull() ? null : Micros.toInstant(ownerStart),
                      rs.getString(19));
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
                  "SELECT "
                      + TASK_COLUMNS
                      + " FROM sluice_task_runs WHERE flow_run_id = ? ORDER BY created, id")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                tasks.add(taskRun(rs, taskHistories.getOrDefault(rs.getString(1), List.of())));
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

  @Override
  public Optional<TaskRunDetail> taskRun(UUID taskRunId) {
    String id = taskRunId.toString();
    return query(
        c -> {
          List<StateRecord> history = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT state_type, state_name, state_message, at FROM sluice_task_run_states"
                      + " WHERE task_run_id = ? ORDER BY id")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                history.add(state(rs, 1));
              }
            }
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT " + TASK_COLUMNS + " FROM sluice_task_runs WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? Optional.of(taskRun(rs, history)) : Optional.empty();
            }
          }
        });
  }

  /** A task run from a row of {@link #TASK_COLUMNS}, with its state history. */
  private static TaskRunDetail taskRun(ResultSet rs, List<StateRecord> history)
      throws SQLException {
    int mapIndex = rs.getInt(4);
    Integer index = rs.wasNull() ? null : mapIndex;
    long start = rs.getLong(10);
    Instant startTime = rs.wasNull() ? null : Micros.toInstant(start);
    long end = rs.getLong(11);
    Instant endTime = rs.wasNull() ? null : Micros.toInstant(end);
    String errorType = rs.getString(12);
    return new TaskRunDetail(
        UUID.fromString(rs.getString(1)),
        UUID.fromString(rs.getString(16)),
        rs.getString(2),
        rs.getString(3),
        index,
        state(rs, 5),
        rs.getInt(9),
        startTime,
        endTime,
        errorType == null
            ? null
            : new TaskRunDetail.ErrorInfo(errorType, rs.getString(13), rs.getString(14)),
        rs.getString(15),
        history);
  }

  @Override
  public List<FlowInfo> flowVersions(String name) {
    return query(
        c -> {
          Map<String, List<FlowInfo.StepInfo>> steps = new HashMap<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT flow_version, name, kind, upstreams FROM sluice_flow_steps"
                      + " WHERE flow_name = ? ORDER BY flow_version, position")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                steps.computeIfAbsent(rs.getString(1), v -> new ArrayList<>()).add(step(rs, 2));
              }
            }
          }
          List<FlowInfo> versions = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT version, description, mermaid FROM sluice_flows WHERE name = ?"
                      + " ORDER BY last_seen DESC, first_seen DESC, version DESC")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                String version = rs.getString(1);
                versions.add(
                    new FlowInfo(
                        name,
                        version,
                        rs.getString(2),
                        steps.getOrDefault(version, List.of()),
                        rs.getString(3)));
              }
            }
          }
          return List.copyOf(versions);
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
          steps.add(step(rs, 1));
        }
      }
    }
    return new FlowInfo(name, version, description, steps, mermaid);
  }

  /** A step from columns {@code name, kind, upstreams} from column {@code first} on. */
  private static FlowInfo.StepInfo step(ResultSet rs, int first) throws SQLException {
    String upstreams = rs.getString(first + 2);
    return new FlowInfo.StepInfo(
        rs.getString(first),
        rs.getString(first + 1),
        upstreams.isEmpty()
            ? List.of()
            : Arrays.asList(upstreams.split(Statements.UPSTREAM_SEPARATOR, -1)));
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
