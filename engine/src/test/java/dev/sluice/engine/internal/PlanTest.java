package dev.sluice.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Flow;
import dev.sluice.api.spi.Condition;
import dev.sluice.api.spi.FlowOptions;
import dev.sluice.api.spi.Input;
import dev.sluice.api.spi.Parameter;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.TaskOptions;
import dev.sluice.api.spi.TaskStep;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class PlanTest {
  private static final ConcurrencyLimits NO_LIMITS = new ConcurrencyLimits(java.util.Map.of());

  private static TaskStep<Object> task(String name, List<Input> inputs, List<Input> waitFor) {
    return task(name, inputs, waitFor, null, TaskOptions.DEFAULTS);
  }

  private static TaskStep<Object> task(
      String name,
      List<Input> inputs,
      List<Input> waitFor,
      @Nullable Condition condition,
      TaskOptions options) {
    return new TaskStep<>(name, Object.class, options, inputs, waitFor, condition, args -> null);
  }

  /**
   * The flow below, with parameter {@code p}:
   *
   * <pre>
   *   a ──value──▶ b ──value×2──▶ d ──outcome──▶ e
   *   a ─outcome─▶ c ──wait-for─▶ d
   *                c ─condition─▶ e
   *   p ──value──▶ b, f
   * </pre>
   */
  private static Flow<Object> sample() {
    List<Step<?>> steps =
        List.of(
            task("a", List.of(), List.of()),
            task("b", List.of(Input.value("a"), Input.value("p")), List.of()),
            task("c", List.of(Input.outcome("a")), List.of()),
            task("d", List.of(Input.value("b"), Input.value("b")), List.of(Input.value("c"))),
            task(
                "e",
                List.of(Input.outcome("d")),
                List.of(),
                new Condition(Input.value("c"), Objects::nonNull, "c is not null"),
                TaskOptions.DEFAULTS),
            task(
                "f",
                List.of(Input.value("p")),
                List.of(),
                null,
                TaskOptions.DEFAULTS.withKeepResult(true)));
    return Flow.of(
        "sample",
        FlowOptions.DEFAULTS,
        List.of(new Parameter<>("p", String.class, true, null, "")),
        steps,
        "e");
  }

  /** The downstream steps of {@code step}, from the CSR arrays. */
  private static int[] down(Plan plan, int step) {
    return Arrays.copyOfRange(plan.down, plan.downStart[step], plan.downStart[step + 1]);
  }

  private static boolean[] downOutcome(Plan plan, int step) {
    return Arrays.copyOfRange(plan.downOutcome, plan.downStart[step], plan.downStart[step + 1]);
  }

  @Test
  void numbersStepsInDefinitionOrder() {
    Plan plan = new Plan(sample(), NO_LIMITS);

    assertThat(plan.size).isEqualTo(6);
    assertThat(plan.flowName).isEqualTo("sample");
    for (int i = 0; i < plan.size; i++) {
      assertThat(plan.indexByName.get(plan.name(i))).isEqualTo(i);
    }
    assertThat(plan.name(0)).isEqualTo("a");
    assertThat(plan.name(5)).isEqualTo("f");
  }

  @Test
  void upstreamCountCountsEveryStepEdgeButNoParameter() {
    Plan plan = new Plan(sample(), NO_LIMITS);

    // d: b twice (duplicates count) and c as wait-for; e: d and the condition's c.
    assertThat(plan.upstreamCount).containsExactly(0, 1, 1, 3, 2, 0);
  }

  @Test
  void rootsAreTheStepsWithoutUpstreamStepsInDefinitionOrder() {
    Plan plan = new Plan(sample(), NO_LIMITS);

    assertThat(plan.roots).containsExactly(0, 5);
  }

  @Test
  void downstreamListsInCsrForm() {
    Plan plan = new Plan(sample(), NO_LIMITS);

    assertThat(plan.downStart).containsExactly(0, 2, 4, 6, 7, 7, 7);
    assertThat(down(plan, 0)).containsExactly(1, 2);
    assertThat(down(plan, 1)).containsExactly(3, 3);
    assertThat(down(plan, 2)).containsExactly(3, 4);
    assertThat(down(plan, 3)).containsExactly(4);
    assertThat(down(plan, 4)).isEmpty();
    assertThat(down(plan, 5)).isEmpty();
  }

  @Test
  void downstreamEdgesCountMatchesUpstreamCounts() {
    Plan plan = new Plan(sample(), NO_LIMITS);

    int[] incoming = new int[plan.size];
    for (int d : plan.down) {
      incoming[d]++;
    }
    assertThat(incoming).containsExactly(plan.upstreamCount);
  }

  @Test
  void downOutcomeMarksOutcomeEdges() {
    Plan plan = new Plan(sample(), NO_LIMITS);

    assertThat(downOutcome(plan, 0)).containsExactly(false, true);
    assertThat(downOutcome(plan, 1)).containsExactly(false, false);
    assertThat(downOutcome(plan, 2)).containsExactly(false, false);
    assertThat(downOutcome(plan, 3)).containsExactly(true);
  }

  @Test
  void handledOnlyWhenEveryLeavingEdgeIsAnOutcomeEdge() {
    Plan plan = new Plan(sample(), NO_LIMITS);

    // a has one value edge and one outcome edge; d only an outcome edge; sinks are never handled.
    assertThat(plan.handled).containsExactly(false, false, false, true, false, false);
  }

  @Test
  void argumentSourcesEncodeParametersAsNegativeNumbers() {
    Plan plan = new Plan(sample(), NO_LIMITS);

    assertThat(plan.argSources[0]).isEmpty();
    assertThat(plan.argSources[1]).containsExactly(0, -1);
    assertThat(plan.argSources[2]).containsExactly(0);
    assertThat(plan.argSources[3]).containsExactly(1, 1);
    assertThat(plan.argSources[4]).containsExactly(3);
    assertThat(plan.argSources[5]).containsExactly(-1);
    assertThat(plan.argOutcome[1]).containsExactly(false, false);
    assertThat(plan.argOutcome[2]).containsExactly(true);
    assertThat(plan.argOutcome[4]).containsExactly(true);
  }

  @Test
  void conditionSourceIsRecorded() {
    Plan plan = new Plan(sample(), NO_LIMITS);

    assertThat(plan.conditionSource)
        .containsExactly(
            Plan.NO_SOURCE, Plan.NO_SOURCE, Plan.NO_SOURCE, Plan.NO_SOURCE, 2, Plan.NO_SOURCE);
  }

  @Test
  void consumerCountCountsDistinctReadersOfTheValue() {
    Plan plan = new Plan(sample(), NO_LIMITS);

    // a: b and c; b: d (twice, counted once); c: e's condition (d only waits for it);
    // d: e; e and f: nobody.
    assertThat(plan.consumerCount).containsExactly(2, 1, 1, 1, 0, 0);
    assertThat(plan.valueSources[3]).containsExactly(1);
    assertThat(plan.valueSources[4]).containsExactlyInAnyOrder(3, 2);
    assertThat(plan.valueSources[5]).isEmpty();
  }

  @Test
  void keepResultForTheResultStepAndStepsThatAskForIt() {
    Plan plan = new Plan(sample(), NO_LIMITS);

    assertThat(plan.resultStep).isEqualTo(4);
    assertThat(plan.keepResult).containsExactly(false, false, false, false, true, true);
  }

  @Test
  void flowWithoutResultStep() {
    Flow<Object> flow =
        Flow.of(
            "no-result",
            FlowOptions.DEFAULTS,
            List.of(),
            List.of(
                task("a", List.of(), List.of()), task("b", List.of(Input.value("a")), List.of())),
            null);

    Plan plan = new Plan(flow, NO_LIMITS);

    assertThat(plan.resultStep).isEqualTo(-1);
    assertThat(plan.keepResult).containsExactly(false, false);
    assertThat(plan.roots).containsExactly(0);
    assertThat(plan.handled).containsExactly(false, false);
  }

  @Test
  void emptyFlow() {
    Plan plan =
        new Plan(Flow.of("empty", FlowOptions.DEFAULTS, List.of(), List.of(), null), NO_LIMITS);

    assertThat(plan.size).isZero();
    assertThat(plan.roots).isEmpty();
    assertThat(plan.downStart).containsExactly(0);
    assertThat(plan.down).isEmpty();
  }

  @Test
  void downstreamOrderIsDefinitionOrderOfTheDownstreamSteps() {
    // The downstream steps are defined before the fan-out's other upstream, in reverse name order.
    Flow<Object> flow =
        Flow.of(
            "fan-out",
            FlowOptions.DEFAULTS,
            List.of(),
            List.of(
                task("root", List.of(), List.of()),
                task("z", List.of(Input.value("root")), List.of()),
                task("y", List.of(), List.of(Input.value("root"))),
                task("x", List.of(Input.outcome("root")), List.of())),
            null);

    Plan plan = new Plan(flow, NO_LIMITS);

    assertThat(down(plan, 0)).containsExactly(1, 2, 3);
    assertThat(downOutcome(plan, 0)).containsExactly(false, false, true);
    assertThat(plan.consumerCount[0]).isEqualTo(2);
  }
}
