package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.RunHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code sluice flow-run logs --follow} on a run still in progress, recorded into real SQLite. */
class FollowLogsTest {
  private static final Logger log = LoggerFactory.getLogger(FollowLogsTest.class);

  @TempDir Path home;

  @Test
  void followPrintsNewLinesUntilTheRunEnds() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Flow<Void> waiting =
        Flows.named("waiting")
            .define(
                f -> {
                  var first = f.action("first", () -> log.info("first line"));
                  var hold =
                      f.action(
                              "hold",
                              () -> {
                                log.info("waiting for the latch");
                                release.await();
                                log.info("released");
                              })
                          .waitFor(first);
                  f.action("last", () -> log.info("last line")).waitFor(hold);
                });
    CliRunner cli = new CliRunner(home);

    try (Sluice sluice = Recording.sluice(home)) {
      RunHandle handle = sluice.start(waiting, Map.of());
      String id = handle.id().toString();
      Await.until(
          "the store to hold the line logged before the latch",
          () -> cli.run("flow-run", "logs", id).out().contains("waiting for the latch"));

      CliRunner.Result inspect = cli.run("flow-run", "inspect", id);
      assertThat(inspect.out())
          .containsPattern("(?m)^State: +Running")
          .containsPattern("(?m)^Ended: +not yet$")
          .containsPattern("(?m)^Duration: +.* so far$")
          .containsPattern("(?m)^first +Completed +1 ")
          .containsPattern("(?m)^hold +Running +1 +\\d{4}-.* so far");
      CliRunner.Result running = cli.run("flow-run", "ls", "--state", "RUNNING");
      assertThat(running.out()).contains(id).contains("waiting").contains("so far");

      CliRunner.Running follow = cli.start("flow-run", "logs", "--follow", id);
      Await.until(
          "--follow to print what is there", () -> follow.out().contains("waiting for the latch"));
      // The run cannot end before the latch opens, so the command must still be following.
      assertThat(follow.exitCode()).isNotDone();
      assertThat(follow.out()).doesNotContain("released");

      release.countDown();
      assertThat(handle.await().state().name()).isEqualTo("Completed");
      int exitCode = follow.exitCode().get(60, TimeUnit.SECONDS);

      assertThat(exitCode).as(follow.err()).isZero();
      String out = follow.out();
      assertThat(out)
          .containsSubsequence("first line", "waiting for the latch", "released", "last line");
      for (String line :
          new String[] {"first line", "waiting for the latch", "released", "last line"}) {
        assertThat(out.lines().filter(l -> l.endsWith(line))).as(line).hasSize(1);
      }
    }
  }

  @Test
  void onATerminalFollowKeepsAProgressLineBelowTheLinesAndClearsItAtTheEnd() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Flow<Void> waiting =
        Flows.named("progressing")
            .define(
                f -> {
                  var first = f.action("first", () -> log.info("first line"));
                  var hold =
                      f.action(
                              "hold",
                              () -> {
                                log.info("holding");
                                release.await();
                              })
                          .waitFor(first);
                  f.action("last", () -> log.info("last line")).waitFor(hold);
                });
    CliRunner cli = new CliRunner(home).onTerminal();

    try (Sluice sluice = Recording.sluice(home)) {
      RunHandle handle = sluice.start(waiting, Map.of());
      String id = handle.id().toString();
      // The run reaches the store asynchronously; --follow of a run not there yet is an error.
      Await.until(
          "the store to hold the held step's line",
          () -> cli.run("flow-run", "logs", id).out().contains("holding"));
      CliRunner.Running follow = cli.start("flow-run", "logs", "--follow", id);
      Await.until(
          "--follow to draw the progress of the held step",
          () -> follow.out().contains("\rprogressing: 1/3 done, 1 running, 0 failed, "));
      release.countDown();
      assertThat(handle.await().state().name()).isEqualTo("Completed");
      assertThat(follow.exitCode().get(60, TimeUnit.SECONDS)).as(follow.err()).isZero();

      String out = follow.out();
      assertThat(out).containsSubsequence("first line", "holding", "\rprogressing: ", "last line");
      // Every log line starts on a clean row: after a newline, or after the progress line's erase.
      assertThat(Arrays.stream(out.split("\n")).filter(l -> l.contains("last line")))
          .singleElement()
          .satisfies(l -> assertThat(l).matches("((\r[^\r]*)*\r *\r)?\\d{4}-.*last line"));
      // Nothing of the progress line is left on the last row.
      assertThat(out.substring(out.lastIndexOf('\n') + 1)).matches("(?s)(|.*\r +\r)");
    }
  }

  @Test
  void followOnAFinishedRunPrintsAllAndReturns() throws Exception {
    Flow<Void> quick =
        Flows.named("quick").define(f -> f.action("only", () -> log.info("done already")));
    String id;
    try (Sluice sluice = Recording.sluice(home)) {
      id = sluice.run(quick).id().toString();
    }

    CliRunner.Result result = new CliRunner(home).run("flow-run", "logs", "--follow", id);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("only | done already");

    CliRunner.Result json = new CliRunner(home).run("flow-run", "logs", "--follow", "--json", id);
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : json.out().lines().toList()) {
      lines.add(mapper.readTree(line));
    }
    assertThat(lines)
        .anySatisfy(
            l -> {
              assertThat(l.get("line").get("message").asText()).isEqualTo("done already");
              assertThat(l.get("line").get("mdc").get("task_name").asText()).isEqualTo("only");
              assertThat(l.get("line").get("level").asText()).isEqualTo("INFO");
            });
  }
}
