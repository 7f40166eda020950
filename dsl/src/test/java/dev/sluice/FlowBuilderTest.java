package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.FlowValidationException;
import dev.sluice.api.State;
import dev.sluice.api.TypeRef;
import dev.sluice.api.spi.Arguments;
import dev.sluice.api.spi.TaskStep;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FlowBuilderTest {
  private final Sluice sluice = Sluice.builder().executor("local").retainResults().build();

  @AfterEach
  void close() {
    sluice.close();
  }

  @Test
  void aTasksFunctionIsItsStepsBodyWithNoAdapterBetween() throws Exception {
    TaskFunction0<Integer> one = () -> 1;
    TaskFunction2<Integer, Integer, Integer> add = Integer::sum;
    TaskAction1<Integer> print = x -> {};
    Flow<Integer> flow =
        Flows.named("bodies")
            .returning(
                f -> {
                  var a = f.task("a", one);
                  var b = f.task("b", a, a, add);
                  f.action("c", b, print);
                  return b;
                });

    assertThat(flow.steps())
        .extracting(step -> ((TaskStep<?>) step).body())
        .containsExactly(one, add, print);
    assertThat(sluice.run(flow).result()).isEqualTo(2);
    // The engine calls invoke, which passes the arguments in order.
    assertThat(add.invoke(new ListArguments(3, 4))).isEqualTo(7);
    assertThat(print.invoke(new ListArguments(5))).isNull();
  }

  /** Arguments from values, as the engine hands them to a body. */
  private record ListArguments(Object... values) implements Arguments {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public Object get(int index) {
      return values[index];
    }
  }

  @Test
  void tasksTakeZeroToFiveTypedUpstreams() {
    Flow<String> flow =
        Flows.named("arity")
            .returning(
                f -> {
                  var a = f.task("a", () -> 1);
                  var b = f.task("b", a, x -> x + 1);
                  var c = f.task("c", a, b, (x, y) -> x + y);
                  var d = f.task("d", a, b, c, (x, y, z) -> x * y * z);
                  var e = f.task("e", a, b, c, d, (w, x, y, z) -> w + x + y + z);
                  return f.task(
                      "f",
                      a,
                      b,
                      c,
                      d,
                      e,
                      (v, w, x, y, z) -> v + "," + w + "," + x + "," + y + "," + z);
                });

    FlowRun run = sluice.run(flow);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo("1,2,3,6,12");
    assertThat(run.result("d", Integer.class)).isEqualTo(6);
  }

  @Test
  void actionsReturnNothingAndRunWithTheirUpstreams() {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Flow<Void> flow =
        Flows.named("actions")
            .define(
                f -> {
                  var a = f.task("a", () -> "x");
                  f.action("zero", () -> seen.add("0"));
                  f.action("one", a, x -> seen.add("1" + x));
                  f.action("two", a, a, (x, y) -> seen.add("2" + x + y));
                  f.action("three", a, a, a, (x, y, z) -> seen.add("3" + x + y + z));
                  f.action("four", a, a, a, a, (w, x, y, z) -> seen.add("4" + w + x + y + z));
                  f.action(
                      "five", a, a, a, a, a, (v, w, x, y, z) -> seen.add("5" + v + w + x + y + z));
                });

    FlowRun run = sluice.run(flow);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(seen).containsExactlyInAnyOrder("0", "1x", "2xx", "3xxx", "4xxxx", "5xxxxx");
    assertThat(run.taskRun("three").orElseThrow().result()).isNull();
  }

  @Test
  void methodReferencesWireLikeLambdas() {
    Flow<Integer> flow =
        Flows.named("refs")
            .returning(
                f -> {
                  var text = f.task("text", () -> "hello");
                  var length = f.task("length", text, String::length);
                  return f.task("twice", length, FlowBuilderTest::twice);
                });

    assertThat(sluice.run(flow).result()).isEqualTo(10);
  }

  private static int twice(int x) {
    return 2 * x;
  }

  @Test
  void gatherTakesAListOfUpstreamValuesInOrder() {
    Flow<List<Integer>> flow =
        Flows.named("gather")
            .returning(
                f -> {
                  var parts = new ArrayList<TaskHandle<Integer>>();
                  for (int i = 0; i < 7; i++) {
                    int value = i;
                    parts.add(f.task("part" + i, () -> value * value));
                  }
                  return f.gather("all", parts, values -> values);
                });

    assertThat(sluice.run(flow).result()).isEqualTo(List.of(0, 1, 4, 9, 16, 25, 36));
  }

  @Test
  void waitForOrdersWithoutPassingValues() {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    Flow<Void> flow =
        Flows.named("order")
            .define(
                f -> {
                  var first = f.action("first", () -> order.add("first"));
                  var second = f.action("second", () -> order.add("second")).waitFor(first);
                  f.action("third", () -> order.add("third")).waitFor(second);
                });

    FlowRun run = sluice.run(flow);

    assertThat(order).containsExactly("first", "second", "third");
    assertThat(run.state()).isEqualTo(State.COMPLETED);
  }

  @Test
  void conditionFalseSkipsTheStepAndWhatNeedsIt() {
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    Flow<Void> flow =
        Flows.named("conditions")
            .define(
                f -> {
                  var enabled = f.param("enabled", boolean.class);
                  var count = f.task("count", () -> 3);
                  var gated = f.task("gated", count, n -> ran.add("gated") ? n : n).onlyIf(enabled);
                  f.action("after", gated, n -> ran.add("after"));
                  f.action("positive", count, n -> ran.add("positive")).onlyIf(count, n -> n > 0);
                  f.action("negative", count, n -> ran.add("negative")).onlyIf(count, n -> n < 0);
                });

    FlowRun off = sluice.run(flow, Map.of("enabled", false));

    assertThat(ran).containsExactly("positive");
    assertThat(off.state()).isEqualTo(State.COMPLETED);
    assertThat(off.taskRun("gated").orElseThrow().state())
        .isEqualTo(new State.Skipped("condition 'enabled' was false"));
    assertThat(off.taskRun("after").orElseThrow().state())
        .isEqualTo(new State.Skipped("upstream 'gated' was skipped"));
    assertThat(off.taskRun("negative").orElseThrow().state()).isInstanceOf(State.Skipped.class);
    assertThat(off.taskRun("gated").orElseThrow().attempts()).isZero();

    ran.clear();
    FlowRun on = sluice.run(flow, Map.of("enabled", "true"));
    assertThat(ran).containsExactly("gated", "positive", "after"); // breadth-first
    assertThat(on.taskRun("after").orElseThrow().state()).isEqualTo(State.COMPLETED);
  }

  @Test
  void aConditionThatThrowsFailsItsStep() {
    Flow<Void> flow =
        Flows.named("bad-condition")
            .define(
                f -> {
                  var n = f.task("n", () -> 0);
                  f.action("divide", n, x -> {}).onlyIf(n, x -> 1 / x > 0);
                });

    FlowRun run = sluice.run(flow);

    State state = run.taskRun("divide").orElseThrow().state();
    assertThat(state).isInstanceOf(State.Failed.class);
    assertThat(((State.Failed) state).error())
        .hasMessageContaining("condition")
        .hasMessageContaining("divide")
        .hasCauseInstanceOf(ArithmeticException.class);
    assertThat(run.state()).isInstanceOf(State.Failed.class);
  }

  @Test
  void namesWithControlCharactersAreRefusedWhereTheFlowIsDefined() {
    assertThatThrownBy(
            () ->
                Flows.named("bad\nflow")
                    .define(
                        f -> {
                          f.param("p\u0000", int.class);
                          f.task("line\nbreak", () -> 1);
                          f.task("tab\there", () -> 1);
                        }))
        .isInstanceOfSatisfying(
            FlowValidationException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "the flow's name 'bad\\u000aflow' contains a control character (a"
                            + " newline, tab or NUL); remove it",
                        "the parameter name 'p\\u0000' contains a control character (a newline,"
                            + " tab or NUL); remove it",
                        "the step name 'line\\u000abreak' contains a control character (a"
                            + " newline, tab or NUL); remove it",
                        "the step name 'tab\\u0009here' contains a control character (a newline,"
                            + " tab or NUL); remove it"));
  }

  @Test
  void optionsAStepKindCannotHonourAreRefusedNamingTheStep() {
    Flow<Integer> child = Flows.named("child").returning(f -> f.task("one", () -> 1));
    assertThatThrownBy(
            () ->
                Flows.named("options")
                    .define(
                        f -> {
                          f.subflow("sub", child).tags("db").version("2");
                          f.task("plain", () -> 1).version("3");
                          f.map("each", f.task("items", () -> List.of(1)), x -> x).version("4");
                          f.task("cached", () -> 1).version("5").cache(); // fine: a key part
                        }))
        .isInstanceOfSatisfying(
            FlowValidationException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "sub-flow step 'sub' has tags [db]; a sub-flow step takes no concurrency"
                            + " slot, so tag the tasks inside the sub-flow instead",
                        "sub-flow step 'sub' has a version; a step's version is part of its cache"
                            + " key and a sub-flow step is not cached, so version the child flow"
                            + " (Flows.named(..).version(..)) instead",
                        "step 'plain' has version '3' but no cache policy; a step's version only"
                            + " enters its cache key, so add .cache() or drop .version()",
                        "step 'each' has version '4' but no cache policy; a step's version only"
                            + " enters its cache key, so add .cache() or drop .version()"));
  }

  @Test
  void aStepsDescriptionIsItsTooltipInTheDotDiagram() {
    Flow<Integer> child = Flows.named("child").returning(f -> f.task("one", () -> 1));
    Flow<Void> flow =
        Flows.named("described")
            .define(
                f -> {
                  f.task("fetch", () -> 1).description("Reads the API");
                  f.subflow("report", child).description("Renders it");
                });
    assertThat(flow.toDot())
        .contains("  \"fetch\" [tooltip=\"Reads the API\"];\n")
        .contains("  \"report\" [shape=box3d, tooltip=\"Renders it (flow child)\"];\n");
  }

  @Test
  void duplicateNamesAreReportedTogether() {
    assertThatThrownBy(
            () ->
                Flows.named("dupes")
                    .define(
                        f -> {
                          f.param("x", int.class);
                          f.task("x", () -> 1);
                          f.task("y", () -> 1);
                          f.task("y", () -> 2);
                        }))
        .isInstanceOfSatisfying(
            FlowValidationException.class,
            e -> {
              assertThat(e.flowName()).isEqualTo("dupes");
              assertThat(e.problems())
                  .containsExactly(
                      "duplicate name 'x': used by a parameter and a step; names must be unique in"
                          + " a flow",
                      "duplicate name 'y': used by a step and a step; names must be unique in a"
                          + " flow");
            });
  }

  @Test
  void aStepOfAnotherFlowIsRejectedWithItsName() {
    List<Ref<Integer>> leaked = new ArrayList<>();
    var unused = Flows.named("first").define(f -> leaked.add(f.task("source", () -> 1)));
    assertThatThrownBy(
            () -> Flows.named("second").define(f -> f.task("sink", leaked.get(0), x -> x + 1)))
        .isInstanceOfSatisfying(
            FlowValidationException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .contains("step 'sink' uses 'source' from flow 'first'")
                    .contains("sub-flow"));
  }

  @Test
  void aCycleIsNamedStepByStep() {
    assertThatThrownBy(
            () ->
                Flows.named("loop")
                    .define(
                        f -> {
                          var a = f.task("a", () -> 1);
                          var b = f.task("b", a, x -> x);
                          var c = f.task("c", b, x -> x);
                          a.waitFor(c);
                        }))
        .isInstanceOfSatisfying(
            FlowValidationException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .containsAnyOf(
                        "'a' -> 'b' -> 'c' -> 'a'",
                        "'b' -> 'c' -> 'a' -> 'b'",
                        "'c' -> 'a' -> 'b' -> 'c'"));
  }

  @Test
  void handlesCannotChangeOnceTheFlowIsBuilt() {
    List<TaskHandle<Integer>> kept = new ArrayList<>();
    var unused = Flows.named("sealed").define(f -> kept.add(f.task("a", () -> 1)));
    assertThatThrownBy(() -> kept.get(0).retries(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already built");
  }

  @Test
  void genericParametersAreCoercedFromJson() {
    Flow<Integer> flow =
        Flows.named("sum")
            .returning(
                f -> {
                  var ids = f.param("ids", new TypeRef<List<Integer>>() {});
                  return f.task("sum", ids, list -> list.stream().mapToInt(i -> i).sum());
                });

    assertThat(sluice.run(flow, Map.of("ids", "[1, 2, 3]")).result()).isEqualTo(6);
    assertThat(sluice.run(flow, Map.of("ids", List.of(4, 5))).result()).isEqualTo(9);
  }

  @Test
  void flowsExportAsMermaidAndDot() {
    Flow<Void> flow =
        Flows.named("diagram")
            .define(
                f -> {
                  var msg = f.param("msg", String.class).withDefault("hi");
                  var a = f.task("fetch", () -> List.of(1, 2));
                  var m = f.map("each", a, x -> x * 2);
                  f.action("report", m.outcome(), msg, (o, s) -> {}).waitFor(a);
                });

    assertThat(flow.toMermaid())
        .startsWith("flowchart TD\n")
        .contains("p0([\"msg\"])", "s0[\"fetch\"]", "s1{{\"each (map)\"}}")
        .contains("s0 --> s1", "s1 -- outcome --> s2", "p0 --> s2", "s0 -.-> s2");
    assertThat(flow.toDot())
        .startsWith("digraph \"diagram\" {")
        .contains("\"fetch\" -> \"each\";", "\"each\" -> \"report\" [label=\"outcome\"];")
        .contains("\"fetch\" -> \"report\" [style=dashed];");
  }

  static final Flow<Void> IN_A_FIELD = Flows.named("in a field").define(f -> f.task("t", () -> 1));

  @Test
  void aFlowRecordsTheClassWhoseCodeDefinedItSoWorkersCanFindItThere() {
    Flow<Integer> inAMethod = Flows.named("in a method").returning(f -> f.task("t", () -> 1));

    assertThat(IN_A_FIELD.options().definedIn()).isEqualTo(FlowBuilderTest.class.getName());
    assertThat(inAMethod.options().definedIn()).isEqualTo(FlowBuilderTest.class.getName());
    assertThat(inAMethod.options().entrypoint()).isEmpty();
  }
}
