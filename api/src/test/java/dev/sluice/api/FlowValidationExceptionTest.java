package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowValidationExceptionTest {

  @Test
  void oneProblem() {
    FlowValidationException e = new FlowValidationException("etl", List.of("step 'a' is wrong"));

    assertThat(e).isInstanceOf(IllegalArgumentException.class);
    assertThat(e).hasMessage("flow 'etl' is invalid (1 problem):\n  - step 'a' is wrong");
    assertThat(e.flowName()).isEqualTo("etl");
    assertThat(e.problems()).containsExactly("step 'a' is wrong");
  }

  @Test
  void severalProblemsOneALine() {
    FlowValidationException e = new FlowValidationException("etl", List.of("first", "second"));

    assertThat(e).hasMessage("flow 'etl' is invalid (2 problems):\n  - first\n  - second");
  }

  @Test
  void problemsAreCopied() {
    List<String> problems = new ArrayList<>(List.of("first"));
    FlowValidationException e = new FlowValidationException("etl", problems);

    problems.add("late");

    assertThat(e.problems()).containsExactly("first");
  }
}
