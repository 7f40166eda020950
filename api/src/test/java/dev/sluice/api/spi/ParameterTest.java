package dev.sluice.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.sluice.api.TypeRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterTest {

  @Test
  void parts() {
    Parameter<String> p = new Parameter<>("msg", String.class, false, "Hello", "the greeting");

    assertThat(p.name()).isEqualTo("msg");
    assertThat(p.type()).isEqualTo(String.class);
    assertThat(p.required()).isFalse();
    assertThat(p.defaultValue()).isEqualTo("Hello");
    assertThat(p.description()).isEqualTo("the greeting");
  }

  @Test
  void rawTypeOfAClass() {
    assertThat(new Parameter<>("n", Integer.class, true, null, "").rawType())
        .isEqualTo(Integer.class);
  }

  @Test
  void rawTypeOfAParameterizedType() {
    Parameter<List<String>> p =
        new Parameter<>("names", new TypeRef<List<String>>() {}.type(), true, null, "");

    assertThat(p.rawType()).isEqualTo(List.class);
  }

  @Test
  void nameTypeAndDescriptionAreRequired() {
    assertThatNullPointerException()
        .isThrownBy(() -> new Parameter<>(null, String.class, true, null, ""))
        .withMessage("name");
    assertThatNullPointerException()
        .isThrownBy(() -> new Parameter<>("p", null, true, null, ""))
        .withMessage("type");
    assertThatNullPointerException()
        .isThrownBy(() -> new Parameter<>("p", String.class, true, null, null))
        .withMessage("description");
  }
}
