package dev.sluice.server;

import dev.sluice.Flows;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunRecorder;
import dev.sluice.api.store.RunStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run history for the dashboard's tests, screenshots and timings: flows a team might run, as a real
 * engine runs them ({@link #ETL}, {@link #REPORT}), and weeks of past runs written straight through
 * the store's recorder (fast, with times in the past, as {@code ServerLoad} does).
 */
final class DemoRuns {
  private static final Logger log = LoggerFactory.getLogger(DemoRuns.class);
  private static final AtomicInteger extractCalls = new AtomicInteger();

  private DemoRuns() {}

  static final List<String> REGIONS =
      List.of("emea-north", "emea-south", "americas-east", "americas-west", "apac", "india");

  /** The ETL a team runs every night: a flaky extract (retried), a mapped step, a load. */
  static final Flow<Integer> ETL =
      Flows.named("nightly-etl")
          .version("3")
          .description(
              "Pulls yesterday's orders and customers, cleans them per region, loads the"
                  + " warehouse")
          .returning(
              f -> {
                var day = f.param("day", String.class).withDefault("2026-12-06");
                var orders =
                    f.task(
                            "extract orders",
                            day,
                            d -> {
                              log.info("fetching the orders of {} from the orders API", d);
                              if (extractCalls.incrementAndGet() % 2 == 1) {
                                IOException e =
                                    new IOException("orders API answered 503 Service Unavailable");
                                log.warn("the orders API is unavailable; retrying shortly", e);
                                throw e;
                              }
                              pause(120);
                              log.info("fetched 48,211 orders");
                              return REGIONS;
                            })
                        .retries(3)
                        .retryDelay(Duration.ofMillis(400));
                var customers =
                    f.task(
                        "extract customers",
                        day,
                        d -> {
                          log.info("reading the customer snapshot of {}", d);
                          pause(180);
                          return 9_204;
                        });
                var cleaned =
                    f.map(
                            "clean region",
                            orders,
                            region -> {
                              log.info("cleaning region {}", region);
                              pause(60 + Math.abs(region.hashCode() % 160));
                              log.debug("region {}: dropped duplicate rows", region);
                              return region.length() * 1000;
                            })
                        .maxParallel(3);
                var load =
                    f.task(
                        "load warehouse",
                        cleaned,
                        customers,
                        (rows, c) -> {
                          int total = rows.stream().mapToInt(Integer::intValue).sum();
                          log.info("loading {} rows and {} customers into the warehouse", total, c);
                          pause(150);
                          return total;
                        });
                f.action("refresh dashboards", load, n -> log.info("refreshed 4 dashboards"));
                return f.task(
                    "publish report",
                    load,
                    n -> {
                      log.info("report published: {} rows", n);
                      return n;
                    });
              });

  /** A report that fails: its error shows on the dashboard and its run page. */
  static final Flow<Void> REPORT =
      Flows.named("weekly-report")
          .version("1")
          .description("Renders the weekly revenue report")
          .define(
              f -> {
                var data = f.task("query revenue", () -> List.of(1, 2, 3));
                f.action(
                    "render pdf",
                    data,
                    d -> {
                      log.info("rendering {} pages", d.size());
                      throw new IllegalStateException(
                          "no space left on device: /var/reports (needed 18 MB)");
                    });
              });

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private record PastFlow(FlowInfo info, int perDay, double failRate, long millis, String[] tags) {}

  private static FlowInfo info(String name, String version, String description, String... chain) {
    List<FlowInfo.StepInfo> steps = new ArrayList<>();
    for (int i = 0; i < chain.length; i++) {
      steps.add(
          new FlowInfo.StepInfo(
              chain[i], FlowInfo.StepInfo.TASK, i == 0 ? List.of() : List.of(chain[i - 1])));
    }
    return new FlowInfo(name, version, description, steps, "");
  }

  private static final List<PastFlow> PAST =
      List.of(
          new PastFlow(
              info("nightly-etl", "2", "", "extract orders", "clean", "load warehouse"),
              1,
              0.05,
              95_000,
              new String[] {"etl", "nightly"}),
          new PastFlow(
              info(
                  "ingest-events",
                  "7",
                  "Moves click events from the queue to the lake",
                  "poll queue",
                  "write parquet"),
              18,
              0.03,
              14_000,
              new String[] {"ingest"}),
          new PastFlow(
              info("ml-train", "12", "Retrains the churn model", "features", "train", "evaluate"),
              2,
              0.12,
              420_000,
              new String[] {"ml"}),
          new PastFlow(
              info("weekly-report", "1", "Renders the weekly revenue report", "query", "render"),
              1,
              0.2,
              30_000,
              new String[] {"reports"}),
          new PastFlow(
              info("sync-crm", "4", "Pushes new customers to the CRM", "diff", "push"),
              6,
              0.06,
              8_000,
              new String[] {"crm"}));

  /**
   * Writes {@code days} days of past runs (ending now) through the store's recorder: per flow a few
   * runs a day with jittered times, some failing (with an error and a log line), a handful crashed
   * or cancelled. Returns the number of runs written.
   */
  static int past(RunStore store, int days, long seed) {
    RunRecorder r = store.recorder();
    SplittableRandom random = new SplittableRandom(seed);
    RunOwner owner = new RunOwner("worker-3", 4242, Instant.now().minus(Duration.ofDays(days)));
    Instant now = Instant.now().minusSeconds(120);
    int written = 0;
    for (PastFlow pf : PAST) {
      long every = Duration.ofDays(1).toMillis() / pf.perDay();
      for (Instant at = now.minus(Duration.ofDays(days)); at.isBefore(now); ) {
        at = at.plusMillis((long) (every * (0.6 + 0.8 * random.nextDouble())));
        if (!at.isBefore(now)) {
          break;
        }
        long took = (long) (pf.millis() * (0.5 + random.nextDouble()));
        double roll = random.nextDouble();
        State end =
            roll < pf.failRate()
                ? new State.Failed(new IllegalStateException(failure(pf, random)))
                : roll < pf.failRate() + 0.004
                    ? new State.Crashed(new IllegalStateException("the worker process exited"))
                    : roll < pf.failRate() + 0.008
                        ? new State.Cancelled("cancelled by alice")
                        : State.COMPLETED;
        record(r, pf, at, took, end, owner, random);
        written++;
      }
    }
    r.flush(Duration.ofMinutes(5));
    return written;
  }

  private static String failure(PastFlow pf, SplittableRandom random) {
    String[] reasons = {
      "connection refused: warehouse.internal:5432",
      "no space left on device: /var/reports",
      "upstream returned 502 Bad Gateway",
      "schema mismatch: column 'region' is missing",
    };
    return reasons[random.nextInt(reasons.length)];
  }

  private static void record(
      RunRecorder r,
      PastFlow pf,
      Instant at,
      long took,
      State end,
      RunOwner owner,
      SplittableRandom random) {
    String flow = pf.info().name();
    UUID id = new UUID(at.toEpochMilli() << 16 | 0x7000 | random.nextInt(0xfff), random.nextLong());
    r.flowRunStarted(
        new FlowRunStart(
            id,
            pf.info(),
            "{\"day\":\"" + at.toString().substring(0, 10) + "\"}",
            null,
            null,
            at,
            owner,
            null,
            Set.of(pf.tags()),
            null));
    r.flowRunStateChanged(new FlowRunEvent(id, flow, null, null, State.PENDING, at, 1));
    r.flowRunStateChanged(
        new FlowRunEvent(id, flow, null, State.PENDING, State.RUNNING, at.plusMillis(5), 1));
    List<FlowInfo.StepInfo> steps = pf.info().steps();
    long slice = Math.max(1, took / steps.size());
    for (int i = 0; i < steps.size(); i++) {
      String step = steps.get(i).name();
      UUID task = new UUID(id.getMostSignificantBits(), random.nextLong());
      Instant from = at.plusMillis(10 + i * slice);
      boolean last = i == steps.size() - 1;
      State taskEnd =
          last && end.type() != dev.sluice.api.StateType.COMPLETED ? end : State.COMPLETED;
      r.taskRunStateChanged(
          new TaskRunEvent(id, flow, task, step, null, State.PENDING, from, 1, null));
      r.taskRunStateChanged(
          new TaskRunEvent(id, flow, task, step, State.PENDING, State.RUNNING, from, 1, null));
      r.log(
          new LogLine(
              id,
              task,
              from.plusMillis(1),
              "INFO",
              flow,
              "worker-1",
              step + ": started",
              null,
              Map.of()));
      r.taskRunStateChanged(
          new TaskRunEvent(
              id, flow, task, step, State.RUNNING, taskEnd, from.plusMillis(slice - 5), 1, null));
    }
    r.flowRunStateChanged(
        new FlowRunEvent(id, flow, null, State.RUNNING, end, at.plusMillis(took), 1));
  }
}
