package dev.sluice.executor.contract;

import static dev.sluice.executor.contract.ContractFlows.gaugedWork;

import dev.sluice.TaskAction1;
import dev.sluice.api.Flow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The flows of {@link ParallelismTester}, one member of each family per width. */
final class ParallelismFlows {
  private ParallelismFlows() {}

  /** {@code 3 * width} tasks that do gauged work; the gauge is "all". */
  static final FlowFamily<Integer, Void> BOUNDED =
      bounded("bounded", probe -> gaugedWork(probe, "all"));

  /** {@link #BOUNDED}, with tasks that block on a {@link CompletableFuture} instead of sleeping. */
  static final FlowFamily<Integer, Void> BOUNDED_BLOCKING =
      bounded("bounded-blocking", ParallelismFlows::blockOnAFutureGauged);

  /** {@code 3 * width} tasks running {@code body}. */
  private static FlowFamily<Integer, Void> bounded(String name, TaskAction1<Probe> body) {
    return FlowFamily.byWidth(
        name,
        (flow, w) ->
            flow.define(
                f -> {
                  var p = f.param("probe", Probe.class);
                  for (int i = 0; i < 3 * w; i++) {
                    f.action("t" + i, p, body);
                  }
                }));
  }

  private static void blockOnAFutureGauged(Probe probe)
      throws IOException, InterruptedException, ExecutionException, TimeoutException {
    probe.enter("all");
    try {
      CompletableFuture.supplyAsync(
              () -> 1, CompletableFuture.delayedExecutor(3, TimeUnit.MILLISECONDS))
          .get(Probe.WAIT_SECONDS, TimeUnit.SECONDS);
    } finally {
      probe.exit("all");
    }
  }

  /** {@code width} tasks, each waiting until all of them have started. */
  static final FlowFamily<Integer, Void> SIDE_BY_SIDE =
      FlowFamily.byWidth(
          "side-by-side",
          (flow, w) ->
              flow.define(
                  f -> {
                    var p = f.param("probe", Probe.class);
                    for (int i = 0; i < w; i++) {
                      f.action(
                          "t" + i,
                          p,
                          probe -> {
                            probe.count("started");
                            probe.await("started", w, "all " + w + " tasks running at once");
                          });
                    }
                  }));

  static List<Flow<?>> flows() {
    List<Flow<?>> flows = new ArrayList<>();
    flows.addAll(BOUNDED.listed());
    flows.addAll(BOUNDED_BLOCKING.listed());
    flows.addAll(SIDE_BY_SIDE.listed());
    return flows;
  }
}
