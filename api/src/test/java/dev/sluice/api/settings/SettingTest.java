package dev.sluice.api.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingTest {

  @Test
  void environmentNameTurnsDotsDashesAndCamelCaseIntoUnderscores() {
    // The build runs tests in a Turkish locale, where "i".toUpperCase() is a dotted capital I.
    assertThat(Setting.environmentName("executor")).isEqualTo("SLUICE_EXECUTOR");
    assertThat(Setting.environmentName("executor.parallelism"))
        .isEqualTo("SLUICE_EXECUTOR_PARALLELISM");
    assertThat(Setting.environmentName("store.capture-logs"))
        .isEqualTo("SLUICE_STORE_CAPTURE_LOGS");
    assertThat(Setting.environmentName("store.busy-timeout-ms"))
        .isEqualTo("SLUICE_STORE_BUSY_TIMEOUT_MS");
    assertThat(Setting.environmentName("store.connect-timeout-s"))
        .isEqualTo("SLUICE_STORE_CONNECT_TIMEOUT_S");
    assertThat(Setting.environmentName("executor.jvmOptions"))
        .isEqualTo("SLUICE_EXECUTOR_JVM_OPTIONS");
    assertThat(Setting.environmentName("executor.freshJvm")).isEqualTo("SLUICE_EXECUTOR_FRESH_JVM");
    assertThat(Setting.environmentName("executor.startTimeoutSeconds"))
        .isEqualTo("SLUICE_EXECUTOR_START_TIMEOUT_SECONDS");
    assertThat(Setting.environmentName("concurrency-grace")).isEqualTo("SLUICE_CONCURRENCY_GRACE");
    assertThat(Setting.environmentName("cache.s3Bucket")).isEqualTo("SLUICE_CACHE_S3_BUCKET");
    assertThat(Setting.environmentName("executor.jvmOptions.Get data"))
        .isEqualTo("SLUICE_EXECUTOR_JVM_OPTIONS_GET_DATA");
  }

  @Test
  void aPatternNamesItsVariablesWithTheFreePartInBrackets() {
    Setting<Integer> tag = Setting.positiveInt("concurrency.<tag>").description("d").build();
    Setting<List<String>> step =
        Setting.words("executor.jvmOptions.<step>").description("d").build();

    assertThat(tag.isPattern()).isTrue();
    assertThat(tag.prefix()).isEqualTo("concurrency.");
    assertThat(tag.environmentName()).isEqualTo("SLUICE_CONCURRENCY_<TAG>");
    assertThat(step.environmentName()).isEqualTo("SLUICE_EXECUTOR_JVM_OPTIONS_<STEP>");
    assertThat(tag.matches("concurrency.gpu")).isTrue();
    assertThat(tag.matches("concurrency.")).isFalse();
    assertThat(tag.matches("concurrency. ")).isFalse();
    assertThat(tag.matches("concurrency-grace")).isFalse();
    assertThat(step.matches("executor.jvmOptions.fetch")).isTrue();
    assertThat(step.matches("executor.jvmOptions")).isFalse();
  }

  @Test
  void booleansAreStrict() {
    Setting<Boolean> bool = Setting.bool("cache.strict").description("d").build();

    assertThat(bool.parse(" TRUE ")).isTrue();
    assertThat(bool.parse("false")).isFalse();
    for (String bad : List.of("yes", "1", "on", "")) {
      assertThatThrownBy(() -> bool.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("expected true or false, was '" + bad + "'");
    }
  }

  @Test
  void positiveIntsRefuseZeroAndText() {
    Setting<Integer> n = Setting.positiveInt("executor.workers").description("d").build();

    assertThat(n.parse(" 16 ")).isEqualTo(16);
    for (String bad : List.of("0", "-3", "many", "1.5")) {
      assertThatThrownBy(() -> n.parse(bad))
          .hasMessage("expected a whole number >= 1, was '" + bad + "'");
    }
  }

  @Test
  void durationsAreIsoOrMilliseconds() {
    Setting<Duration> d = Setting.duration("concurrency-grace").description("d").build();

    assertThat(d.parse("PT5S")).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.parse("pt1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(d.parse("250")).isEqualTo(Duration.ofMillis(250));
    assertThatThrownBy(() -> d.parse("5s"))
        .hasMessageContaining("PT5S")
        .hasMessageContaining("'5s'");
    assertThatThrownBy(() -> d.parse("-5")).hasMessageContaining(">= 0");
  }

  @Test
  void sizesTakeUnits() {
    Setting<Long> bytes = Setting.bytes("cache.memory-weight").description("d").build();

    assertThat(bytes.parse("1048576")).isEqualTo(1L << 20);
    assertThat(bytes.parse("512k")).isEqualTo(512L << 10);
    assertThat(bytes.parse("64MB")).isEqualTo(64L << 20);
    assertThat(bytes.parse("1g")).isEqualTo(1L << 30);
    for (String bad : List.of("-1", "lots", "99999999999g")) {
      assertThatThrownBy(() -> bytes.parse(bad)).hasMessageContaining("64MB");
    }
  }

  @Test
  void oneOfLowerCasesAndListsTheWords() {
    Setting<String> threads =
        Setting.oneOf("executor.threads", "platform", "virtual").description("d").build();

    assertThat(threads.parse("VIRTUAL")).isEqualTo("virtual");
    assertThatThrownBy(() -> threads.parse("green"))
        .hasMessage("expected one of platform, virtual, was 'green'");
  }

  @Test
  void wordsSplitOnWhiteSpace() {
    Setting<List<String>> words = Setting.words("executor.jvmOptions").description("d").build();

    assertThat(words.parse(" -Xmx64m \t -XX:+UseSerialGC "))
        .containsExactly("-Xmx64m", "-XX:+UseSerialGC");
    assertThat(words.parse("")).isEmpty();
  }

  @Test
  void aSecretValueIsNotRepeatedInMessages() {
    Setting<Integer> secret = Setting.positiveInt("store.pin").description("d").secret().build();

    assertThatThrownBy(() -> secret.parse("hunter2"))
        .hasMessage("expected a whole number >= 1, was '***'");
  }

  @Test
  void defaultsAndTheirText() {
    Setting<Integer> given = Setting.positiveInt("a.b").defaultValue(30).description("d").build();
    Setting<Path> computed =
        Setting.path("a.c").defaultText("$SLUICE_HOME/cache").description("d").build();
    Setting<String> none = Setting.text("a.d").description("d").build();

    assertThat(given.defaultValue()).contains(30);
    assertThat(given.defaultText()).isEqualTo("30");
    assertThat(computed.defaultValue()).isEmpty();
    assertThat(computed.defaultText()).isEqualTo("$SLUICE_HOME/cache");
    assertThat(none.defaultText()).isEqualTo("none");
    assertThat(none.fileAllowed()).isTrue();
    assertThat(Setting.text("home").description("d").notInFile().build().fileAllowed()).isFalse();
  }

  @Test
  void keysAreCheckedWhenDeclared() {
    for (String bad : List.of("", "Store", "store..x", "store.<tag>.x", "sluice store", ".x")) {
      assertThatThrownBy(() -> Setting.text(bad)).as(bad).hasMessageContaining("setting key");
    }
    assertThatThrownBy(() -> Setting.text("a.b").build()).hasMessageContaining("description");
  }

  @Test
  void everySettingHasAnExampleThatDiffersFromItsDefault() {
    assertThat(Setting.bool("a.b").defaultValue(true).description("d").build().example())
        .isEqualTo("false");
    assertThat(Setting.bool("a.b").defaultValue(false).description("d").build().example())
        .isEqualTo("true");
    assertThat(
            Setting.oneOf("a.b", "platform", "virtual")
                .defaultValue("platform")
                .description("d")
                .build()
                .example())
        .isEqualTo("virtual");
    assertThat(Setting.positiveInt("a.b").defaultValue(8).description("d").build().example())
        .isEqualTo("9");
    assertThatThrownBy(() -> Setting.of("a.b", "x", v -> v).description("d").build())
        .hasMessageContaining("needs an example");
    assertThatThrownBy(() -> Setting.positiveInt("a.b").example("none").description("d").build())
        .hasMessageContaining("expected a whole number >= 1, was 'none'");
  }

  @Test
  void aCustomParserSaysWhatItExpects() {
    Setting<Integer> even =
        Setting.of("a.even", "an even number", Integer::valueOf)
            .check(n -> n % 2 == 0, "an even number")
            .example("4")
            .description("d")
            .build();

    assertThat(even.parse("4")).isEqualTo(4);
    assertThatThrownBy(() -> even.parse("3")).hasMessage("expected an even number, was '3'");
    assertThatThrownBy(() -> even.parse("x")).hasMessage("expected an even number, was 'x'");
  }
}
