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
 * {@code sluice flow-run cancel}: a run in another live process is stopped by that process; an
 * ended run is refused; a run whose process was killed is marked Cancelled at once.
 */
class CancelCommandTest {
  @TempDir Path home;

  private Process hanging() throws Exception {
    return new ProcessBuilder(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                HangingFlow.class.getName(),
                home.toString()))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static String runId(Process child) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.matches("[0-9a-f-]{36}")) {
        return line;
      }
    }
    throw new AssertionError("the child printed no run id");
  }

  @Test
  void aRunInAnotherProcessIsCancelledByThatProcess() throws Exception {
    Process child = hanging();
    try {
      String id = runId(child);
      CliRunner cli = new CliRunner(home);
      Await.until(
          "the run to be recorded Running",
          () -> cli.run("flow-run", "ls", "--json").out().contains("\"Running\""));

      CliRunner.Result cancel = cli.run("flow-run", "cancel", id.substring(0, 13));
      assertThat(cancel.exitCode()).as(cancel.err()).isZero();
      assertThat(cancel.out()).contains("Asked flow run " + id + " to cancel");

      Await.until(
          "the child to stop the run",
          () -> cli.run("flow-run", "ls").out().matches("(?s).*" + id + " +hanging +Cancelled .*"));
      assertThat(cli.run("flow-run", "inspect", id).out()).containsPattern("(?m)^hang +Cancelled ");

      CliRunner.Result again = cli.run("flow-run", "cancel", id);
      assertThat(again.exitCode()).isEqualTo(1);
      assertThat(again.err()).contains("has already ended (Cancelled)");
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void aRunWhoseProcessIsGoneIsCancelledAtOnce() throws Exception {
    Process child = hanging();
    String id;
    try {
      id = runId(child);
      CliRunner cli = new CliRunner(home);
      Await.until(
          "the run to be recorded Running",
          () -> cli.run("flow-run", "ls", "--json").out().contains("\"Running\""));
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    // Straight to the store, before any command marks the dead run Crashed on opening it.
    try (var store =
        dev.sluice.api.store.RunStores.open(
            home.resolve("sluice.db").toString(), java.util.Map.of())) {
      var owner = store.history().flowRun(java.util.UUID.fromString(id)).orElseThrow().owner();
      Await.until("the killed process's lease to expire", () -> store.isKnownDead(owner));
      assertThat(store.requestCancel(java.util.UUID.fromString(id), "test"))
          .isEqualTo(dev.sluice.api.store.CancelOutcome.CANCELLED);
    }
    assertThat(new CliRunner(home).run("flow-run", "ls").out())
        .containsPattern("(?m)^" + id + " +hanging +Cancelled ");
  }
}
