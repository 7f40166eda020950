package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sluice flow ls} and {@code sluice flow-run ls|inspect|logs} against a real SQLite history,
 * written by really running flows through {@link Sluice} with recording on.
 */
class HistoryCommandsTest {
  private static final Logger log = LoggerFactory.getLogger(HistoryCommandsTest.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  static final Flow<Void> ETL =
      Flows.named("etl")
          .version("2")
          .define(
              f -> {
                var n = f.param("n", int.class).withDefault(3);
                var numbers =
                    f.task("extract", n, k -> IntStream.rangeClosed(1, k).boxed().toList());
                var sum =
                    f.task(
                        "sum",
                        numbers,
                        list -> {
                          log.info("summing {} numbers", list.size());
                          return list.stream().mapToInt(Integer::intValue).sum();
                        });
                f.action("load", sum, total -> log.info("loaded total {}", total));
              });

  static final Flow<Void> FLAKY =
      Flows.named("flaky")
          .define(
              f -> {
                var data =
                    f.task(
                            "call API",
                            () -> {
                              log.warn("calling the API");
                              if (true) {
                                throw new IllegalStateException("the API is down");
                              }
                              return 1;
                            })
                        .retries(1);
                f.task("use data", data, d -> d + 1);
              });

  @TempDir static Path home;
  static FlowRun firstEtl;
  static FlowRun flaky;
  static FlowRun secondEtl;
  static Instant afterFirst;

  @BeforeAll
  static void recordRuns() throws Exception {
    try (Sluice sluice = Recording.sluice(home)) {
      firstEtl = sluice.run(ETL, Map.of("n", 3));
      Thread.sleep(5); // so "since" below falls strictly between two runs' start times
      afterFirst = Instant.now();
      Thread.sleep(5);
      flaky = sluice.run(FLAKY);
      secondEtl = sluice.run(ETL, Map.of("n", 4));
    }
  }

  private static CliRunner cli() {
    return new CliRunner(home);
  }

  private static List<String> ids(JsonNode runs) {
    List<String> ids = new ArrayList<>();
    runs.forEach(r -> ids.add(r.get("id").asText()));
    return ids;
  }

  private static JsonNode json(CliRunner.Result result) throws Exception {
    assertThat(result.exitCode()).as(result.err()).isZero();
    return JSON.readTree(result.out());
  }

  @Test
  void flowLsListsEveryFlowWithItsRuns() throws Exception {
    CliRunner.Result table = cli().run("flow", "ls");
    JsonNode flows = json(cli().run("flow", "ls", "--json"));

    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out())
        .containsPattern("(?m)^NAME +VERSION +STEPS +RUNS +LAST RUN +LAST STATE$")
        .containsPattern("(?m)^etl +2 +3 +2 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +Completed$")
        .containsPattern("(?m)^flaky +2 +1 +.* +Failed$");
    assertThat(flows).hasSize(2);
    JsonNode etl =
        flows.findParents("name").stream()
            .filter(f -> f.get("name").asText().equals("etl"))
            .findFirst()
            .orElseThrow();
    assertThat(etl.get("runs").asLong()).isEqualTo(2);
    assertThat(etl.get("version").asText()).isEqualTo("2");
  }

  @Test
  void flowRunLsIsNewestFirst() throws Exception {
    CliRunner.Result table = cli().run("flow-run", "ls");
    JsonNode runs = json(cli().run("flow-run", "ls", "--json"));

    assertThat(ids(runs))
        .containsExactly(
            secondEtl.id().toString(), flaky.id().toString(), firstEtl.id().toString());
    assertThat(runs.get(1).get("state").get("name").asText()).isEqualTo("Failed");
    String[] lines = table.out().split("\\R");
    assertThat(lines[0]).matches("ID +FLOW +STATE +STARTED +DURATION");
    assertThat(lines[1])
        .startsWith(secondEtl.id().toString())
        .contains("etl")
        .contains("Completed");
    assertThat(lines[2]).startsWith(flaky.id().toString()).contains("flaky").contains("Failed");
    assertThat(lines[3]).startsWith(firstEtl.id().toString());
    assertThat(lines).hasSize(4);
    assertThat(table.out()).doesNotContain(" of ");
    int stateColumn = lines[0].indexOf("STATE");
    assertThat(lines[2].substring(stateColumn)).startsWith("Failed ");
  }

  @Test
  void flowRunLsFilters() throws Exception {
    assertThat(ids(json(cli().run("flow-run", "ls", "--json", "--flow", "etl"))))
        .containsExactly(secondEtl.id().toString(), firstEtl.id().toString());
    assertThat(ids(json(cli().run("flow-run", "ls", "--json", "--state", "failed"))))
        .containsExactly(flaky.id().toString());
    assertThat(ids(json(cli().run("flow-run", "ls", "--json", "--state", "COMPLETED,Crashed"))))
        .containsExactly(secondEtl.id().toString(), firstEtl.id().toString());
    assertThat(
            ids(json(cli().run("flow-run", "ls", "--json", "--flow", "etl", "--state", "Failed"))))
        .isEmpty();
    assertThat(ids(json(cli().run("flow-run", "ls", "--json", "--since", afterFirst.toString()))))
        .containsExactly(secondEtl.id().toString(), flaky.id().toString());
    assertThat(ids(json(cli().run("flow-run", "ls", "--json", "--since", "1h")))).hasSize(3);
    assertThat(ids(json(cli().run("flow-run", "ls", "--json", "--limit", "1"))))
        .containsExactly(secondEtl.id().toString());
    assertThat(cli().run("flow-run", "ls", "--limit", "2").out())
        .endsWith(
            System.lineSeparator() + "2 of 3 runs (--limit N for more)" + System.lineSeparator());
    assertThat(cli().run("flow-run", "ls", "--limit", "1", "--flow", "etl").out())
        .contains("1 of 2 runs (--limit N for more)");
    assertThat(cli().run("flow-run", "ls", "--limit", "2", "--flow", "etl").out())
        .doesNotContain(" of ");
    assertThat(ids(json(cli().run("flow-run", "ls", "--json", "--flow", "no-such-flow"))))
        .isEmpty();
    CliRunner.Result typo = cli().run("flow-run", "ls", "--flow", "etI");
    assertThat(typo.exitCode()).isZero();
    assertThat(typo.out()).isEqualTo("No flow runs match." + System.lineSeparator());
    assertThat(typo.err())
        .contains("no flow named 'etI' is recorded; recorded flows: ")
        .contains("etl")
        .contains("flaky");
    CliRunner.Result noMatch = cli().run("flow-run", "ls", "--flow", "etl", "--state", "Crashed");
    assertThat(noMatch.out()).isEqualTo("No flow runs match." + System.lineSeparator());
    assertThat(noMatch.err()).isEmpty();
  }

  @Test
  void inspectShowsTaskRunsWithAttemptsDurationsAndErrors() {
    CliRunner.Result result = cli().run("flow-run", "inspect", flaky.id().toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .startsWith("Flow run " + flaky.id() + "  flaky")
        .containsPattern("(?m)^State: +Failed")
        .containsPattern("(?m)^History: +.*Running .* → Failed")
        .containsPattern("(?m)^TASK +STATE +ATTEMPTS +STARTED +DURATION +DETAIL$")
        .containsPattern(
            "(?m)^call API +Failed +2 +\\d{4}-.* +\\d+(\\.\\d+)? (µs|ms|s) +java.lang.IllegalStateException: the API is down$")
        .containsPattern("(?m)^use data +NotReady +0 +.*call API")
        .contains("Error in task 'call API' (Failed):")
        .contains("  java.lang.IllegalStateException: the API is down")
        .contains("at dev.sluice.cli.HistoryCommandsTest");
  }

  @Test
  void inspectOfACompletedRunShowsParametersAndEveryTask() throws Exception {
    CliRunner.Result result = cli().run("flow-run", "inspect", secondEtl.id().toString());
    JsonNode detail = json(cli().run("flow-run", "inspect", "--json", secondEtl.id().toString()));

    assertThat(result.out())
        .contains("etl (version 2)")
        .containsPattern("(?m)^Parameters: +\\{\"n\": ?4\\}$")
        .containsPattern("(?m)^extract +Completed +1 ")
        .containsPattern("(?m)^sum +Completed +1 ")
        .containsPattern("(?m)^load +Completed +1 ")
        .doesNotContain("Error in task");
    assertThat(detail.get("run").get("id").asText()).isEqualTo(secondEtl.id().toString());
    assertThat(detail.get("taskRuns")).hasSize(3);
    assertThat(detail.get("taskRuns").get(1).get("name").asText()).isEqualTo("sum");
    assertThat(detail.get("taskRuns").get(1).get("state").get("name").asText())
        .isEqualTo("Completed");
    assertThat(detail.get("parameters").get("n").asInt()).isEqualTo(4);
    assertThat(detail.get("flow").get("steps")).hasSize(3);
    assertThat(detail.get("history").get(0).get("name").asText()).isEqualTo("Pending");
  }

  @Test
  void aUniqueIdPrefixIsEnoughAndAnUnknownIdIsNotFound() {
    String id = flaky.id().toString();
    // UUIDv7 ids share their leading (time) digits; the end tells runs apart, the start of the
    // whole id is needed, so use all but the last character.
    CliRunner.Result byPrefix = cli().run("flow-run", "inspect", id.substring(0, 35));
    CliRunner.Result ambiguous = cli().run("flow-run", "inspect", id.substring(0, 4));
    UUID unknown = new UUID(flaky.id().getMostSignificantBits(), 42);
    CliRunner.Result missing = cli().run("flow-run", "inspect", unknown.toString());
    CliRunner.Result missingLogs = cli().run("flow-run", "logs", unknown.toString());

    assertThat(byPrefix.exitCode()).as(byPrefix.err()).isZero();
    assertThat(byPrefix.out()).startsWith("Flow run " + id);
    assertThat(ambiguous.exitCode()).isEqualTo(1);
    assertThat(ambiguous.err())
        .contains("'" + id.substring(0, 4) + "' is the start of several flow run ids")
        .contains(firstEtl.id().toString())
        .contains(secondEtl.id().toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err())
        .contains("no flow run " + unknown + " in " + home.resolve("sluice.db"))
        .contains("sluice flow-run ls");
    CliRunner.Result noPrefixMatch = cli().run("flow-run", "inspect", "ffffffff");
    assertThat(noPrefixMatch.exitCode()).isEqualTo(1);
    assertThat(noPrefixMatch.err()).contains("no flow run id starts with 'ffffffff' in ");
    assertThat(missingLogs.exitCode()).isEqualTo(1);
    assertThat(missingLogs.err()).contains("no flow run " + unknown);
  }

  @Test
  void logsPrintTheRunsLinesInOrder() throws Exception {
    CliRunner.Result result = cli().run("flow-run", "logs", secondEtl.id().toString());
    CliRunner.Result jsonLines = cli().run("flow-run", "logs", "--json", secondEtl.id().toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    String out = result.out();
    assertThat(out)
        .containsPattern(
            "(?m)^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}  INFO   sum \\| summing 4 numbers$");
    assertThat(out).containsPattern("(?m)  INFO   load \\| loaded total 10$");
    assertThat(out.indexOf("summing 4 numbers")).isLessThan(out.indexOf("loaded total 10"));
    assertThat(out).doesNotContain("summing 3 numbers"); // the other etl run's line

    List<JsonNode> lines =
        jsonLines
            .out()
            .lines()
            .map(
                l -> {
                  try {
                    return JSON.readTree(l);
                  } catch (Exception e) {
                    throw new AssertionError(l, e);
                  }
                })
            .toList();
    List<String> messages = lines.stream().map(l -> l.get("line").get("message").asText()).toList();
    assertThat(messages).containsSubsequence("summing 4 numbers", "loaded total 10");
    assertThat(lines)
        .allSatisfy(
            l ->
                assertThat(l.get("line").get("flowRunId").asText())
                    .isEqualTo(secondEtl.id().toString()));
    List<Long> sequences = lines.stream().map(l -> l.get("sequence").asLong()).toList();
    assertThat(sequences).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void logsOfAFailedRunShowEachAttemptsLine() {
    CliRunner.Result result = cli().run("flow-run", "logs", flaky.id().toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out().lines().filter(l -> l.contains("WARN   call API | calling the API")))
        .hasSize(2);
  }
}
