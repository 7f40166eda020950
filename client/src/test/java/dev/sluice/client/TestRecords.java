package dev.sluice.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunOwner;
import dev.sluice.wire.ApiJson;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Run records for tests, and their JSON, which compares records that travelled. */
final class TestRecords {
  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  static final FlowInfo FLOW =
      new FlowInfo(
          "f",
          "1",
          "",
          List.of(new FlowInfo.StepInfo("a", FlowInfo.StepInfo.TASK, List.of())),
          "flowchart LR\n  a");

  private TestRecords() {}

  static FlowRunStart start(UUID run) {
    return new FlowRunStart(
        run, FLOW, "{\"n\":1}", null, null, T0, RunOwner.current(), null, Set.of(), null);
  }

  static FlowRunEvent flowState(UUID run, State state, int i) {
    return new FlowRunEvent(run, "f", null, null, state, T0.plusMillis(i), 1);
  }

  static TaskRunEvent taskState(UUID run, UUID task, State state, int i) {
    return new TaskRunEvent(run, "f", task, "a", null, state, T0.plusMillis(i), 1);
  }

  static LogLine line(UUID run, int i) {
    return new LogLine(
        run, null, T0.plusMillis(i), "INFO", "test", "main", "line " + i, null, Map.of());
  }

  /** A run's records: its start, {@code lines} log lines, and its task's and its own states. */
  static List<Object> run(UUID run, int lines) {
    UUID task = UUID.randomUUID();
    List<Object> records = new ArrayList<>();
    records.add(start(run));
    records.add(flowState(run, State.RUNNING, 0));
    records.add(taskState(run, task, State.RUNNING, 1));
    for (int i = 0; i < lines; i++) {
      records.add(line(run, i));
    }
    records.add(taskState(run, task, State.COMPLETED, lines + 2));
    records.add(flowState(run, State.COMPLETED, lines + 3));
    return records;
  }

  /** Lines only: {@code n} of them. */
  static List<Object> lines(UUID run, int n) {
    List<Object> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      records.add(line(run, i));
    }
    return records;
  }

  static String json(Object record) {
    try {
      return ApiJson.writer().writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> json(List<?> records) {
    return records.stream().map(TestRecords::json).toList();
  }
}
