package dev.sluice.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskStepTest {

  private static final TaskBody BODY = args -> null;

  @Test
  void upstreamsAreInputsThenWaitForThenTheConditionsInput() {
    TaskStep<Object> step =
        new TaskStep<>(
            "report",
            String.class,
            TaskOptions.DEFAULTS,
            List.of(Input.value("a"), Input.outcome("b")),
            List.of(Input.value("c")),
            new Condition(Input.value("flag"), v -> true, "flag set"),
            BODY);

    assertThat(step.upstreams())
        .containsExactly(
            Input.value("a"), Input.outcome("b"), Input.value("c"), Input.value("flag"));
    assertThat(step.outputType()).isEqualTo(String.class);
  }

  @Test
  void aConditionOfNothingAddsNoUpstream() {
    TaskStep<Object> step =
        new TaskStep<>(
            "t",
            Object.class,
            TaskOptions.DEFAULTS,
            List.of(Input.value("a")),
            List.of(),
            new Condition(null, v -> true, "always"),
            BODY);

    assertThat(step.upstreams()).containsExactly(Input.value("a"));
  }

  @Test
  void listsAreCopiedAndImmutable() {
    List<Input> inputs = new ArrayList<>(List.of(Input.value("a")));
    List<Input> waitFor = new ArrayList<>(List.of(Input.value("b")));
    TaskStep<Object> step =
        new TaskStep<>("t", Object.class, TaskOptions.DEFAULTS, inputs, waitFor, null, BODY);

    inputs.add(Input.value("x"));
    waitFor.clear();

    assertThat(step.inputs()).containsExactly(Input.value("a"));
    assertThat(step.waitFor()).containsExactly(Input.value("b"));
    assertThatThrownBy(() -> step.inputs().add(Input.value("y")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void requiredPartsMustNotBeNull() {
    assertThatNullPointerException()
        .isThrownBy(
            () ->
                new TaskStep<>(
                    null, Object.class, TaskOptions.DEFAULTS, List.of(), List.of(), null, BODY))
        .withMessage("name");
    assertThatNullPointerException()
        .isThrownBy(
            () -> new TaskStep<>("t", null, TaskOptions.DEFAULTS, List.of(), List.of(), null, BODY))
        .withMessage("outputType");
    assertThatNullPointerException()
        .isThrownBy(() -> new TaskStep<>("t", Object.class, null, List.of(), List.of(), null, BODY))
        .withMessage("options");
    assertThatNullPointerException()
        .isThrownBy(
            () ->
                new TaskStep<>(
                    "t", Object.class, TaskOptions.DEFAULTS, List.of(), List.of(), null, null))
        .withMessage("body");
  }
}
