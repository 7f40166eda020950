package dev.sluice.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.Flow;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubflowStepTest {

  private static final Flow<Integer> CHILD =
      Flow.of(
          "child",
          FlowOptions.DEFAULTS,
          List.of(
              new Parameter<>("a", String.class, true, null, ""),
              new Parameter<>("b", String.class, true, null, ""),
              new Parameter<>("c", String.class, true, null, "")),
          List.of(
              new TaskStep<Integer>(
                  "count",
                  Integer.class,
                  TaskOptions.DEFAULTS,
                  List.of(Input.value("a")),
                  List.of(),
                  null,
                  args -> 0)),
          "count");

  @Test
  void inputsAreTheBoundUpstreamsInBindingOrder() {
    Map<String, Input> bindings = new LinkedHashMap<>();
    bindings.put("c", Input.value("z"));
    bindings.put("a", Input.outcome("x"));
    SubflowStep<Integer> step =
        new SubflowStep<>(
            "sub", CHILD, bindings, Map.of("b", "fixed"), TaskOptions.DEFAULTS, List.of(), null);

    assertThat(step.inputs()).containsExactly(Input.value("z"), Input.outcome("x"));
  }

  @Test
  void itsResultTypeIsTheChildFlowsResultType() {
    SubflowStep<Integer> step =
        new SubflowStep<>("sub", CHILD, Map.of(), Map.of(), TaskOptions.DEFAULTS, List.of(), null);

    assertThat(step.outputType()).isEqualTo(Integer.class);
  }

  @Test
  void bindingsAndConstantsAreCopiedAndImmutable() {
    Map<String, Input> bindings = new HashMap<>(Map.of("a", Input.value("x")));
    Map<String, Object> constants = new HashMap<>();
    constants.put("b", null);
    SubflowStep<Integer> step =
        new SubflowStep<>("sub", CHILD, bindings, constants, TaskOptions.DEFAULTS, List.of(), null);

    bindings.put("c", Input.value("y"));
    constants.put("c", "late");

    assertThat(step.bindings()).containsOnlyKeys("a");
    assertThat(step.constants()).containsOnlyKeys("b").containsEntry("b", null);
    assertThatThrownBy(() -> step.bindings().put("c", Input.value("y")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> step.constants().put("c", 1))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
