package dev.sluice.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir Path home;

  private void writeConfig(String text) throws IOException {
    Files.writeString(home.resolve("config.properties"), text, StandardCharsets.UTF_8);
  }

  /** Code settings pointing at the temporary home, plus {@code more}. */
  private Map<String, String> code(String... more) {
    Map<String, String> code = new HashMap<>();
    code.put("home", home.toString());
    for (int i = 0; i < more.length; i += 2) {
      code.put(more[i], more[i + 1]);
    }
    return code;
  }

  @Test
  void codeWinsOverEverything() throws IOException {
    writeConfig("executor=from-file\n");

    Settings settings =
        Settings.load(
            code("executor", "from-code"),
            Map.of("sluice.executor", "from-property"),
            Map.of("SLUICE_EXECUTOR", "from-env"));

    assertThat(settings.get("executor")).hasValue("from-code");
  }

  @Test
  void systemPropertyWinsOverEnvironmentAndFile() throws IOException {
    writeConfig("executor=from-file\n");

    Settings settings =
        Settings.load(
            code(),
            Map.of("sluice.executor", "from-property"),
            Map.of("SLUICE_EXECUTOR", "from-env"));

    assertThat(settings.get("executor")).hasValue("from-property");
  }

  @Test
  void environmentWinsOverFile() throws IOException {
    writeConfig("executor=from-file\n");

    Settings settings = Settings.load(code(), Map.of(), Map.of("SLUICE_EXECUTOR", "from-env"));

    assertThat(settings.get("executor")).hasValue("from-env");
  }

  @Test
  void fileIsReadFromHome() throws IOException {
    writeConfig("executor=from-file\n");

    Settings settings = Settings.load(code(), Map.of(), Map.of());

    assertThat(settings.get("executor")).hasValue("from-file");
  }

  @Test
  void fileKeysMayCarryTheSluicePrefix() throws IOException {
    writeConfig("sluice.executor=threadpool\nsluice.executor.parallelism=4\n");

    Settings settings = Settings.load(code(), Map.of(), Map.of());

    assertThat(settings.get("executor")).hasValue("threadpool");
    assertThat(settings.get("executor.parallelism")).hasValue("4");
  }

  @Test
  void unsetKeyIsEmptySoTheCallersDefaultApplies() {
    Settings settings = Settings.load(code(), Map.of(), Map.of());

    assertThat(settings.get("executor")).isEmpty();
    assertThat(settings.get("executor").orElse("local")).isEqualTo("local");
  }

  @Test
  void systemPropertiesWithoutTheSluicePrefixAreIgnored() {
    Settings settings =
        Settings.load(code(), Map.of("executor", "no-prefix"), Map.of("EXECUTOR", "no-prefix"));

    assertThat(settings.get("executor")).isEmpty();
  }

  @Test
  void valuesAreStrippedAndBlankValuesCountAsUnset() throws IOException {
    writeConfig("blank=   \n");

    Settings settings = Settings.load(code(), Map.of("sluice.executor", "  local \t"), Map.of());

    assertThat(settings.get("executor")).hasValue("local");
    assertThat(settings.get("blank")).isEmpty();
  }

  @Test
  void environmentNameOfDottedAndDashedKeys() {
    // The build runs tests in a Turkish locale, where "i".toUpperCase() is a dotted capital I.
    assertThat(Settings.environmentName("executor")).isEqualTo("SLUICE_EXECUTOR");
    assertThat(Settings.environmentName("executor.parallelism"))
        .isEqualTo("SLUICE_EXECUTOR_PARALLELISM");
    assertThat(Settings.environmentName("cache.max-size")).isEqualTo("SLUICE_CACHE_MAX_SIZE");
  }

  @Test
  void dottedKeyIsFoundInTheEnvironment() {
    Settings settings = Settings.load(code(), Map.of(), Map.of("SLUICE_EXECUTOR_PARALLELISM", "8"));

    assertThat(settings.get("executor.parallelism")).hasValue("8");
  }

  @Test
  void homeFromCodeWinsOverPropertyAndEnvironment(@TempDir Path other) {
    Settings settings =
        Settings.load(
            Map.of("home", home.toString()),
            Map.of("sluice.home", other.toString()),
            Map.of("SLUICE_HOME", other.toString()));

    assertThat(settings.home()).isEqualTo(home);
  }

  @Test
  void homeFromSystemPropertyWinsOverEnvironment(@TempDir Path other) throws IOException {
    writeConfig("executor=from-home-file\n");

    Settings settings =
        Settings.load(
            Map.of(),
            Map.of("sluice.home", home.toString()),
            Map.of("SLUICE_HOME", other.toString()));

    assertThat(settings.home()).isEqualTo(home);
    assertThat(settings.get("executor")).hasValue("from-home-file");
  }

  @Test
  void homeFromEnvironment() throws IOException {
    writeConfig("executor=from-home-file\n");

    Settings settings = Settings.load(Map.of(), Map.of(), Map.of("SLUICE_HOME", home.toString()));

    assertThat(settings.home()).isEqualTo(home);
    assertThat(settings.get("executor")).hasValue("from-home-file");
  }

  @Test
  void homeDefaultsToDotSluiceInUserHome() {
    Settings settings = Settings.load(Map.of(), Map.of("user.home", home.toString()), Map.of());

    assertThat(settings.home()).isEqualTo(home.resolve(".sluice"));
  }

  @Test
  void missingConfigFileIsNoError() {
    Settings settings = Settings.load(code("executor", "local"), Map.of(), Map.of());

    assertThat(settings.get("executor")).hasValue("local");
  }

  @Test
  void malformedConfigFileIsReportedWithItsPath() throws IOException {
    writeConfig("executor=\\uZZZZ\n");

    assertThatThrownBy(() -> Settings.load(code(), Map.of(), Map.of()))
        .hasMessageContaining(home.resolve("config.properties").toString());
  }

  @Test
  void withPrefixCollectsKeysFromEverySourceWithPrecedence() throws IOException {
    writeConfig(
        "executor.parallelism=1\n"
            + "executor.from-file=file\n"
            + "executor.overridden=file\n"
            + "other.key=x\n");

    Settings settings =
        Settings.load(
            code("executor.from-code", "code", "executor.overridden", "code"),
            Map.of(
                "sluice.executor.parallelism",
                "2",
                "sluice.executor.from-property",
                "property",
                "sluice.other.key",
                "y"),
            Map.of("SLUICE_EXECUTOR_QUEUE", "env", "SLUICE_OTHER_KEY", "z"));

    assertThat(settings.withPrefix("executor"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "parallelism", "2",
                "from-file", "file",
                "overridden", "code",
                "from-code", "code",
                "from-property", "property",
                "queue", "env"));
  }

  @Test
  void withPrefixLowerCasesEnvironmentKeysLocaleIndependently() {
    // In the Turkish locale "PARALLELISM".toLowerCase() contains a dotless i.
    Settings settings = Settings.load(code(), Map.of(), Map.of("SLUICE_EXECUTOR_PARALLELISM", "6"));

    assertThat(settings.withPrefix("executor")).containsExactly(Map.entry("parallelism", "6"));
  }

  @Test
  void withPrefixLeavesOutThePrefixItselfAndLookalikes() {
    Settings settings =
        Settings.load(
            code("executor", "local", "executors.x", "1", "executor.parallelism", "3"),
            Map.of("sluice.executorx.y", "2"),
            Map.of("SLUICE_EXECUTOR", "local", "SLUICE_EXECUTORS_X", "1"));

    assertThat(settings.withPrefix("executor")).containsExactly(Map.entry("parallelism", "3"));
  }

  @Test
  void withPrefixOmitsBlankValues() {
    Settings settings = Settings.load(code("executor.parallelism", " "), Map.of(), Map.of());

    assertThat(settings.withPrefix("executor")).isEmpty();
  }

  @Test
  void sourceNamesWhereEachValueComesFrom() throws IOException {
    writeConfig("executor=from-file\nexecutor.parallelism=2\nexecutor.threads=virtual\n");

    Settings settings =
        Settings.load(
            code("executor", "from-code"),
            Map.of("sluice.executor", "p", "sluice.executor.parallelism", "3"),
            Map.of("SLUICE_EXECUTOR_PARALLELISM", "4", "SLUICE_CONCURRENCY_DB", "1"));

    assertThat(settings.source("executor")).hasValue(Settings.Source.CODE);
    assertThat(settings.source("executor.parallelism")).hasValue(Settings.Source.SYSTEM_PROPERTY);
    assertThat(settings.source("concurrency.db")).hasValue(Settings.Source.ENVIRONMENT);
    assertThat(settings.source("executor.threads")).hasValue(Settings.Source.FILE);
    assertThat(settings.source("concurrency-grace")).isEmpty();
  }

  @Test
  void aBlankValueIsNoSourceSoTheNextOneWins() throws IOException {
    writeConfig("executor=from-file\n");

    Settings settings = Settings.load(code(), Map.of("sluice.executor", "  "), Map.of());

    assertThat(settings.source("executor")).hasValue(Settings.Source.FILE);
    assertThat(settings.get("executor")).hasValue("from-file");
    assertThat(settings.file()).isEqualTo(home.resolve("config.properties"));
  }
}
