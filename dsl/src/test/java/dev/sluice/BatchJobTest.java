package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.api.Flow;
import dev.sluice.api.store.CancelOutcome;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch job run in this JVM: what it prints and the exit code it returns for each outcome. */
class BatchJobTest {
  private static final AtomicInteger RUNS = new AtomicInteger();

  static final Flow<Void> GREETING =
      Flows.named("greeting")
          .description("Greets someone, several times")
          .define(
              f -> {
                var name = f.param("name", String.class).describedAs("who to greet");
                var times = f.param("times", int.class).withDefault(2);
                var loud = f.param("loud", boolean.class).withDefault(false);
                f.task(
                    "greet",
                    name,
                    times,
                    loud,
                    (n, t, l) -> {
                      RUNS.incrementAndGet();
                      if (n.equals("nobody")) {
                        throw new IllegalStateException("there is nobody to greet");
                      }
                      String hello = ("hello " + n + " ").repeat(t).strip();
                      return l ? hello.toUpperCase(java.util.Locale.ROOT) : hello;
                    });
              });

  /** What one job printed and returned. */
  record Result(int exitCode, String out, String err) {}

  private static Result run(String... args) {
    return run(builder -> builder.executor("local"), args);
  }

  private static Result run(Consumer<Sluice.Builder> configure, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        BatchJob.execute(
            GREETING,
            List.of(args),
            configure,
            new BatchJob.Io(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                false,
                Map.of(),
                "Greeting",
                InstantSource.system()));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aCompletedRunExitsZeroAfterPrintingItsStartAndItsSummary() {
    Result result = run("--name=Ada", "--times", "3", "--loud");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .containsPattern("^Running flow 'greeting' as run [0-9a-f-]{36} on the local executor\n")
        .containsPattern("Flow run 'greeting' [0-9a-f-]{36}: Completed in ")
        .containsPattern("(?m)^  greet +Completed +1 ");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void aFailedRunExitsOne() {
    Result result = run("-Pname=nobody");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains("Failed in")
        .containsPattern("(?m)^  greet +Failed +1 .*there is nobody to greet");
  }

  @Test
  void badArgumentsAndParametersAreReportedAllAtOnceAndNothingRuns() {
    int before = RUNS.get();

    Result result = run("--times=often", "--colour=red", "extra");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .startsWith("error: invalid arguments for flow 'greeting'\n")
        .contains("  - unexpected argument 'extra'")
        .contains("  - 'colour' is not a parameter of this flow; it has [name, times, loud]")
        .contains("  - parameter 'name' (String) is required")
        .contains("  - parameter 'times' (int) cannot take \"often\"")
        .contains("Run with --help");
    assertThat(RUNS.get()).isEqualTo(before);
  }

  @Test
  void anUnknownExecutorIsABadArgumentListingThoseAvailable() {
    Result result = run(builder -> {}, "--name=Ada", "--executor", "nowhere");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("unknown executor 'nowhere'").contains("local");
  }

  @Test
  void helpListsTheParametersWithTypesAndDefaultsAndTheExitCodes() {
    Result result = run("--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .startsWith("Usage: Greeting [--NAME=VALUE]...")
        .contains("Runs flow 'greeting' once: Greets someone, several times.")
        .containsPattern("(?m)^  --name=String +who to greet \\(required\\)$")
        .containsPattern("(?m)^  --times=int +default: 2$")
        .containsPattern("(?m)^  --loud=boolean +default: false$")
        .containsPattern("(?m)^  --params-file FILE ")
        .containsPattern("(?m)^  0 +Completed$")
        .containsPattern("(?m)^  2 +not started")
        .containsPattern("(?m)^  130 +Cancelled by SIGINT")
        .containsPattern("(?m)^  143 +Cancelled by SIGTERM");
  }

  @Test
  void jsonPrintsOneObjectForTheRunAndForProblems() throws Exception {
    ObjectMapper mapper = new ObjectMapper();

    Result ok = run("--name=Ada", "--json");
    Result bad = run("--json", "--times=x");

    assertThat(ok.exitCode()).isZero();
    JsonNode run = mapper.readTree(ok.out());
    assertThat(run.get("exitCode").asInt()).isZero();
    assertThat(run.get("flowName").asText()).isEqualTo("greeting");
    assertThat(run.get("state").asText()).isEqualTo("Completed");
    assertThat(run.get("parameters").get("times").asInt()).isEqualTo(2);
    assertThat(run.get("taskRuns").get(0).get("name").asText()).isEqualTo("greet");
    assertThat(run.get("taskRuns").get(0).get("attempts").asInt()).isEqualTo(1);
    assertThat(bad.exitCode()).isEqualTo(2);
    JsonNode problems = mapper.readTree(bad.out());
    assertThat(problems.get("exitCode").asInt()).isEqualTo(2);
    assertThat(problems.get("problems").toString()).contains("'times'").contains("'name'");
  }

  @Test
  void quietPrintsNothingButTheExitCodeTellsTheOutcome() {
    Result ok = run("--name=Ada", "--quiet");
    Result failed = run("--name=nobody", "--quiet");

    assertThat(ok.exitCode()).isZero();
    assertThat(ok.out()).isEmpty();
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.out()).isEmpty();
  }

  @Test
  void parametersComeFromAFileToo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("params.json");
    Files.writeString(file, "{\"name\": \"Grace\", \"times\": 1, \"loud\": true}");

    Result result = run("--params-file", file.toString(), "--json");

    JsonNode run = new ObjectMapper().readTree(result.out());
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(run.get("parameters").toString())
        .isEqualTo("{\"name\":\"Grace\",\"times\":1,\"loud\":true}");
  }

  static final Flow<Void> HOLDING =
      Flows.named("holding")
          .define(
              f ->
                  f.action(
                      "hold",
                      () -> {
                        Thread.sleep(Long.MAX_VALUE);
                      }));

  @Test
  void aRunCancelledThroughTheRunHistoryExitsFour(@TempDir Path dir) throws Exception {
    String db = dir.resolve("runs.db").toString();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BatchJob.Io io =
        new BatchJob.Io(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            false,
            Map.of(),
            "Holding",
            InstantSource.system());
    CompletableFuture<Integer> job =
        CompletableFuture.supplyAsync(
            () ->
                BatchJob.execute(
                    HOLDING,
                    List.of(),
                    builder -> builder.executor(new PoolExecutor(1)).setting("store", db),
                    io));
    Pattern started = Pattern.compile("as run ([0-9a-f-]{36}) ");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Matcher id = started.matcher("");
    while (!(id = started.matcher(out.toString(StandardCharsets.UTF_8))).find()
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }

    assertThat(id.find(0)).as("the job started").isTrue();
    try (RunStore store = RunStores.open(db, Map.of())) {
      // The job's store commits the run asynchronously: ask until it is there.
      UUID runId = UUID.fromString(id.group(1));
      CancelOutcome outcome;
      while ((outcome = store.requestCancel(runId, "stopped by an operator"))
              == CancelOutcome.NOT_FOUND
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(outcome).isEqualTo(CancelOutcome.REQUESTED);
    }

    assertThat(job.get(60, TimeUnit.SECONDS)).isEqualTo(4);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Cancelled in");
  }
}
