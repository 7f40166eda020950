package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunCountBucket;
import dev.sluice.api.store.RunCountQuery;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunRecorder;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The dashboard's figures in a real browser (not a unit test: it asserts no timing, and its name
 * keeps it out of the default test run): time to first render of the dashboard with 10^5 runs
 * stored, and of the page of one flow run with 10^4 task runs and 10^5 log lines (its first log
 * lines, all of them, and how many are in the DOM). Runs are written straight through the store's
 * recorder, as {@code ServerLoad} does; the database is kept in {@code server/target/ui-timing/}
 * and reused. Writes its rows to {@code benchmarks/SERVER.md}:
 *
 * <pre>
 * ./dev mvn -pl server -am verify -Dfmt.skip -Dtest=DashboardTiming \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Dsluice.timing.out=../benchmarks/SERVER.md]
 * </pre>
 */
@Tag("benchmark")
class DashboardTiming {
  private static final int RUNS = 100_000;
  private static final int TASKS = 10_000;
  private static final int LINES = 100_000;
  private static final int LOADS = 7;

  @Test
  void figures() throws Exception {
    Browser.assumeInstalled();
    Path dir = Path.of("target/ui-timing");
    Files.createDirectories(dir);
    String location = dir.resolve("runs-" + RUNS + ".db").toAbsolutePath().toString();
    UUID big;
    try (RunStore store = RunStores.open(location, Map.of())) {
      if (count(store) < RUNS) {
        fill(store, RUNS - (int) count(store));
      }
      big = bigRun(store);
      long stored = count(store);
      System.out.printf(Locale.ROOT, "%,d flow runs stored; the big run is %s%n", stored, big);
      try (SluiceServer server = SluiceServer.builder().store(store).port(0).start();
          Browser browser = Browser.open(server.uri())) {
        String dashboardUrl = server.uri().resolve("/").toString();
        browser.driver.get(dashboardUrl);
        Sample cold = mark(browser, "sluice:ready");
        List<Sample> dashboard = new ArrayList<>();
        for (int i = 0; i < LOADS; i++) {
          browser.driver.get(dashboardUrl);
          dashboard.add(mark(browser, "sluice:ready"));
        }
        // A new visitor: a browser with nothing cached, the server warm.
        List<Sample> fresh = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          try (Browser other = Browser.open(server.uri())) {
            other.driver.get(dashboardUrl);
            fresh.add(mark(other, "sluice:ready"));
          }
        }
        double freshMedian =
            fresh.stream().mapToDouble(Sample::millis).sorted().toArray()[fresh.size() / 2];
        List<Sample> flowsPage = timed(browser, server.uri().resolve("/flows").toString());
        List<Sample> runsPage = timed(browser, server.uri().resolve("/runs").toString());
        List<Sample> runPage = new ArrayList<>();
        List<Double> detailAnswered = new ArrayList<>();
        List<Sample> firstLines = new ArrayList<>();
        List<Sample> allLines = new ArrayList<>();
        long domRows = 0;
        long requests = 0;
        for (int i = 0; i < LOADS; i++) {
          browser.driver.get(server.uri().resolve("/runs/" + big).toString());
          runPage.add(mark(browser, "sluice:ready"));
          Number answered =
              browser.js(
                  "return performance.getEntriesByType('resource')"
                      + ".find(e => e.name.endsWith('/flow-runs/' + arguments[0])).responseEnd",
                  big.toString());
          detailAnswered.add(answered.doubleValue());
          firstLines.add(mark(browser, "sluice:logs"));
          allLines.add(mark(browser, "sluice:logs-all"));
          String status = browser.find("#log-status").getText();
          assertThat(status).contains("100,000 lines");
          domRows = browser.driver.findElements(By.cssSelector("#log-lines .log-row")).size();
          requests = apiRequests(browser);
        }
        assertThat(browser.consoleErrors()).isEmpty();
        String rows =
            row(
                    String.format(
                        Locale.ROOT,
                        "dashboard `/` (%,d runs stored), time to first render",
                        count(store)),
                    dashboard,
                    "a new browser (nothing cached) "
                        + Math.round(freshMedian)
                        + " ms; the first load after the server started "
                        + Math.round(cold.millis)
                        + " ms",
                    dashboard.get(0).requests + " API calls")
                + row(
                    "flows `/flows` (20 flows, sparklines), first render",
                    flowsPage,
                    "",
                    flowsPage.get(0).requests + " API call")
                + row(
                    "flow runs `/runs` (50 a page, newest first), first render",
                    runsPage,
                    "",
                    runsPage.get(0).requests + " API calls")
                + row(
                    "flow-run page, 10^4 task runs, 10^5 log lines: first render",
                    runPage,
                    "run detail "
                        + sizeOfDetail(server, big)
                        + ", in the browser after "
                        + Math.round(
                            detailAnswered.stream()
                                .sorted()
                                .toList()
                                .get(detailAnswered.size() / 2))
                        + " ms (median)",
                    "")
                + row("same page: its first 1,000 log lines drawn", firstLines, "", "")
                + row(
                    "same page: all 10^5 log lines read (pages of 1,000 then 10,000)",
                    allLines,
                    domRows + " log rows in the DOM",
                    requests + " API calls");
        System.out.print(rows);
        write(Path.of(System.getProperty("sluice.timing.out", "../benchmarks/SERVER.md")), rows);
      }
    }
  }

  /** {@link #LOADS} loads of {@code url} after one unmeasured. */
  private static List<Sample> timed(Browser browser, String url) {
    browser.driver.get(url);
    var unused = mark(browser, "sluice:ready");
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < LOADS; i++) {
      browser.driver.get(url);
      samples.add(mark(browser, "sluice:ready"));
    }
    return samples;
  }

  /** One measured load: ms from navigation start to the mark, and the API calls it made. */
  record Sample(double millis, long requests) {}

  private static Sample mark(Browser browser, String name) {
    Number at =
        browser.await(
            d ->
                browser.js(
                    "const m = performance.getEntriesByName(arguments[0]);"
                        + " return m.length ? m[0].startTime : null;",
                    name));
    return new Sample(at.doubleValue(), apiRequests(browser));
  }

  private static long apiRequests(Browser browser) {
    Number n =
        browser.js(
            "return performance.getEntriesByType('resource')"
                + ".filter(e => e.name.includes('/api/v1/')).length");
    return n.longValue();
  }

  private static String sizeOfDetail(SluiceServer server, UUID id) {
    Http.Answer answer = new Http(server.uri()).get("/api/v1/flow-runs/" + id);
    return String.format(Locale.ROOT, "%.1f MB JSON", answer.body().length() / 1e6);
  }

  private static String row(String what, List<Sample> samples, String note, String calls) {
    double[] ms = samples.stream().mapToDouble(Sample::millis).sorted().toArray();
    return String.format(
        Locale.ROOT,
        "| browser: Chromium headless, SQLite | %s | median %.0f ms, max %.0f ms (%d loads)%s |"
            + " %s | 0 console errors |%n",
        what,
        ms[ms.length / 2],
        ms[ms.length - 1],
        ms.length,
        note.isEmpty() ? "" : "; " + note,
        calls.isEmpty() ? "—" : calls);
  }

  /** Replaces the browser rows of {@code file} (ServerLoad's table), keeping the others. */
  private static void write(Path file, String rows) throws IOException {
    String header =
        "# Server figures\n\n"
            + "Written by `ServerLoad` (benchmarks/src/main/java/dev/sluice/benchmarks/ServerLoad.java):"
            + " a real server on 127.0.0.1, a real store, java.net.http clients on virtual threads, on"
            + " this 2-core machine (clients and server share it).\n\n"
            + "| store | load | latency | throughput | errors |\n|---|---|---|---|---|\n";
    List<String> kept = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith("| ")
            && !line.startsWith("| store ")
            && !line.startsWith("| browser")) {
          kept.add(line);
        }
      }
    }
    StringBuilder text = new StringBuilder(header);
    kept.forEach(l -> text.append(l).append('\n'));
    text.append(rows);
    Files.writeString(file, text.toString());
    System.out.println("wrote " + file.toAbsolutePath().normalize());
  }

  private static long count(RunStore store) {
    return store
        .history()
        .runCounts(
            new RunCountQuery(
                Instant.now().minus(Duration.ofDays(400)),
                Instant.now().plus(Duration.ofDays(1)),
                Duration.ofDays(401),
                null,
                Set.of()))
        .stream()
        .mapToLong(RunCountBucket::total)
        .sum();
  }

  /** {@code runs} runs of 20 flows over the last 30 days (one in ten failing), two tasks each. */
  private static void fill(RunStore store, int runs) {
    System.out.printf(Locale.ROOT, "storing %,d flow runs...%n", runs);
    long began = System.nanoTime();
    RunRecorder r = store.recorder();
    SplittableRandom random = new SplittableRandom(42);
    RunOwner owner = new RunOwner("timing-host", 1, Instant.now());
    FlowInfo[] infos = new FlowInfo[20];
    for (int i = 0; i < infos.length; i++) {
      infos[i] =
          new FlowInfo(
              "flow-" + i,
              "1",
              "",
              List.of(
                  new FlowInfo.StepInfo("extract", FlowInfo.StepInfo.TASK, List.of()),
                  new FlowInfo.StepInfo("load", FlowInfo.StepInfo.TASK, List.of("extract"))),
              "");
    }
    Instant end = Instant.now().minusSeconds(60);
    long span = Duration.ofDays(30).toMillis();
    for (int i = 0; i < runs; i++) {
      FlowInfo info = infos[random.nextInt(infos.length)];
      Instant at = end.minusMillis(random.nextLong(span));
      UUID id = new UUID(at.toEpochMilli() << 16 | 0x7000, random.nextLong());
      r.flowRunStarted(
          new FlowRunStart(
              id,
              info,
              "{\"i\":" + i + "}",
              null,
              null,
              at,
              owner,
              "run-" + i,
              Set.of("t" + random.nextInt(5)),
              null));
      r.flowRunStateChanged(new FlowRunEvent(id, info.name(), null, null, State.PENDING, at, 1));
      r.flowRunStateChanged(
          new FlowRunEvent(
              id, info.name(), null, State.PENDING, State.RUNNING, at.plusMillis(1), 1));
      UUID task = new UUID(id.getMostSignificantBits(), random.nextLong());
      boolean failed = random.nextInt(10) == 0;
      State taskEnd =
          failed ? new State.Failed(new IllegalStateException("load " + i)) : State.COMPLETED;
      r.taskRunStateChanged(
          new TaskRunEvent(
              id, info.name(), task, "extract", null, State.RUNNING, at.plusMillis(2), 1, null));
      r.taskRunStateChanged(
          new TaskRunEvent(
              id, info.name(), task, "extract", State.RUNNING, taskEnd, at.plusMillis(5), 1, null));
      r.log(
          new LogLine(
              id, task, at.plusMillis(3), "INFO", "load", "main", "row " + i, null, Map.of()));
      r.flowRunStateChanged(
          new FlowRunEvent(
              id,
              info.name(),
              null,
              State.RUNNING,
              failed ? new State.Failed(new IllegalStateException("load " + i)) : State.COMPLETED,
              at.plusMillis(6),
              1));
    }
    if (!r.flush(Duration.ofMinutes(30))) {
      throw new IllegalStateException("the store did not take the runs within 30 minutes");
    }
    System.out.printf(Locale.ROOT, "stored in %.1f s%n", (System.nanoTime() - began) / 1e9);
  }

  /**
   * The big run (made once, then found again by its idempotency key): extract, a mapped step of
   * 9,998 elements, load: 10^4 task runs, with 10^5 log lines among them.
   */
  private static UUID bigRun(RunStore store) {
    var existing = store.history().flowRunByIdempotencyKey("big-run", "timing");
    if (existing.isPresent()) {
      return existing.get().id();
    }
    System.out.printf(
        Locale.ROOT, "storing a run of %,d task runs and %,d lines...%n", TASKS, LINES);
    RunRecorder r = store.recorder();
    SplittableRandom random = new SplittableRandom(7);
    FlowInfo info =
        new FlowInfo(
            "big-run",
            "1",
            "10^4 task runs, 10^5 log lines",
            List.of(
                new FlowInfo.StepInfo("extract", FlowInfo.StepInfo.TASK, List.of()),
                new FlowInfo.StepInfo("transform", FlowInfo.StepInfo.MAP, List.of("extract")),
                new FlowInfo.StepInfo("load", FlowInfo.StepInfo.TASK, List.of("transform"))),
            "");
    Instant at = Instant.now().minus(Duration.ofMinutes(30));
    UUID id = new UUID(at.toEpochMilli() << 16 | 0x7000, random.nextLong());
    RunOwner owner = new RunOwner("timing-host", 1, at);
    r.flowRunStarted(
        new FlowRunStart(
            id,
            info,
            "{\"rows\":1000000}",
            null,
            null,
            at,
            owner,
            "big run",
            Set.of("timing"),
            "timing"));
    r.flowRunStateChanged(new FlowRunEvent(id, "big-run", null, null, State.PENDING, at, 1));
    r.flowRunStateChanged(
        new FlowRunEvent(id, "big-run", null, State.PENDING, State.RUNNING, at, 1));
    int elements = TASKS - 3;
    UUID[] tasks = new UUID[TASKS];
    String[] names = new String[TASKS];
    long t = at.toEpochMilli();
    for (int k = 0; k < TASKS; k++) {
      tasks[k] = new UUID(id.getMostSignificantBits() + k + 1, random.nextLong());
      String step = k == 0 ? "extract" : k == TASKS - 1 ? "load" : "transform";
      int index = k == 0 || k == 1 || k == TASKS - 1 ? -1 : k - 2;
      names[k] = index < 0 ? step : step + "[" + index + "]";
      Instant from =
          Instant.ofEpochMilli(t + (k == 0 ? 0 : k == TASKS - 1 ? 1_000_000 : 1000 + k * 99L));
      Instant to = from.plusMillis(k == 1 ? 999_000 : 40 + random.nextInt(400));
      r.taskRunStateChanged(
          new TaskRunEvent(
              id, "big-run", tasks[k], names[k], null, State.PENDING, from, 1, null, step, index));
      r.taskRunStateChanged(
          new TaskRunEvent(
              id,
              "big-run",
              tasks[k],
              names[k],
              State.PENDING,
              State.RUNNING,
              from,
              1,
              null,
              step,
              index));
      r.taskRunStateChanged(
          new TaskRunEvent(
              id,
              "big-run",
              tasks[k],
              names[k],
              State.RUNNING,
              State.COMPLETED,
              to,
              1,
              null,
              step,
              index));
    }
    String[] levels = {"INFO", "INFO", "INFO", "DEBUG", "WARN"};
    for (int i = 0; i < LINES; i++) {
      int k = 2 + random.nextInt(elements);
      r.log(
          new LogLine(
              id,
              tasks[k],
              Instant.ofEpochMilli(t + 1000 + i * 10L),
              levels[random.nextInt(levels.length)],
              "big",
              "worker-" + (k % 8),
              "processing batch "
                  + i
                  + " of "
                  + names[k]
                  + ": "
                  + random.nextInt(100_000)
                  + " rows",
              null,
              Map.of()));
    }
    r.flowRunStateChanged(
        new FlowRunEvent(
            id, "big-run", null, State.RUNNING, State.COMPLETED, at.plusSeconds(1001), 1));
    if (!r.flush(Duration.ofMinutes(10))) {
      throw new IllegalStateException("the store did not take the big run within 10 minutes");
    }
    return id;
  }
}
