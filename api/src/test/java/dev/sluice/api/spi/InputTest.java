package dev.sluice.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;

class InputTest {

  @Test
  void valueInput() {
    Input input = Input.value("extract");

    assertThat(input.source()).isEqualTo("extract");
    assertThat(input.outcome()).isFalse();
    assertThat(input).isEqualTo(new Input("extract", false));
  }

  @Test
  void outcomeInput() {
    Input input = Input.outcome("extract");

    assertThat(input.source()).isEqualTo("extract");
    assertThat(input.outcome()).isTrue();
    assertThat(input).isNotEqualTo(Input.value("extract"));
  }

  @Test
  void aSourceIsRequired() {
    assertThatNullPointerException().isThrownBy(() -> Input.value(null)).withMessage("source");
    assertThatNullPointerException().isThrownBy(() -> Input.outcome(null)).withMessage("source");
  }
}
