package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command tree, help, completion and the errors that need no database. */
class SluiceCliTest {
  @TempDir Path home;

  private static void collect(CommandLine command, List<List<String>> paths, List<String> path) {
    paths.add(path);
    command
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!name.equals("help")) {
                List<String> longer = new ArrayList<>(path);
                longer.add(name);
                collect(sub, paths, longer);
              }
            });
  }

  @Test
  void everyCommandHasHelp() {
    CliRunner cli = new CliRunner(home);
    List<List<String>> paths = new ArrayList<>();
    collect(SluiceCli.commandLine(cli.context()), paths, List.of());
    assertThat(paths)
        .contains(
            List.of("flow", "ls"),
            List.of("flow-run", "ls"),
            List.of("flow-run", "inspect"),
            List.of("flow-run", "logs"),
            List.of("config", "view"),
            List.of("config", "set"),
            List.of("config", "unset"),
            List.of("completion"));

    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      CliRunner.Result help = cli.run(args.toArray(String[]::new));
      assertThat(help.exitCode()).as(args.toString()).isZero();
      assertThat(help.out())
          .as(args.toString())
          .startsWith(("Usage: sluice " + String.join(" ", path)).strip());
    }
  }

  @Test
  void everyReadCommandOffersJson() {
    CliRunner cli = new CliRunner(home);
    for (String[] command :
        new String[][] {
          {"flow", "ls"},
          {"flow-run", "ls"},
          {"flow-run", "inspect"},
          {"flow-run", "logs"},
          {"config", "view"}
        }) {
      String[] args = {command[0], command[1], "--help"};
      assertThat(cli.run(args).out()).as(String.join(" ", command)).contains("--json");
    }
  }

  @Test
  void completionScriptCoversTheCommandTree() {
    CliRunner.Result completion = new CliRunner(home).run("completion");

    assertThat(completion.exitCode()).isZero();
    assertThat(completion.out())
        .startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_sluice")
        .contains("flow-run")
        .contains("inspect")
        .contains("--follow")
        .contains("--since")
        .contains("AwaitingRetry")
        .contains("executor.parallelism");
  }

  @Test
  void completionScriptIsValidBash() throws Exception {
    Path script = home.resolve("sluice-completion.bash");
    Files.writeString(script, new CliRunner(home).run("completion").out());

    Process bash =
        new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();

    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor()).as(output).isZero();
  }

  @Test
  void noDatabaseYetSaysWhereItLookedAndHowToGetOne() {
    CliRunner cli = new CliRunner(home);
    for (String[] args :
        new String[][] {
          {"flow", "ls"},
          {"flow-run", "ls"},
          {"flow-run", "inspect", "019a6b7c-1d2e-7f00-8a9b-0c1d2e3f4a5b"},
          {"flow-run", "logs", "019a6b7c"}
        }) {
      CliRunner.Result result = cli.run(args);
      assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(1);
      assertThat(result.err())
          .startsWith("error: no run history yet: " + home.resolve("sluice.db") + " does not exist")
          .contains("run one, e.g. `./dev demo`");
      assertThat(result.out()).isEmpty();
    }
    assertThat(home.resolve("sluice.db")).doesNotExist();
  }

  @Test
  void storeSettingPointsElsewhere() {
    Path elsewhere = home.resolve("other.db");

    CliRunner.Result result =
        new CliRunner(home).env("SLUICE_STORE", elsewhere.toString()).run("flow-run", "ls");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains(elsewhere + " does not exist");
  }

  @Test
  void recordingOffIsSaidPlainly() {
    CliRunner.Result result = new CliRunner(home).env("SLUICE_STORE", "off").run("flow", "ls");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .contains("run history is off: the store setting is 'off' (environment)");
  }

  @Test
  void aDirectoryIsNotADatabase() throws Exception {
    Files.createDirectories(home.resolve("sluice.db"));

    CliRunner.Result result = new CliRunner(home).run("flow-run", "ls");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .contains(
            "cannot read the run history " + home.resolve("sluice.db") + ": it is a directory");
  }

  @Test
  void badIdFormatIsAUsageError() {
    CliRunner cli = new CliRunner(home);
    for (String bad :
        new String[] {
          "not-an-id",
          "12",
          "019a6b7c-1d2e-7f00-8a9b-0c1d2e3f4a5bzz",
          "019a6b7c-1d2e-7f00-8a9b-0c1d2e3f4a5-"
        }) {
      for (String command : new String[] {"inspect", "logs"}) {
        CliRunner.Result result = cli.run("flow-run", command, bad);
        assertThat(result.exitCode()).as(command + " " + bad).isEqualTo(2);
        assertThat(result.err())
            .contains("'" + bad + "' is not a flow run id")
            .contains("sluice flow-run " + command + " --help");
      }
    }
  }

  @Test
  void badFiltersAreUsageErrors() {
    CliRunner cli = new CliRunner(home);

    CliRunner.Result state = cli.run("flow-run", "ls", "--state", "Done");
    CliRunner.Result since = cli.run("flow-run", "ls", "--since", "yesterday");
    CliRunner.Result limit = cli.run("flow-run", "ls", "--limit", "0");
    CliRunner.Result unknown = cli.run("flow-run", "list");

    assertThat(state.exitCode()).isEqualTo(2);
    assertThat(state.err())
        .contains("unknown state 'Done'")
        .contains("Completed")
        .contains("AwaitingRetry")
        .contains("FAILED");
    assertThat(since.exitCode()).isEqualTo(2);
    assertThat(since.err()).contains("--since: 'yesterday' is not a time");
    assertThat(limit.exitCode()).isEqualTo(2);
    assertThat(limit.err()).contains("--limit must be >= 1, was 0");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unmatched argument").contains("list");
  }

  @Test
  void aCorruptDatabaseIsReportedByNameAndLeftUntouched() throws Exception {
    Path db = home.resolve("sluice.db");
    byte[] garbage =
        "this is not an SQLite database, just some text. "
            .repeat(100)
            .getBytes(StandardCharsets.UTF_8);
    Files.write(db, garbage);

    CliRunner.Result result = new CliRunner(home).run("flow-run", "ls");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("error: ").contains(db.toString());
    assertThat(result.out()).isEmpty();
    assertThat(Files.readAllBytes(db)).isEqualTo(garbage);
  }

  @Test
  void aCommandGroupWithoutItsSubcommandIsAUsageErrorThatListsThem() {
    CliRunner cli = new CliRunner(home);

    CliRunner.Result bare = cli.run();
    CliRunner.Result flowRun = cli.run("flow-run");

    assertThat(bare.exitCode()).isEqualTo(2);
    assertThat(bare.err())
        .contains("Missing required subcommand")
        .contains("flow-run")
        .contains("config");
    assertThat(flowRun.exitCode()).isEqualTo(2);
    assertThat(flowRun.err())
        .contains("Usage: sluice flow-run")
        .contains("inspect")
        .contains("logs");
  }

  /** What bash's completion function offers for {@code line} (the last word being completed). */
  private String complete(Path script, String line) throws Exception {
    String bash =
        "source '"
            + script
            + "' 2>/dev/null; COMP_LINE='"
            + line
            + "'; read -ra COMP_WORDS <<< \"$COMP_LINE\"; COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ));"
            + " COMP_POINT=${#COMP_LINE}; _complete_sluice sluice \"${COMP_WORDS[-1]}\""
            + " \"${COMP_WORDS[-2]}\" 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
    Process process = new ProcessBuilder("bash", "-c", bash).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void completionCompletesCommandsStatesAndSettingNames() throws Exception {
    Path script = home.resolve("sluice-completion.bash");
    Files.writeString(script, new CliRunner(home).run("completion").out());

    assertThat(complete(script, "sluice flow-r").lines()).containsExactly("flow-run");
    assertThat(complete(script, "sluice flow-run i").lines()).containsExactly("inspect");
    assertThat(complete(script, "sluice flow-run ls --state Fa").lines()).containsExactly("Failed");
    assertThat(complete(script, "sluice config set executor.p").lines())
        .containsExactly("executor.parallelism");
  }
}
