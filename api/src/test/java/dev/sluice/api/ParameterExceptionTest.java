package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterExceptionTest {

  @Test
  void oneProblem() {
    ParameterException e = new ParameterException("etl", List.of("'msg' is required"));

    assertThat(e).isInstanceOf(IllegalArgumentException.class);
    assertThat(e)
        .hasMessage("invalid parameters for flow 'etl' (1 problem):\n  - 'msg' is required");
    assertThat(e.flowName()).isEqualTo("etl");
    assertThat(e.problems()).containsExactly("'msg' is required");
  }

  @Test
  void severalProblemsOneALine() {
    ParameterException e =
        new ParameterException("etl", List.of("'msg' is required", "'n' is not a number"));

    assertThat(e)
        .hasMessage(
            "invalid parameters for flow 'etl' (2 problems):\n"
                + "  - 'msg' is required\n"
                + "  - 'n' is not a number");
  }

  @Test
  void problemsAreCopied() {
    List<String> problems = new ArrayList<>(List.of("first"));
    ParameterException e = new ParameterException("etl", problems);

    problems.clear();

    assertThat(e.problems()).containsExactly("first");
  }
}
