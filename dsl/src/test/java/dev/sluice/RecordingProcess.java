package dev.sluice;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.store.RunStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A separate JVM that records runs into a store, started by {@link RunHistoryProcessesTest}.
 *
 * <pre>
 *   RecordingProcess runs STORE N    run N flows (5 tasks and a 3-element map each), print each id
 *   RecordingProcess hang STORE      start a flow whose second task never ends; once its first
 *                                    task's records are committed, print RUNNING id and wait
 *   RecordingProcess one STORE       run one flow with the default settings, print its id
 *   RecordingProcess exit STORE      run one flow, print its id, System.exit without closing
 *   RecordingProcess flaky STORE     run a flow that recovers on retry, then one that fails,
 *                                    each with its own Sluice; print each id
 * </pre>
 */
public final class RecordingProcess {
  private static final Logger log = LoggerFactory.getLogger(RecordingProcess.class);

  private RecordingProcess() {}

  static final Flow<Integer> WORK =
      Flows.named("multi-process")
          .returning(
              f -> {
                var seed = f.param("seed", Integer.class);
                var a =
                    f.task(
                        "a",
                        seed,
                        s -> {
                          log.warn("a got {}", s);
                          return s + 1;
                        });
                var b = f.task("b", a, x -> x * 2);
                var c = f.task("c", a, x -> x * 3);
                var list = f.task("list", b, c, (x, y) -> List.of(x, y, x + y));
                var squares = f.map("square", list, x -> x * x);
                return f.task("sum", squares, l -> l.stream().mapToInt(i -> i).sum());
              });

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    switch (mode) {
      case "runs" -> {
        int n = Integer.parseInt(args[2]);
        try (Sluice sluice =
            Sluice.builder().executor(new PoolExecutor(2)).setting("store", args[1]).build()) {
          for (int i = 0; i < n; i++) {
            FlowRun run = sluice.run(WORK, Map.of("seed", i));
            System.out.println("RUN " + run.id() + " " + run.state().name());
          }
        }
      }
      case "hang" -> {
        CountDownLatch bStarted = new CountDownLatch(1);
        Flow<Void> flow =
            Flows.named("interrupted")
                .define(
                    f -> {
                      var a = f.task("a", () -> 1);
                      f.task(
                          "b",
                          a,
                          x -> {
                            log.warn("b is running and will never end");
                            bStarted.countDown();
                            Thread.sleep(Long.MAX_VALUE);
                            return x;
                          });
                    });
        // A short lease, so that the test killing this process sees it expire soon.
        Sluice sluice =
            Sluice.builder()
                .executor(new PoolExecutor(2))
                .setting("store", args[1])
                .setting("store.lease-heartbeat", "PT0.2S")
                .setting("store.lease-timeout", "PT1S")
                .build();
        var handle = sluice.start(flow, Map.of());
        bStarted.await();
        RunStore store = sluice.runStore().orElseThrow();
        if (!store.recorder().flush(Duration.ofSeconds(30))) {
          throw new IllegalStateException("the store did not commit in time");
        }
        System.out.println("RUNNING " + handle.id());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
      }
      case "exit" -> {
        // Never closes its Sluice: ends with System.exit, like many a main method.
        Sluice sluice = Sluice.builder().executor("local").setting("store", args[1]).build();
        FlowRun run = sluice.run(WORK, Map.of("seed", 3));
        System.out.println("RUN " + run.id() + " " + run.state().name());
        System.out.flush();
        System.exit(0);
      }
      case "one" -> {
        try (Sluice sluice = Sluice.builder().executor("local").build()) {
          FlowRun run = sluice.run(WORK, Map.of("seed", 1));
          System.out.println("RUN " + run.id() + " " + run.state().name());
        }
      }
      case "flaky" -> {
        // Two Sluice in one process: the first run's task fails once then succeeds, the second's
        // always fails; run with no SLF4J provider by RunHistoryProcessesTest.
        int[] calls = {0};
        Flow<Void> recovers =
            Flows.named("recovers")
                .define(
                    f ->
                        f.task(
                                "call",
                                () -> {
                                  log.info("the task's own line");
                                  if (calls[0]++ == 0) {
                                    throw new IllegalStateException("down once");
                                  }
                                  return 1;
                                })
                            .retries(1));
        Flow<Void> fails =
            Flows.named("fails")
                .define(
                    f ->
                        f.task(
                            "call",
                            () -> {
                              if (true) {
                                throw new IllegalStateException("always down");
                              }
                              return 1;
                            }));
        for (Flow<Void> flow : List.of(recovers, fails)) {
          try (Sluice sluice =
              Sluice.builder().executor("local").setting("store", args[1]).build()) {
            FlowRun run = sluice.run(flow);
            System.out.println("RUN " + run.id() + " " + run.state().name());
          }
        }
      }
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
  }
}
