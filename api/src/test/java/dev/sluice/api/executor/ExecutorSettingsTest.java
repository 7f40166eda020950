package dev.sluice.api.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.settings.Setting;
import dev.sluice.api.settings.Settings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutorSettingsTest {
  private static final Setting<Integer> PARALLELISM =
      Setting.positiveInt("executor.parallelism").defaultValue(4).description("d").build();
  private static final Setting<List<String>> STEP_OPTIONS =
      Setting.words("executor.jvmOptions.<step>").description("d").build();

  @Test
  void defaultsSetNothing() {
    assertThat(ExecutorSettings.DEFAULTS.find(PARALLELISM)).isEmpty();
    assertThat(ExecutorSettings.DEFAULTS.get(PARALLELISM)).isEqualTo(4);
  }

  @Test
  void aMapGivesCodeValuesUnderTheExecutorPrefix() {
    ExecutorSettings settings =
        new ExecutorSettings(Map.of("parallelism", " 8 ", "jvmOptions.fetch", "-Xmx1g -Xss1m"));

    assertThat(settings.get(PARALLELISM)).isEqualTo(8);
    assertThat(settings.all(STEP_OPTIONS))
        .containsExactly(Map.entry("fetch", List.of("-Xmx1g", "-Xss1m")));
    assertThat(settings.settings().source("executor.parallelism")).hasValue(Settings.Source.CODE);
  }

  @Test
  void aBadValueNamesTheKeyItsSourceAndWhatIsExpected() {
    ExecutorSettings settings = new ExecutorSettings(Map.of("parallelism", "0"));

    assertThatThrownBy(() -> settings.get(PARALLELISM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "bad value for the setting executor.parallelism in code (setting"
                + " executor.parallelism): expected a whole number >= 1, was '0'");
  }
}
