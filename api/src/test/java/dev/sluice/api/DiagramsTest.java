package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.spi.Condition;
import dev.sluice.api.spi.FlowOptions;
import dev.sluice.api.spi.Input;
import dev.sluice.api.spi.MapStep;
import dev.sluice.api.spi.Parameter;
import dev.sluice.api.spi.SubflowStep;
import dev.sluice.api.spi.TaskOptions;
import dev.sluice.api.spi.TaskStep;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Diagrams}, through {@link Flow#toMermaid()} and {@link Flow#toDot()}. */
class DiagramsTest {

  private static TaskStep<Object> task(
      String name, List<Input> inputs, List<Input> waitFor, Condition condition) {
    return new TaskStep<>(
        name, Object.class, TaskOptions.DEFAULTS, inputs, waitFor, condition, args -> null);
  }

  private static Parameter<String> param(String name) {
    return new Parameter<>(name, String.class, false, "x", "");
  }

  private static Flow<Object> child(String name) {
    return Flow.of(
        name,
        FlowOptions.DEFAULTS,
        List.of(new Parameter<>("rows", List.class, true, null, "")),
        List.of(task("load", List.of(Input.value("rows")), List.of(), null)),
        null);
  }

  /**
   * A parameter, a task, a map step (fed by the task, with the parameter broadcast), a sub-flow
   * bound to the map step, and a report that takes the map step's outcome, waits for the sub-flow
   * and runs only if the parameter says so.
   */
  private static Flow<Void> pipeline() {
    MapStep<Object> measure =
        new MapStep<>(
            "measure",
            Object.class,
            TaskOptions.DEFAULTS,
            Input.value("extract"),
            List.of(Input.value("msg")),
            List.of(),
            null,
            args -> null,
            8);
    SubflowStep<Object> publish =
        new SubflowStep<>(
            "publish",
            child("child"),
            Map.of("rows", Input.value("measure")),
            Map.of(),
            TaskOptions.DEFAULTS,
            List.of(),
            null);
    TaskStep<Object> report =
        task(
            "report",
            List.of(Input.outcome("measure")),
            List.of(Input.value("publish")),
            new Condition(Input.value("msg"), v -> v != null, "msg given"));
    return Flow.of(
        "pipeline",
        FlowOptions.DEFAULTS,
        List.of(param("msg")),
        List.of(task("extract", List.of(), List.of(), null), measure, publish, report),
        null);
  }

  @Test
  void mermaid() {
    assertThat(pipeline().toMermaid())
        .isEqualTo(
            String.join(
                "\n",
                "flowchart TD",
                "  p0([\"msg\"])",
                "  s0[\"extract\"]",
                "  s1{{\"measure (map)\"}}",
                "  s2[[\"publish (flow child)\"]]",
                "  s3[\"report\"]",
                "  s0 --> s1",
                "  p0 --> s1",
                "  s1 --> s2",
                "  s1 -- outcome --> s3",
                "  s2 -.-> s3",
                "  p0 -. if .-> s3",
                ""));
  }

  @Test
  void dot() {
    assertThat(pipeline().toDot())
        .isEqualTo(
            String.join(
                "\n",
                "digraph \"pipeline\" {",
                "  rankdir=TB;",
                "  node [shape=box];",
                "  \"msg\" [shape=ellipse];",
                "  \"extract\";",
                "  \"measure\" [shape=hexagon];",
                "  \"publish\" [shape=box3d, tooltip=\"flow child\"];",
                "  \"report\";",
                "  \"extract\" -> \"measure\";",
                "  \"msg\" -> \"measure\";",
                "  \"measure\" -> \"publish\";",
                "  \"measure\" -> \"report\" [label=\"outcome\"];",
                "  \"publish\" -> \"report\" [style=dashed];",
                "  \"msg\" -> \"report\" [style=dotted, label=\"if\"];",
                "}",
                ""));
  }

  @Test
  void anOrderOnlyOutcomeEdgeIsDottedAndLabelled() {
    Flow<Void> flow =
        Flow.of(
            "f",
            FlowOptions.DEFAULTS,
            List.of(),
            List.of(
                task("a", List.of(), List.of(), null),
                task("b", List.of(), List.of(Input.outcome("a")), null)),
            null);

    assertThat(flow.toMermaid()).endsWith("  s0 -. outcome .-> s1\n");
    assertThat(flow.toDot()).contains("  \"a\" -> \"b\" [style=dashed, label=\"outcome\"];\n");
  }

  @Test
  void aConditionOfNothingDrawsNoEdge() {
    Flow<Void> flow =
        Flow.of(
            "f",
            FlowOptions.DEFAULTS,
            List.of(),
            List.of(task("a", List.of(), List.of(), new Condition(null, v -> true, "always"))),
            null);

    assertThat(flow.toMermaid()).isEqualTo("flowchart TD\n  s0[\"a\"]\n");
    assertThat(flow.toDot())
        .isEqualTo("digraph \"f\" {\n  rankdir=TB;\n  node [shape=box];\n  \"a\";\n}\n");
  }

  @Test
  void mermaidIdsAreNumberedSoAnyNameIsSafe() {
    Flow<Void> flow =
        Flow.of(
            "f",
            FlowOptions.DEFAULTS,
            List.of(param("the input"), param("x")),
            List.of(
                task("Get data from API", List.of(Input.value("the input")), List.of(), null),
                task("end", List.of(Input.value("Get data from API")), List.of(), null)),
            null);

    assertThat(flow.toMermaid())
        .contains("  p0([\"the input\"])\n", "  p1([\"x\"])\n")
        .contains("  s0[\"Get data from API\"]\n", "  s1[\"end\"]\n")
        .contains("  p0 --> s0\n", "  s0 --> s1\n");
  }

  @Test
  void quotesInNamesAreEscapedInMermaid() {
    Flow<Void> flow =
        Flow.of(
            "f",
            FlowOptions.DEFAULTS,
            List.of(param("say \"hi\"")),
            List.of(
                task("the \"best\" step", List.of(Input.value("say \"hi\"")), List.of(), null),
                new SubflowStep<>(
                    "sub",
                    child("a \"child\""),
                    Map.of(),
                    Map.of("rows", List.of()),
                    TaskOptions.DEFAULTS,
                    List.of(),
                    null)),
            null);

    assertThat(flow.toMermaid())
        .contains("  p0([\"say #quot;hi#quot;\"])\n")
        .contains("  s0[\"the #quot;best#quot; step\"]\n")
        .contains("  s1[[\"sub (flow a #quot;child#quot;)\"]]\n");
  }

  @Test
  void quotesAndBackslashesInNamesAndNewlinesInDescriptionsAreEscapedInDot() {
    Flow<Void> flow =
        Flow.of(
            "say \"hi\"",
            FlowOptions.DEFAULTS,
            List.of(param("C:\\data")),
            List.of(
                task("the \"best\" step", List.of(Input.value("C:\\data")), List.of(), null),
                new SubflowStep<>(
                    "sub",
                    child("a \"child\""),
                    Map.of(),
                    Map.of("rows", List.of()),
                    TaskOptions.DEFAULTS.withDescription("two\nlines"),
                    List.of(),
                    null)),
            null);

    assertThat(flow.toDot())
        .startsWith("digraph \"say \\\"hi\\\"\" {\n")
        .contains("  \"C:\\\\data\" [shape=ellipse];\n")
        .contains("  \"the \\\"best\\\" step\";\n")
        .contains("  \"C:\\\\data\" -> \"the \\\"best\\\" step\";\n")
        .contains("  \"sub\" [shape=box3d, tooltip=\"two\\nlines (flow a \\\"child\\\")\"];\n");
  }

  @Test
  void aNameWithANewlineIsRefusedBeforeAnyDiagramIsDrawn() {
    assertThatThrownBy(
            () ->
                Flow.of(
                    "f",
                    FlowOptions.DEFAULTS,
                    List.of(),
                    List.of(task("two\nlines", List.of(), List.of(), null)),
                    null))
        .isInstanceOf(FlowValidationException.class)
        .hasMessageContaining("'two\\u000alines' contains a control character");
  }
}
