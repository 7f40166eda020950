package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** {@link Summaries}, through {@link FlowRun#summary()}. */
class SummariesTest {

  private static final UUID RUN_ID = UUID.fromString("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b");
  private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

  /** The parts of a task run a summary shows; the rest answers with plain defaults. */
  record FakeTaskRun(
      String name, State state, int attempts, Duration duration, List<TaskRun> elements)
      implements TaskRun {
    FakeTaskRun(String name, State state, int attempts, Duration duration) {
      this(name, state, attempts, duration, List.of());
    }

    @Override
    public UUID id() {
      return new UUID(0, name.hashCode());
    }

    @Override
    public UUID flowRunId() {
      return RUN_ID;
    }

    @Override
    public String stepName() {
      int bracket = name.indexOf('[');
      return bracket < 0 ? name : name.substring(0, bracket);
    }

    @Override
    public OptionalInt mapIndex() {
      return OptionalInt.empty();
    }

    @Override
    public List<StateChange> history() {
      return List.of(new StateChange(state, T0));
    }

    @Override
    public Optional<Instant> startTime() {
      return Optional.of(T0);
    }

    @Override
    public Optional<Instant> endTime() {
      return Optional.of(T0.plus(duration));
    }

    @Override
    public Optional<Throwable> error() {
      return Optional.empty();
    }

    @Override
    public boolean hasResult() {
      return false;
    }

    @Override
    public @Nullable Object result() {
      throw new IllegalStateException("no result");
    }

    @Override
    public Optional<FlowRun> subflowRun() {
      return Optional.empty();
    }
  }

  /** The parts of a flow run a summary shows; the rest answers with plain defaults. */
  record FakeFlowRun(
      String flowName, State state, int attempts, Duration duration, List<TaskRun> taskRuns)
      implements FlowRun {
    @Override
    public UUID id() {
      return RUN_ID;
    }

    @Override
    public String flowVersion() {
      return "";
    }

    @Override
    public Map<String, @Nullable Object> parameters() {
      return Map.of();
    }

    @Override
    public Optional<UUID> parentTaskRunId() {
      return Optional.empty();
    }

    @Override
    public List<StateChange> history() {
      return List.of(new StateChange(state, T0));
    }

    @Override
    public Instant startTime() {
      return T0;
    }

    @Override
    public Optional<Instant> endTime() {
      return Optional.of(T0.plus(duration));
    }

    @Override
    public Optional<TaskRun> taskRun(String stepName) {
      return taskRuns.stream().filter(t -> t.name().equals(stepName)).findFirst();
    }

    @Override
    public @Nullable Object result() {
      return null;
    }
  }

  /**
   * One table row as the expected layout: two spaces, then columns padded to the widest cell of the
   * table in {@link #summaryOfAFailedRun} (12, 9, 8 and 8 characters) plus two spaces.
   */
  private static String row(
      String task, String state, String attempts, String duration, String detail) {
    return String.format(
            Locale.ROOT, "  %-14s%-11s%-10s%-10s%s", task, state, attempts, duration, detail)
        .stripTrailing();
  }

  private static List<String> linesOf(String summary) {
    return summary.lines().map(String::stripTrailing).toList();
  }

  @Test
  void summaryOfAFailedRun() {
    FlowRun run =
        new FakeFlowRun(
            "etl",
            new State.Failed(new IllegalStateException("task 'transform' failed")),
            1,
            Duration.ofMillis(4_021),
            List.of(
                new FakeTaskRun("extract", State.COMPLETED, 1, Duration.ofNanos(12_340_000)),
                new FakeTaskRun(
                    "transform",
                    new State.Failed(new IOException("disk full")),
                    3,
                    Duration.ofMillis(1_500)),
                new FakeTaskRun(
                    "measure",
                    State.COMPLETED,
                    1,
                    Duration.ofNanos(850_000),
                    List.of(
                        new FakeTaskRun(
                            "measure[0]", State.COMPLETED, 1, Duration.ofNanos(250_000)),
                        new FakeTaskRun(
                            "measure[1]", new State.Cached("k1", "memory"), 0, Duration.ZERO))),
                new FakeTaskRun("load", new State.NotReady("transform"), 0, Duration.ZERO),
                new FakeTaskRun(
                    "cleanup", new State.Skipped("nothing to clean"), 0, Duration.ZERO)));

    String summary = run.summary();

    assertThat(summary).endsWith("\n");
    assertThat(linesOf(summary))
        .containsExactly(
            "Flow run 'etl' 0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b: Failed in 4.02 s",
            row("TASK", "STATE", "ATTEMPTS", "DURATION", "DETAIL"),
            row("extract", "Completed", "1", "12.3 ms", ""),
            row("transform", "Failed", "3", "1.50 s", "IOException: disk full"),
            row("measure", "Completed", "1", "850 \u00b5s", ""),
            row("  measure[0]", "Completed", "1", "250 \u00b5s", ""),
            row("  measure[1]", "Cached", "0", "0 \u00b5s", "from memory, key k1"),
            row("load", "NotReady", "0", "0 \u00b5s", "upstream 'transform' did not complete"),
            row("cleanup", "Skipped", "0", "0 \u00b5s", "nothing to clean"));
  }

  @Test
  void headerMentionsFlowAttemptsOnlyWhenThereWereSeveral() {
    FlowRun once = new FakeFlowRun("f", State.COMPLETED, 1, Duration.ofSeconds(2), List.of());
    FlowRun twice = new FakeFlowRun("f", State.COMPLETED, 2, Duration.ofSeconds(2), List.of());

    assertThat(once.summary().lines().findFirst())
        .contains("Flow run 'f' " + RUN_ID + ": Completed in 2.00 s");
    assertThat(twice.summary().lines().findFirst())
        .contains("Flow run 'f' " + RUN_ID + ": Completed in 2.00 s after 2 flow attempts");
  }

  @Test
  void aRunWithoutTasksHasOnlyTheHeaderAndColumnNames() {
    FlowRun run = new FakeFlowRun("empty", State.COMPLETED, 1, Duration.ZERO, List.of());

    assertThat(linesOf(run.summary()))
        .containsExactly(
            "Flow run 'empty' " + RUN_ID + ": Completed in 0 \u00b5s",
            "  TASK  STATE  ATTEMPTS  DURATION  DETAIL");
  }

  @Test
  void columnsAreAlignedToTheWidestCell() {
    FlowRun run =
        new FakeFlowRun(
            "f",
            State.RUNNING,
            1,
            Duration.ofSeconds(1),
            List.of(
                new FakeTaskRun("a", State.COMPLETED, 1, Duration.ofMillis(5)),
                new FakeTaskRun(
                    "a task with a long name",
                    new State.AwaitingConcurrencySlot(java.util.Set.of("db")),
                    12,
                    Duration.ofMinutes(3))));

    List<String> lines = linesOf(run.summary());

    assertThat(lines).hasSize(4);
    String header = lines.get(1);
    int stateColumn = header.indexOf("STATE");
    int attemptsColumn = header.indexOf("ATTEMPTS");
    int durationColumn = header.indexOf("DURATION");
    assertThat(stateColumn).isEqualTo(2 + "a task with a long name".length() + 2);
    assertThat(attemptsColumn).isEqualTo(stateColumn + "AwaitingConcurrencySlot".length() + 2);
    assertThat(lines.get(2).indexOf("Completed")).isEqualTo(stateColumn);
    assertThat(lines.get(3).indexOf("AwaitingConcurrencySlot")).isEqualTo(stateColumn);
    assertThat(lines.get(3).indexOf("12")).isEqualTo(attemptsColumn);
    assertThat(lines.get(2).indexOf("5.0 ms")).isEqualTo(durationColumn);
    assertThat(lines.get(3).indexOf("3 min 0 s")).isEqualTo(durationColumn);
  }

  @Test
  void detailIsShownOnlyForFinalStatesThatDidNotComplete() {
    Instant retryAt = Instant.parse("2024-05-01T12:01:00Z");
    FlowRun run =
        new FakeFlowRun(
            "f",
            State.RUNNING,
            1,
            Duration.ofSeconds(1),
            List.of(
                new FakeTaskRun("waiting", new State.AwaitingRetry(retryAt, 2), 1, Duration.ZERO),
                new FakeTaskRun("hit", new State.Cached("key", "disk"), 0, Duration.ZERO),
                new FakeTaskRun(
                    "slow", new State.TimedOut(Duration.ofSeconds(30)), 2, Duration.ofMinutes(1)),
                new FakeTaskRun(
                    "oom", new State.Crashed(new OutOfMemoryError("heap")), 1, Duration.ZERO),
                new FakeTaskRun("stopped", new State.Cancelled("user asked"), 1, Duration.ZERO)));

    String summary = run.summary();

    assertThat(summary)
        .doesNotContain("attempt 2 at")
        .doesNotContain("cache hit")
        .contains("attempt exceeded its timeout of PT30S")
        .contains("OutOfMemoryError: heap")
        .contains("user asked");
  }

  @Test
  void elementsOfNestedMapsAreIndentedPerLevel() {
    TaskRun inner = new FakeTaskRun("inner[0]", State.COMPLETED, 1, Duration.ZERO);
    TaskRun outer = new FakeTaskRun("outer[0]", State.COMPLETED, 1, Duration.ZERO, List.of(inner));
    TaskRun map = new FakeTaskRun("outer", State.COMPLETED, 1, Duration.ZERO, List.of(outer));
    FlowRun run = new FakeFlowRun("f", State.COMPLETED, 1, Duration.ZERO, List.of(map));

    List<String> lines = linesOf(run.summary());

    assertThat(lines.get(2)).startsWith("  outer ");
    assertThat(lines.get(3)).startsWith("    outer[0] ");
    assertThat(lines.get(4)).startsWith("      inner[0] ");
  }
}
