package dev.sluice.api.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  static final Setting<Path> HOME = Setting.path("home").description("home").notInFile().build();
  static final Setting<String> EXECUTOR = Setting.text("executor").description("d").build();
  static final Setting<Integer> PARALLELISM =
      Setting.positiveInt("executor.parallelism").description("d").build();
  static final Setting<String> THREADS =
      Setting.oneOf("executor.threads", "platform", "virtual")
          .defaultValue("platform")
          .description("d")
          .build();
  static final Setting<Boolean> CAPTURE_LOGS =
      Setting.bool("store.capture-logs").defaultValue(true).description("d").build();
  static final Setting<Integer> BUSY_TIMEOUT =
      Setting.positiveInt("store.busy-timeout-ms").defaultValue(30_000).description("d").build();
  static final Setting<String> PASSWORD =
      Setting.text("store.password").description("d").secret().build();
  static final Setting<Boolean> FRESH_JVM =
      Setting.bool("executor.freshJvm").defaultValue(false).description("d").build();
  static final Setting<List<String>> STEP_OPTIONS =
      Setting.words("executor.jvmOptions.<step>").description("d").build();
  static final Setting<Integer> CONCURRENCY =
      Setting.positiveInt("concurrency.<tag>").description("d").build();
  static final Setting<Duration> GRACE =
      Setting.duration("concurrency-grace")
          .defaultValue(Duration.ofSeconds(5))
          .description("d")
          .build();
  static final List<Setting<?>> CATALOG =
      List.of(
          HOME,
          EXECUTOR,
          PARALLELISM,
          THREADS,
          CAPTURE_LOGS,
          BUSY_TIMEOUT,
          PASSWORD,
          FRESH_JVM,
          STEP_OPTIONS,
          CONCURRENCY,
          GRACE);

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

  private Settings load(
      Map<String, String> code, Map<String, String> properties, Map<String, String> env) {
    return Settings.load(code, properties, env, CATALOG);
  }

  @Test
  void codeWinsOverEverything() throws IOException {
    writeConfig("executor=from-file\n");

    Settings settings =
        load(
            code("executor", "from-code"),
            Map.of("sluice.executor", "from-property"),
            Map.of("SLUICE_EXECUTOR", "from-env"));

    assertThat(settings.find(EXECUTOR)).hasValue("from-code");
  }

  @Test
  void systemPropertyWinsOverEnvironmentAndFile() throws IOException {
    writeConfig("executor=from-file\n");

    Settings settings =
        load(code(), Map.of("sluice.executor", "from-property"), Map.of("SLUICE_EXECUTOR", "env"));

    assertThat(settings.find(EXECUTOR)).hasValue("from-property");
  }

  @Test
  void environmentWinsOverFile() throws IOException {
    writeConfig("executor=from-file\n");

    Settings settings = load(code(), Map.of(), Map.of("SLUICE_EXECUTOR", "from-env"));

    assertThat(settings.find(EXECUTOR)).hasValue("from-env");
  }

  @Test
  void fileWinsOverTheDefault() throws IOException {
    writeConfig("executor.threads=virtual\n");

    assertThat(load(code(), Map.of(), Map.of()).get(THREADS)).isEqualTo("virtual");
    Files.delete(home.resolve("config.properties"));
    assertThat(load(code(), Map.of(), Map.of()).get(THREADS)).isEqualTo("platform");
  }

  @Test
  void fileKeysMayCarryTheSluicePrefix() throws IOException {
    writeConfig("sluice.executor=threadpool\nsluice.executor.parallelism=4\n");

    Settings settings = load(code(), Map.of(), Map.of());

    assertThat(settings.find(EXECUTOR)).hasValue("threadpool");
    assertThat(settings.get(PARALLELISM)).isEqualTo(4);
  }

  @Test
  void keysWithDashesAndCapitalsAreFoundInTheEnvironment() {
    // Regression: SLUICE_STORE_CAPTURE_LOGS was read as "capture_logs" and silently ignored.
    Settings settings =
        load(
            code(),
            Map.of(),
            Map.of(
                "SLUICE_STORE_CAPTURE_LOGS", "false",
                "SLUICE_STORE_BUSY_TIMEOUT_MS", "1234",
                "SLUICE_EXECUTOR_FRESH_JVM", "true"));

    assertThat(settings.get(CAPTURE_LOGS)).isFalse();
    assertThat(settings.get(BUSY_TIMEOUT)).isEqualTo(1234);
    assertThat(settings.get(FRESH_JVM)).isTrue();
    assertThat(settings.warnings()).isEmpty();
  }

  @Test
  void anUnsetSettingIsEmptySoTheDefaultApplies() {
    Settings settings = load(code(), Map.of(), Map.of());

    assertThat(settings.find(EXECUTOR)).isEmpty();
    assertThat(settings.get(GRACE)).isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(() -> settings.get(EXECUTOR))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'executor' has no default");
  }

  @Test
  void aPatternIsReadWithAllNotFind() {
    Settings settings = load(code(), Map.of(), Map.of());

    assertThatThrownBy(() -> settings.find(CONCURRENCY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Settings.all");
  }

  @Test
  void systemPropertiesAndVariablesWithoutTheSluicePrefixAreIgnored() {
    Settings settings =
        load(code(), Map.of("executor", "no-prefix"), Map.of("EXECUTOR", "no-prefix"));

    assertThat(settings.find(EXECUTOR)).isEmpty();
  }

  @Test
  void valuesAreStrippedAndBlankValuesCountAsUnset() throws IOException {
    writeConfig("executor.parallelism=   \n");

    Settings settings = load(code(), Map.of("sluice.executor", "  local \t"), Map.of());

    assertThat(settings.find(EXECUTOR)).hasValue("local");
    assertThat(settings.raw("executor")).hasValue("local");
    assertThat(settings.find(PARALLELISM)).isEmpty();
  }

  @Test
  void aBlankValueIsNoSourceSoTheNextOneWins() throws IOException {
    writeConfig("executor=from-file\n");

    Settings settings = load(code(), Map.of("sluice.executor", "  "), Map.of());

    assertThat(settings.source("executor")).hasValue(Settings.Source.FILE);
    assertThat(settings.find(EXECUTOR)).hasValue("from-file");
    assertThat(settings.file()).isEqualTo(home.resolve("config.properties"));
  }

  @Test
  void sourceNamesWhereEachValueComesFrom() throws IOException {
    writeConfig("executor=from-file\nexecutor.parallelism=2\nexecutor.threads=virtual\n");

    Settings settings =
        load(
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
  void homeFromCodeWinsOverPropertyAndEnvironment(@TempDir Path other) {
    Settings settings =
        load(
            Map.of("home", home.toString()),
            Map.of("sluice.home", other.toString()),
            Map.of("SLUICE_HOME", other.toString()));

    assertThat(settings.home()).isEqualTo(home);
  }

  @Test
  void homeFromSystemPropertyWinsOverEnvironment(@TempDir Path other) throws IOException {
    writeConfig("executor=from-home-file\n");

    Settings settings =
        load(
            Map.of(),
            Map.of("sluice.home", home.toString()),
            Map.of("SLUICE_HOME", other.toString()));

    assertThat(settings.home()).isEqualTo(home);
    assertThat(settings.find(EXECUTOR)).hasValue("from-home-file");
  }

  @Test
  void homeFromEnvironment() throws IOException {
    writeConfig("executor=from-home-file\n");

    Settings settings = load(Map.of(), Map.of(), Map.of("SLUICE_HOME", home.toString()));

    assertThat(settings.home()).isEqualTo(home);
    assertThat(settings.find(EXECUTOR)).hasValue("from-home-file");
  }

  @Test
  void homeDefaultsToDotSluiceInUserHome() {
    Settings settings = load(Map.of(), Map.of("user.home", home.toString()), Map.of());

    assertThat(settings.home()).isEqualTo(home.resolve(".sluice"));
  }

  @Test
  void theFileCannotMoveHomeAndIsWarnedAbout(@TempDir Path other) throws IOException {
    writeConfig("home=" + other + "\n");

    Settings settings = load(Map.of(), Map.of(), Map.of("SLUICE_HOME", home.toString()));

    assertThat(settings.home()).isEqualTo(home);
    assertThat(settings.source("home")).hasValue(Settings.Source.ENVIRONMENT);
    assertThat(settings.warnings())
        .singleElement()
        .asString()
        .contains("sets 'home'")
        .contains("SLUICE_HOME");
  }

  @Test
  void missingConfigFileIsNoError() {
    Settings settings = load(code("executor", "local"), Map.of(), Map.of());

    assertThat(settings.find(EXECUTOR)).hasValue("local");
  }

  @Test
  void malformedConfigFileIsReportedWithItsPath() throws IOException {
    writeConfig("executor=\\uZZZZ\n");

    assertThatThrownBy(() -> load(code(), Map.of(), Map.of()))
        .hasMessageContaining(home.resolve("config.properties").toString());
  }

  @Test
  void allCollectsAPatternsKeysFromEverySourceWithPrecedence() throws IOException {
    writeConfig(
        "concurrency.gpu=1\nconcurrency.from-file=5\nconcurrency.overridden=6\nother.key=x\n");

    Settings settings =
        load(
            code("concurrency.from-code", "2", "concurrency.overridden", "3"),
            Map.of("sluice.concurrency.gpu", "4", "sluice.other.key", "y"),
            Map.of("SLUICE_CONCURRENCY_QUEUE", "7", "SLUICE_OTHER_KEY", "z"));

    assertThat(settings.all(CONCURRENCY))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("gpu", 4, "from-file", 5, "overridden", 3, "from-code", 2, "queue", 7));
  }

  @Test
  void anEnvironmentFreePartIsLowerCasedLocaleIndependently() {
    // In the Turkish locale "FILES".toLowerCase() contains a dotless i.
    Settings settings =
        load(
            code(),
            Map.of(),
            Map.of("SLUICE_CONCURRENCY_FILES", "6", "SLUICE_EXECUTOR_JVM_OPTIONS_FETCH", "-Xmx1g"));

    assertThat(settings.all(CONCURRENCY)).containsExactly(Map.entry("files", 6));
    assertThat(settings.all(STEP_OPTIONS)).containsExactly(Map.entry("fetch", List.of("-Xmx1g")));
  }

  @Test
  void aVariableThatNamesAPlainSettingIsNoFreePart() {
    Settings settings =
        load(
            code(),
            Map.of(),
            Map.of("SLUICE_CONCURRENCY_GRACE", "PT1S", "SLUICE_CONCURRENCY_DB", "2"));

    assertThat(settings.all(CONCURRENCY)).containsExactly(Map.entry("db", 2));
    assertThat(settings.get(GRACE)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void allLeavesOutThePrefixItselfLookalikesAndBlankValues() {
    Settings settings =
        load(
            code(
                "concurrency",
                "1",
                "concurrencyx.y",
                "1",
                "concurrency.db",
                "3",
                "concurrency.io",
                " "),
            Map.of("sluice.concurrencyx.y", "2"),
            Map.of("SLUICE_CONCURRENCY", "1", "SLUICE_CONCURRENCYX_Y", "1"));

    assertThat(settings.all(CONCURRENCY)).containsExactly(Map.entry("db", 3));
  }

  @Test
  void aBadValueNamesTheKeyTheSourceAndWhatIsExpected() throws IOException {
    assertThatThrownBy(
            () ->
                load(code(), Map.of(), Map.of("SLUICE_STORE_BUSY_TIMEOUT_MS", "soon"))
                    .get(BUSY_TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "bad value for the setting store.busy-timeout-ms in environment variable"
                + " SLUICE_STORE_BUSY_TIMEOUT_MS: expected a whole number >= 1, was 'soon'");
    assertThatThrownBy(
            () ->
                load(code(), Map.of("sluice.store.capture-logs", "yes"), Map.of())
                    .get(CAPTURE_LOGS))
        .hasMessage(
            "bad value for the setting store.capture-logs in system property"
                + " sluice.store.capture-logs: expected true or false, was 'yes'");
    assertThatThrownBy(() -> load(code("concurrency.db", "0"), Map.of(), Map.of()).all(CONCURRENCY))
        .hasMessage(
            "bad value for the setting concurrency.db in code (setting concurrency.db): expected a"
                + " whole number >= 1, was '0'");
    writeConfig("executor.threads=green\n");
    assertThatThrownBy(() -> load(code(), Map.of(), Map.of()).get(THREADS))
        .hasMessage(
            "bad value for the setting executor.threads in "
                + home.resolve("config.properties")
                + ": expected one of platform, virtual, was 'green'");
  }

  @Test
  void aBadSecretIsNotRepeated() {
    Setting<Integer> pin = Setting.positiveInt("store.pin").description("d").secret().build();
    Settings settings = Settings.of(Map.of("store.pin", "hunter2"));

    assertThatThrownBy(() -> settings.get(pin)).hasMessageEndingWith("was '***'");
  }

  @Test
  void unknownKeysAreWarnedAboutNamingTheClosestKnownOne() throws IOException {
    writeConfig("executor.paralelism=2\ncolour=blue\n");

    Settings settings =
        load(
            code("store.capture-log", "false"),
            Map.of(
                "sluice.executor.thread",
                "virtual",
                "user.home",
                "/x",
                "sluice.concurency.db",
                "1"),
            Map.of(
                "SLUICE_STORE_CAPTURELOGS", "false",
                "SLUICE_STORE_CAPTURE_LOGS", "false",
                "SLUICE_CONCURRENCY_DB", "2",
                "SLUICE_EXECUTOR_JVM_OPTIONS_FETCH", "-Xmx1g",
                "SLUICE_WHATEVER_ELSE", "1",
                "PATH", "/bin"));

    assertThat(settings.warnings())
        .containsExactly(
            "code sets 'store.capture-log', which is not a setting Sluice knows, so it is ignored;"
                + " did you mean store.capture-logs?",
            "system property sluice.concurency.db, which is not a setting Sluice knows, so it is"
                + " ignored; did you mean sluice.concurrency.<tag>?",
            "system property sluice.executor.thread, which is not a setting Sluice knows, so it is"
                + " ignored; did you mean sluice.executor.threads?",
            "environment variable SLUICE_STORE_CAPTURELOGS, which is not a setting Sluice knows, so"
                + " it is ignored; did you mean SLUICE_STORE_CAPTURE_LOGS (store.capture-logs)?",
            "environment variable SLUICE_WHATEVER_ELSE, which is not a setting Sluice knows, so it"
                + " is ignored; `sluice config view` lists them",
            home.resolve("config.properties")
                + " sets 'colour', which is not a setting Sluice knows, so it is ignored; `sluice"
                + " config view` lists them",
            home.resolve("config.properties")
                + " sets 'executor.paralelism', which is not a setting Sluice knows, so it is"
                + " ignored; did you mean executor.parallelism?");
  }

  @Test
  void eachWarningIsLoggedOncePerProcess() {
    String message = "test warning " + System.nanoTime();

    assertThat(Settings.warnOnce(message)).isTrue();
    assertThat(Settings.warnOnce(message)).isFalse();
  }

  @Test
  void codeOnlySettingsReadNoOtherSource() throws IOException {
    writeConfig("executor=from-file\n");

    Settings settings = Settings.of(Map.of("home", home.toString()));

    assertThat(settings.find(EXECUTOR)).isEmpty();
    assertThat(settings.home()).isEqualTo(home);
    assertThat(settings.warnings()).isEmpty();
  }

  @Test
  void declaredPrefersThePlainSettingOverAPattern() {
    Settings settings = load(code(), Map.of(), Map.of());

    assertThat(settings.declared("executor.threads")).containsSame(THREADS);
    assertThat(settings.declared("executor.jvmOptions.x")).containsSame(STEP_OPTIONS);
    assertThat(settings.declared("concurrency.gpu")).containsSame(CONCURRENCY);
    assertThat(settings.declared("concurrency-grace")).containsSame(GRACE);
    assertThat(settings.declared("nothing")).isEmpty();
  }
}
