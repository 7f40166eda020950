package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose process is killed with SIGKILL: {@code logs --follow} on it ends, and the commands
 * show it Crashed rather than Running forever.
 */
class CrashedRunTest {
  @TempDir Path home;

  @Test
  void aKilledRunEndsFollowAndShowsCrashed() throws Exception {
    Process child =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    HangingFlow.class.getName(),
                    home.toString()))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String id = null;
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.matches("[0-9a-f-]{36}")) {
          id = line;
          break;
        }
      }
      assertThat(id).as("the child's run id").isNotNull();
      String runId = id;
      CliRunner cli = new CliRunner(home);
      Await.until(
          "the hanging task's line in the store",
          () -> cli.run("flow-run", "logs", runId).out().contains("about to hang"));
      assertThat(cli.run("flow-run", "ls", "--json").out()).contains("\"Running\"");

      CliRunner.Running follow = cli.start("flow-run", "logs", "--follow", runId);
      Await.until("--follow to print the line", () -> follow.out().contains("about to hang"));
      assertThat(follow.exitCode()).isNotDone();

      child.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

      assertThat(follow.exitCode().get(60, TimeUnit.SECONDS)).as(follow.err()).isZero();
      CliRunner.Result ls = cli.run("flow-run", "ls");
      CliRunner.Result inspect = cli.run("flow-run", "inspect", runId);
      assertThat(ls.out()).containsPattern("(?m)^" + runId + " +hanging +Crashed ");
      assertThat(inspect.out())
          .containsPattern("(?m)^State: +Crashed")
          .containsPattern("(?m)^hang +Crashed +1 ");
    } finally {
      child.destroyForcibly();
    }
  }
}
