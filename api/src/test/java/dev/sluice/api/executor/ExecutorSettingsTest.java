package dev.sluice.api.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExecutorSettingsTest {

  @Test
  void defaultsHaveNoSettings() {
    assertThat(ExecutorSettings.DEFAULTS.values()).isEmpty();
    assertThat(ExecutorSettings.DEFAULTS.get("parallelism")).isEmpty();
    assertThat(ExecutorSettings.DEFAULTS.positiveInt("parallelism", 4)).isEqualTo(4);
  }

  @Test
  void get() {
    ExecutorSettings settings = new ExecutorSettings(Map.of("threads", "virtual"));

    assertThat(settings.get("threads")).contains("virtual");
    assertThat(settings.get("other")).isEmpty();
  }

  @Test
  void positiveIntParsesTheValue() {
    ExecutorSettings settings = new ExecutorSettings(Map.of("parallelism", "8", "padded", " 16 "));

    assertThat(settings.positiveInt("parallelism", 4)).isEqualTo(8);
    assertThat(settings.positiveInt("padded", 4)).isEqualTo(16);
    assertThat(settings.positiveInt("unset", 4)).isEqualTo(4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-3", "abc", "1.5", "", "  ", "99999999999"})
  void positiveIntErrorsNameTheKeyAndTheValue(String value) {
    ExecutorSettings settings = new ExecutorSettings(Map.of("parallelism", value));

    assertThatThrownBy(() -> settings.positiveInt("parallelism", 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "executor setting 'parallelism' must be a positive integer, was '" + value + "'");
  }

  @Test
  void boolReadsTrueOrFalseInAnyCase() {
    ExecutorSettings settings =
        new ExecutorSettings(Map.of("shared", "TRUE", "freshJvm", " false "));

    assertThat(settings.bool("shared", false)).isTrue();
    assertThat(settings.bool("freshJvm", true)).isFalse();
    assertThat(settings.bool("unset", true)).isTrue();
  }

  @Test
  void boolErrorsNameTheKeyAndTheValue() {
    ExecutorSettings settings = new ExecutorSettings(Map.of("shared", "Yes"));

    assertThatThrownBy(() -> settings.bool("shared", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("executor setting 'shared' must be 'true' or 'false', was 'yes'");
  }

  @Test
  void valuesAreCopiedAndImmutable() {
    Map<String, String> values = new HashMap<>(Map.of("parallelism", "2"));
    ExecutorSettings settings = new ExecutorSettings(values);

    values.put("parallelism", "64");

    assertThat(settings.positiveInt("parallelism", 1)).isEqualTo(2);
    assertThatThrownBy(() -> settings.values().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void nullValuesAreRejected() {
    Map<String, String> values = new HashMap<>();
    values.put("parallelism", null);

    assertThatNullPointerException().isThrownBy(() -> new ExecutorSettings(values));
  }
}
