package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.settings.Settings;
import dev.sluice.engine.internal.EngineSettings;
import dev.sluice.store.StoreSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandTest {
  @TempDir Path home;

  private JsonNode viewJson(CliRunner cli, String key) throws Exception {
    CliRunner.Result view = cli.run("config", "view", "--json", key);
    assertThat(view.exitCode()).as(view.err()).isZero();
    JsonNode rows = new ObjectMapper().readTree(view.out());
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  @Test
  void setWritesTheFileThatTheEngineReads() throws Exception {
    CliRunner cli = new CliRunner(home);

    CliRunner.Result set = cli.run("config", "set", "executor", "local");

    assertThat(set.exitCode()).as(set.err()).isZero();
    assertThat(set.out()).contains("Set executor=local in " + home.resolve("config.properties"));
    Settings engineView = Settings.load(Map.of(), Map.of(), Map.of("SLUICE_HOME", home.toString()));
    assertThat(engineView.find(EngineSettings.EXECUTOR)).hasValue("local");
    assertThat(engineView.source("executor")).hasValue(Settings.Source.FILE);
  }

  @Test
  void setViewUnsetRoundTripWithPrecedence() throws Exception {
    CliRunner cli = new CliRunner(home);
    JsonNode before = viewJson(cli, "executor.threads");
    assertThat(before.get("value").asText()).isEqualTo("platform");
    assertThat(before.get("source").asText()).isEqualTo("default");

    assertThat(cli.run("config", "set", "executor.threads", "virtual").exitCode()).isZero();
    JsonNode fromFile = viewJson(cli, "executor.threads");
    assertThat(fromFile.get("value").asText()).isEqualTo("virtual");
    assertThat(fromFile.get("source").asText()).isEqualTo("file");
    assertThat(fromFile.get("origin").asText())
        .isEqualTo(home.resolve("config.properties").toString());

    cli.env("SLUICE_EXECUTOR_THREADS", "platform");
    JsonNode fromEnv = viewJson(cli, "executor.threads");
    assertThat(fromEnv.get("value").asText()).isEqualTo("platform");
    assertThat(fromEnv.get("source").asText()).isEqualTo("environment");
    assertThat(fromEnv.get("origin").asText()).isEqualTo("SLUICE_EXECUTOR_THREADS");

    cli.property("sluice.executor.threads", "virtual");
    JsonNode fromProperty = viewJson(cli, "executor.threads");
    assertThat(fromProperty.get("value").asText()).isEqualTo("virtual");
    assertThat(fromProperty.get("source").asText()).isEqualTo("system property");
    assertThat(fromProperty.get("origin").asText()).isEqualTo("sluice.executor.threads");

    CliRunner plain = new CliRunner(home);
    CliRunner.Result unset = plain.run("config", "unset", "executor.threads");
    assertThat(unset.exitCode()).as(unset.err()).isZero();
    assertThat(unset.out()).contains("Removed executor.threads from");
    assertThat(viewJson(plain, "executor.threads").get("source").asText()).isEqualTo("default");
    assertThat(Files.readString(home.resolve("config.properties")))
        .doesNotContain("executor.threads");
  }

  @Test
  void setTellsWhenAHigherSourceStillDecides() {
    CliRunner cli = new CliRunner(home).env("SLUICE_EXECUTOR", "threadpool");

    CliRunner.Result set = cli.run("config", "set", "executor", "local");

    assertThat(set.exitCode()).isZero();
    assertThat(set.err())
        .contains("note: environment SLUICE_EXECUTOR is set and takes precedence over the file")
        .contains("threadpool");
  }

  @Test
  void viewTableShowsEverySettingAlignedWithItsSource() {
    CliRunner cli = new CliRunner(home);
    cli.run("config", "set", "concurrency.db", "2");
    cli.run("config", "set", "concurrency.api", "5");

    CliRunner.Result view = cli.env("SLUICE_EXECUTOR", "local").run("config", "view");

    assertThat(view.exitCode()).as(view.err()).isZero();
    String[] lines = view.out().split("\\R");
    assertThat(lines[0]).matches("SETTING +VALUE +SOURCE");
    int valueColumn = lines[0].indexOf("VALUE");
    assertThat(view.out())
        .containsPattern(
            "(?m)^home +"
                + java.util.regex.Pattern.quote(home.toString())
                + " +environment SLUICE_HOME$")
        .containsPattern("(?m)^executor +local +environment SLUICE_EXECUTOR$")
        .containsPattern("(?m)^executor.threads +platform +default$")
        .containsPattern("(?m)^concurrency.api +5 +file ")
        .containsPattern("(?m)^concurrency.db +2 +file ")
        .containsPattern("(?m)^concurrency-grace +PT5S +default$");
    for (int i = 1; i < lines.length; i++) {
      assertThat(lines[i].charAt(valueColumn - 1)).as(lines[i]).isEqualTo(' ');
      assertThat(lines[i].charAt(valueColumn)).as(lines[i]).isNotEqualTo(' ');
    }
  }

  @Test
  void unknownSettingIsRejectedWithTheKnownOnes() {
    CliRunner cli = new CliRunner(home);

    for (String[] args :
        new String[][] {
          {"config", "set", "exectuor", "local"},
          {"config", "view", "exectuor"},
          {"config", "unset", "exectuor"}
        }) {
      CliRunner.Result result = cli.run(args);
      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err())
          .contains("unknown setting 'exectuor' (did you mean executor?)")
          .contains("executor, executor.classpath, executor.freshJvm")
          .contains("executor.parallelism, executor.shared")
          .contains("store.capture-logs")
          .contains("concurrency.<tag>");
    }
    assertThat(home.resolve("config.properties")).doesNotExist();
  }

  @Test
  void badValuesAreRejectedAndTheFileIsLeftAlone() throws Exception {
    CliRunner cli = new CliRunner(home);
    cli.run("config", "set", "executor.parallelism", "4");
    String before = Files.readString(home.resolve("config.properties"));

    CliRunner.Result notANumber = cli.run("config", "set", "executor.parallelism", "four");
    CliRunner.Result badThreads = cli.run("config", "set", "executor.threads", "green");
    CliRunner.Result badGrace = cli.run("config", "set", "concurrency-grace", "soon");
    CliRunner.Result badTag = cli.run("config", "set", "concurrency.a b", "1");

    assertThat(notANumber.exitCode()).isEqualTo(1);
    assertThat(notANumber.err())
        .contains(
            "'four' is not a valid value for executor.parallelism: expected a whole number >= 1");
    assertThat(badThreads.err()).contains("expected one of platform, virtual");
    assertThat(badGrace.err()).contains("PT5S");
    assertThat(badTag.err()).contains("unknown setting 'concurrency.a b'");
    assertThat(Files.readString(home.resolve("config.properties"))).isEqualTo(before);
  }

  @Test
  void homeCannotBeSetInTheFileItLocates() {
    CliRunner.Result result = new CliRunner(home).run("config", "set", "home", "/elsewhere");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("SLUICE_HOME").contains("sluice.home");
  }

  @Test
  void unsetKeepsOtherEntriesAndRemovesPrefixedOrUnknownKeys() throws Exception {
    Files.writeString(
        home.resolve("config.properties"),
        "sluice.executor=local\nexecutor.parallelism=3\nstray.key=1\n",
        StandardCharsets.UTF_8);
    CliRunner cli = new CliRunner(home);

    CliRunner.Result view = cli.run("config", "view");
    assertThat(view.err()).contains("sets 'stray.key', which is not a setting Sluice knows");

    assertThat(cli.run("config", "unset", "executor").exitCode()).isZero();
    assertThat(cli.run("config", "unset", "stray.key").exitCode()).isZero();
    CliRunner.Result again = cli.run("config", "unset", "executor");

    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).contains("executor was not set in");
    Settings settings = Settings.load(Map.of(), Map.of(), Map.of("SLUICE_HOME", home.toString()));
    assertThat(settings.find(EngineSettings.EXECUTOR)).isEmpty();
    assertThat(settings.raw("executor.parallelism")).hasValue("3");
    assertThat(Files.readString(home.resolve("config.properties"))).doesNotContain("stray");
  }

  @Test
  void missingArgumentIsAUsageError() {
    CliRunner.Result result = new CliRunner(home).run("config", "set", "executor");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("Missing required parameter: 'VALUE'")
        .contains("sluice config set --help");
  }

  @Test
  void setHelpListsTheSettings() {
    CliRunner.Result help = new CliRunner(home).run("config", "set", "--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out())
        .contains("Usage: sluice config set")
        .contains("executor.parallelism")
        .contains("concurrency.<tag>");
  }

  @Test
  void storeSettingsAreKnownAndThePasswordIsMasked() throws Exception {
    CliRunner cli = new CliRunner(home);

    CliRunner.Result set = cli.run("config", "set", "store.password", "s3cret");
    cli.run("config", "set", "store", "jdbc:postgresql://db.example:5432/sluice");
    CliRunner.Result view = cli.run("config", "view");
    CliRunner.Result badTimeout = cli.run("config", "set", "store.busy-timeout-ms", "soon");

    assertThat(set.exitCode()).as(set.err()).isZero();
    assertThat(set.out()).doesNotContain("s3cret").contains("store.password=***");
    assertThat(view.out())
        .containsPattern("(?m)^store +jdbc:postgresql://db.example:5432/sluice +file ")
        .containsPattern("(?m)^store.password +\\*\\*\\* +file ")
        .doesNotContain("s3cret");
    assertThat(badTimeout.exitCode()).isEqualTo(1);
    Settings settings = Settings.load(Map.of(), Map.of(), Map.of("SLUICE_HOME", home.toString()));
    assertThat(settings.find(StoreSettings.PASSWORD)).hasValue("s3cret");
  }
}
