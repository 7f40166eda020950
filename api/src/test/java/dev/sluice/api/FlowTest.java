package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import dev.sluice.api.spi.Condition;
import dev.sluice.api.spi.FlowOptions;
import dev.sluice.api.spi.Input;
import dev.sluice.api.spi.MapStep;
import dev.sluice.api.spi.Parameter;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.SubflowStep;
import dev.sluice.api.spi.TaskOptions;
import dev.sluice.api.spi.TaskStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FlowTest {

  // ---- builders for the model records, so each test shows only the graph it is about ----

  static TaskStep<Object> task(String name, Input... inputs) {
    return new TaskStep<>(
        name, Object.class, TaskOptions.DEFAULTS, List.of(inputs), List.of(), null, args -> null);
  }

  static TaskStep<Object> taskWaitingFor(String name, String... waitFor) {
    List<Input> order = new ArrayList<>();
    for (String w : waitFor) {
      order.add(Input.value(w));
    }
    return new TaskStep<>(
        name, Object.class, TaskOptions.DEFAULTS, List.of(), order, null, args -> null);
  }

  static TaskStep<Object> taskIf(String name, String conditionSource) {
    Condition condition = new Condition(Input.value(conditionSource), v -> true, "always");
    return new TaskStep<>(
        name, Object.class, TaskOptions.DEFAULTS, List.of(), List.of(), condition, args -> null);
  }

  static <T> TaskStep<T> typedTask(String name, Class<T> type, Input... inputs) {
    return new TaskStep<>(
        name, type, TaskOptions.DEFAULTS, List.of(inputs), List.of(), null, args -> null);
  }

  static Parameter<String> required(String name) {
    return new Parameter<>(name, String.class, true, null, "");
  }

  static Parameter<String> optional(String name, String defaultValue) {
    return new Parameter<>(name, String.class, false, defaultValue, "");
  }

  static SubflowStep<Object> subflow(
      String name, Flow<Object> child, Map<String, Input> bindings, Map<String, Object> constants) {
    return new SubflowStep<>(
        name, child, bindings, constants, TaskOptions.DEFAULTS, List.of(), null);
  }

  static <R> Flow<R> flow(List<Parameter<?>> parameters, List<Step<?>> steps) {
    return Flow.of("f", FlowOptions.DEFAULTS, parameters, steps, null);
  }

  static List<String> problems(
      String flowName,
      List<Parameter<?>> parameters,
      List<Step<?>> steps,
      @Nullable String resultStep) {
    FlowValidationException e =
        catchThrowableOfType(
            FlowValidationException.class,
            () -> Flow.of(flowName, FlowOptions.DEFAULTS, parameters, steps, resultStep));
    assertThat(e).as("Flow.of should have rejected the flow").isNotNull();
    assertThat(e.flowName()).isEqualTo(flowName);
    return e.problems();
  }

  static List<String> problems(List<Parameter<?>> parameters, List<Step<?>> steps) {
    return problems("f", parameters, steps, null);
  }

  @Nested
  class Names {
    @Test
    void blankFlowName() {
      assertThat(problems("  ", List.of(), List.of(task("a")), null))
          .containsExactly("the flow's name is blank; give it a name");
    }

    @Test
    void blankStepName() {
      assertThat(problems(List.of(), List.of(task(" "))))
          .containsExactly("a step has a blank name; every step and parameter needs a name");
    }

    @Test
    void blankParameterName() {
      assertThat(problems(List.of(required("")), List.of(task("a"))))
          .containsExactly("a parameter has a blank name; every step and parameter needs a name");
    }

    @Test
    void duplicateStepNames() {
      assertThat(problems(List.of(), List.of(task("a"), task("b"), task("a"))))
          .containsExactly(
              "duplicate name 'a': used by a step and a step; names must be unique in a flow");
    }

    @Test
    void parameterAndStepWithTheSameName() {
      assertThat(problems(List.of(required("x")), List.of(task("x"))))
          .containsExactly(
              "duplicate name 'x': used by a parameter and a step; names must be unique in a flow");
    }

    @Test
    void duplicateParameterNames() {
      assertThat(problems(List.of(required("p"), optional("p", "d")), List.of(task("a"))))
          .containsExactly(
              "duplicate name 'p': used by a parameter and a parameter;"
                  + " names must be unique in a flow");
    }

    @Test
    void nullFlowNameOrOptionsAreRejectedAtOnce() {
      assertThatNullPointerException()
          .isThrownBy(() -> Flow.of(null, FlowOptions.DEFAULTS, List.of(), List.of(), null))
          .withMessage("name");
      assertThatNullPointerException()
          .isThrownBy(() -> Flow.of("f", null, List.of(), List.of(), null))
          .withMessage("options");
    }
  }

  @Nested
  class Inputs {
    @Test
    void inputNamingNothing() {
      assertThat(problems(List.of(), List.of(task("a"), task("b", Input.value("nope")))))
          .containsExactly(
              "step 'b' needs 'nope', which is not a step or parameter of this flow;"
                  + " define it in this flow first");
    }

    @Test
    void outcomeInputNamingNothing() {
      assertThat(problems(List.of(), List.of(task("b", Input.outcome("ghost")))))
          .singleElement(STRING)
          .startsWith("step 'b' needs 'ghost', which is not a step or parameter");
    }

    @Test
    void waitForNamingNothing() {
      assertThat(problems(List.of(), List.of(taskWaitingFor("b", "ghost"))))
          .singleElement(STRING)
          .startsWith("step 'b' needs 'ghost', which is not a step or parameter");
    }

    @Test
    void conditionNamingNothing() {
      assertThat(problems(List.of(), List.of(taskIf("b", "ghost"))))
          .singleElement(STRING)
          .startsWith("step 'b' needs 'ghost', which is not a step or parameter");
    }

    @Test
    void inputsMayNameParametersAndStepsDefinedLater() {
      Flow<Object> flow =
          flow(
              List.of(required("p")),
              List.of(task("b", Input.value("a")), task("a", Input.value("p"))));

      assertThat(flow.steps()).extracting(Step::name).containsExactly("b", "a");
    }

    @Test
    void selfDependencyThroughAnInput() {
      assertThat(problems(List.of(), List.of(task("a", Input.value("a")))))
          .containsExactly("step 'a' depends on itself");
    }

    @Test
    void selfDependencyThroughWaitFor() {
      assertThat(problems(List.of(), List.of(taskWaitingFor("a", "a"))))
          .containsExactly("step 'a' depends on itself");
    }

    @Test
    void selfDependencyThroughACondition() {
      assertThat(problems(List.of(), List.of(taskIf("a", "a"))))
          .containsExactly("step 'a' depends on itself");
    }

    @Test
    void resultStepNamingNothing() {
      assertThat(problems("f", List.of(), List.of(task("a")), "zzz"))
          .containsExactly("the result step 'zzz' is not a step of this flow");
    }

    @Test
    void resultStepNamingAParameter() {
      assertThat(problems("f", List.of(required("p")), List.of(task("a")), "p"))
          .containsExactly("the result step 'p' is not a step of this flow");
    }
  }

  @Nested
  class SubflowBindings {
    private final Flow<Object> child =
        Flow.of(
            "child",
            FlowOptions.DEFAULTS,
            List.of(required("rows"), optional("mode", "fast")),
            List.of(task("load", Input.value("rows"))),
            null);

    @Test
    void bindingEveryRequiredParameterIsValid() {
      Flow<Object> byInput =
          flow(
              List.of(),
              List.of(
                  task("extract"),
                  subflow("sub", child, Map.of("rows", Input.value("extract")), Map.of())));
      Flow<Object> byConstant =
          flow(List.of(), List.of(subflow("sub", child, Map.of(), Map.of("rows", "r1"))));

      assertThat(byInput.step("sub")).isPresent();
      assertThat(byConstant.step("sub")).isPresent();
    }

    @Test
    void bindingAParameterTheChildDoesNotHave() {
      assertThat(
              problems(
                  List.of(),
                  List.of(subflow("sub", child, Map.of(), Map.of("rows", "r", "colour", "blue")))))
          .containsExactly(
              "sub-flow step 'sub' binds 'colour', which is not a parameter of flow 'child'"
                  + " (it has [rows, mode])");
    }

    @Test
    void notBindingARequiredParameter() {
      assertThat(problems(List.of(), List.of(subflow("sub", child, Map.of(), Map.of("mode", "x")))))
          .containsExactly(
              "sub-flow step 'sub' does not bind the required parameter 'rows' of flow 'child'");
    }

    @Test
    void optionalParametersNeedNoBinding() {
      Flow<Object> flow =
          flow(List.of(), List.of(subflow("sub", child, Map.of(), Map.of("rows", "r"))));

      assertThat(flow.steps()).hasSize(1);
    }

    @Test
    void bindingAParameterBothToAnInputAndAConstant() {
      assertThat(
              problems(
                  List.of(),
                  List.of(
                      task("extract"),
                      subflow(
                          "sub",
                          child,
                          Map.of("rows", Input.value("extract")),
                          Map.of("rows", "r")))))
          .containsExactly("sub-flow step 'sub' binds parameter 'rows' twice");
    }

    @Test
    void bindingToAnUpstreamThatDoesNotExist() {
      assertThat(
              problems(
                  List.of(),
                  List.of(subflow("sub", child, Map.of("rows", Input.value("ghost")), Map.of()))))
          .containsExactly(
              "step 'sub' needs 'ghost', which is not a step or parameter of this flow;"
                  + " define it in this flow first");
    }

    @Test
    void constantsMayBeNull() {
      Map<String, Object> constants = new HashMap<>();
      constants.put("rows", null);

      Flow<Object> flow = flow(List.of(), List.of(subflow("sub", child, Map.of(), constants)));

      assertThat(flow.step("sub")).isPresent();
    }
  }

  @Nested
  class SeveralProblems {
    @Test
    void everyProblemIsReportedAtOnceInOrder() {
      FlowValidationException e =
          catchThrowableOfType(
              FlowValidationException.class,
              () ->
                  Flow.of(
                      " ",
                      FlowOptions.DEFAULTS,
                      List.of(required("p")),
                      List.of(
                          task("a"),
                          task("a"),
                          task("p"),
                          task("b", Input.value("missing")),
                          task("c", Input.value("c"))),
                      "nope"));

      assertThat(e.problems())
          .containsExactly(
              "the flow's name is blank; give it a name",
              "duplicate name 'a': used by a step and a step; names must be unique in a flow",
              "duplicate name 'p': used by a parameter and a step; names must be unique in a flow",
              "step 'b' needs 'missing', which is not a step or parameter of this flow;"
                  + " define it in this flow first",
              "step 'c' depends on itself",
              "the result step 'nope' is not a step of this flow");
      assertThat(e)
          .hasMessageStartingWith("flow ' ' is invalid (6 problems):\n  - the flow's name is blank")
          .hasMessageContaining("\n  - step 'c' depends on itself\n");
    }

    @Test
    void everyInputNamingNothingIsReported() {
      assertThat(
              problems(
                  List.of(),
                  List.of(
                      task("a", Input.value("x"), Input.value("y")),
                      task("b", Input.outcome("z")))))
          .hasSize(3)
          .allSatisfy(p -> assertThat(p).contains("which is not a step or parameter"));
    }

    @Test
    void aCycleIsReportedTogetherWithAnUnrelatedProblem() {
      // DESIGN.md: "Validation reports all problems at once"; Flow.of: "listing every problem".
      assertThat(
              problems(
                  "f",
                  List.of(),
                  List.of(task("a", Input.value("b")), task("b", Input.value("a"))),
                  "no-such-step"))
          .containsExactly(
              "the result step 'no-such-step' is not a step of this flow",
              "cycle: 'b' -> 'a' -> 'b'; remove one of these dependencies");
    }
  }

  @Nested
  class Cycles {
    @Test
    void aCycleThroughAWaitForInputIsNamedInDataFlowOrder() {
      // a waits for b (b -> a); b takes a's value (a -> b)
      assertThat(
              problems(List.of(), List.of(taskWaitingFor("a", "b"), task("b", Input.value("a")))))
          .containsExactly("cycle: 'b' -> 'a' -> 'b'; remove one of these dependencies");
    }

    @Test
    void aThreeStepCycleIsNamedInDataFlowOrder() {
      // a -> b -> c -> a: each step takes the previous one's value
      assertThat(
              problems(
                  List.of(),
                  List.of(
                      task("a", Input.value("c")),
                      task("b", Input.value("a")),
                      task("c", Input.value("b")))))
          .containsExactly("cycle: 'b' -> 'c' -> 'a' -> 'b'; remove one of these dependencies");
    }

    @Test
    void aCycleThroughAConditionAndAnOutcomeInput() {
      assertThat(problems(List.of(), List.of(taskIf("a", "b"), task("b", Input.outcome("a")))))
          .containsExactly("cycle: 'b' -> 'a' -> 'b'; remove one of these dependencies");
    }

    @Test
    void stepsOutsideTheCycleAreNotNamed() {
      List<String> problems =
          problems(
              List.of(required("p")),
              List.of(
                  task("source", Input.value("p")),
                  task("x", Input.value("source"), Input.value("z")),
                  task("y", Input.value("x")),
                  task("z", Input.value("y")),
                  task("sink", Input.value("z"))));

      assertThat(problems)
          .containsExactly("cycle: 'y' -> 'z' -> 'x' -> 'y'; remove one of these dependencies");
    }

    @Test
    void separateCyclesAreEachNamed() {
      List<String> problems =
          problems(
              List.of(),
              List.of(
                  task("a", Input.value("b")),
                  task("b", Input.value("a")),
                  task("c", Input.value("d")),
                  task("d", Input.value("c"))));

      assertThat(problems)
          .containsExactly(
              "cycle: 'b' -> 'a' -> 'b'; remove one of these dependencies",
              "cycle: 'd' -> 'c' -> 'd'; remove one of these dependencies");
    }

    @Test
    void cyclesSharingAStepAreEachNamed() {
      List<String> problems =
          problems(
              List.of(),
              List.of(
                  task("a", Input.value("b")),
                  task("b", Input.value("a"), Input.value("c")),
                  task("c", Input.value("b"))));

      assertThat(problems)
          .containsExactly(
              "cycle: 'b' -> 'a' -> 'b'; remove one of these dependencies",
              "cycle: 'c' -> 'b' -> 'c'; remove one of these dependencies");
    }

    @Test
    void aDiamondIsNotACycle() {
      Flow<Object> diamond =
          flow(
              List.of(),
              List.of(
                  task("top"),
                  task("left", Input.value("top")),
                  task("right", Input.value("top")),
                  task("bottom", Input.value("left"), Input.value("right"))));

      assertThat(diamond.steps()).hasSize(4);
    }

    @Test
    void aLongChainListedSinkFirstValidatesWithoutOverflowingTheStack() {
      // Listing the sink first makes the depth-first search walk the whole chain in one go.
      int n = 100_000;
      List<Step<?>> steps = new ArrayList<>(n);
      for (int i = n - 1; i >= 0; i--) {
        steps.add(i == 0 ? task("s0") : task("s" + i, Input.value("s" + (i - 1))));
      }

      Flow<Object> flow = Flow.of("chain", FlowOptions.DEFAULTS, List.of(), steps, "s99999");
      assertThat(flow.steps()).hasSize(n);
      assertThat(flow.step("s0")).isPresent();
    }

    @Test
    void aLongChainListedSourceFirstValidates() {
      int n = 100_000;
      List<Step<?>> steps = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        steps.add(i == 0 ? task("s0") : task("s" + i, Input.value("s" + (i - 1))));
      }

      Flow<Object> flow = Flow.of("chain", FlowOptions.DEFAULTS, List.of(), steps, null);

      assertThat(flow.steps()).hasSize(n);
    }

    @Test
    void aCycleClosingALongChainIsFoundWithoutOverflowingTheStack() {
      int n = 100_000;
      List<Step<?>> steps = new ArrayList<>(n);
      steps.add(taskWaitingFor("s0", "s" + (n - 1)));
      for (int i = 1; i < n; i++) {
        steps.add(task("s" + i, Input.value("s" + (i - 1))));
      }

      List<String> problems = problems(List.of(), steps);

      assertThat(problems).hasSize(1);
      assertThat(problems.get(0))
          .startsWith("cycle: 's1' -> 's2' -> 's3' -> ")
          .endsWith("'s99998' -> 's99999' -> 's0' -> 's1'; remove one of these dependencies");
    }
  }

  @Nested
  class ValidFlow {
    private final Parameter<String> msg = optional("msg", "Hello");
    private final TaskStep<Integer> extract = typedTask("extract", Integer.class);
    private final TaskStep<String> augment =
        typedTask("augment", String.class, Input.value("extract"), Input.value("msg"));

    @Test
    void exposesItsParts() {
      FlowOptions options = FlowOptions.DEFAULTS.withDescription("demo");
      Flow<String> flow =
          Flow.of("pipeline", options, List.of(msg), List.of(extract, augment), "augment");

      assertThat(flow.name()).isEqualTo("pipeline");
      assertThat(flow.options()).isEqualTo(options);
      assertThat(flow.parameters()).containsExactly(msg);
      assertThat(flow.steps()).containsExactly(extract, augment);
      assertThat(flow.parameter("msg")).contains(msg);
      assertThat(flow.parameter("extract")).isEmpty();
      assertThat(flow.step("augment")).contains(augment);
      assertThat(flow.step("msg")).isEmpty();
      assertThat(flow.step("nope")).isEmpty();
      assertThat(flow.resultStep()).contains("augment");
      assertThat(flow.resultType()).isEqualTo(String.class);
      assertThat(flow).hasToString("Flow[pipeline, 2 steps]");
    }

    @Test
    void withoutAResultStepTheResultTypeIsVoid() {
      Flow<Void> flow = flow(List.of(msg), List.of(extract, augment));

      assertThat(flow.resultStep()).isEmpty();
      assertThat(flow.resultType()).isEqualTo(Void.class);
    }

    @Test
    void theResultTypeOfAMapStepIsList() {
      MapStep<String> map =
          new MapStep<>(
              "each",
              String.class,
              TaskOptions.DEFAULTS,
              Input.value("extract"),
              List.of(),
              List.of(),
              null,
              args -> null,
              4);

      Flow<List<String>> flow =
          Flow.of("f", FlowOptions.DEFAULTS, List.of(), List.of(extract, map), "each");

      assertThat(flow.resultType()).isEqualTo(List.class);
    }

    @Test
    void theResultTypeOfASubflowStepIsTheChildsResultType() {
      Flow<Integer> child =
          Flow.of("child", FlowOptions.DEFAULTS, List.of(), List.of(extract), "extract");
      SubflowStep<Integer> sub =
          new SubflowStep<>(
              "sub", child, Map.of(), Map.of(), TaskOptions.DEFAULTS, List.of(), null);

      Flow<Integer> flow = Flow.of("parent", FlowOptions.DEFAULTS, List.of(), List.of(sub), "sub");

      assertThat(flow.resultType()).isEqualTo(Integer.class);
    }

    @Test
    void theFlowKeepsItsOwnCopyOfItsLists() {
      List<Parameter<?>> parameters = new ArrayList<>(List.of(msg));
      List<Step<?>> steps = new ArrayList<>(List.of(extract, augment));
      Flow<Void> flow = flow(parameters, steps);

      parameters.clear();
      steps.clear();

      assertThat(flow.parameters()).containsExactly(msg);
      assertThat(flow.steps()).containsExactly(extract, augment);
      assertThatThrownBy(() -> flow.steps().add(extract))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> flow.parameters().clear())
          .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void anEmptyFlowIsValid() {
      Flow<Void> flow = flow(List.of(), List.of());

      assertThat(flow.steps()).isEmpty();
      assertThat(flow).hasToString("Flow[f, 0 steps]");
    }

    @Test
    void stepsKeepDefinitionOrder() {
      Flow<Void> flow =
          flow(
              List.of(),
              List.of(task("z"), task("a", Input.value("z")), task("m", Input.value("a"))));

      assertThat(flow.steps()).extracting(Step::name).containsExactly("z", "a", "m");
    }
  }
}
