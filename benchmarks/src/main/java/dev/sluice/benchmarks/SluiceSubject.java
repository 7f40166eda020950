package dev.sluice.benchmarks;

import dev.sluice.Flows;
import dev.sluice.Ref;
import dev.sluice.Sluice;
import dev.sluice.TaskAction0;
import dev.sluice.TaskHandle;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;

/** Sluice on one of its executors: each node an action with order-only edges to its upstreams. */
final class SluiceSubject implements Subject {
  private final Sluice sluice;
  private Flow<Void> flow;

  SluiceSubject(String executor, String threads, int parallelism) {
    this.sluice =
        Sluice.builder()
            .executor(executor)
            .setting("executor.threads", threads)
            .setting("executor.parallelism", Integer.toString(parallelism))
            .discoverListeners(false)
            .setting("store", "off")
            .build();
  }

  @Override
  public void build(Dag dag, Runnable body) {
    flow = flow(dag, body);
  }

  static Flow<Void> flow(Dag dag, Runnable body) {
    return Flows.named(dag.shape())
        .define(
            f -> {
              @SuppressWarnings("unchecked")
              TaskHandle<Void>[] nodes = new TaskHandle[dag.size()];
              // One body object for every task, as the bounds run one Runnable for every node.
              TaskAction0 task = body::run;
              for (int i = 0; i < dag.size(); i++) {
                TaskHandle<Void> node = f.action("t" + i, task);
                int[] ups = dag.upstreams()[i];
                if (ups.length > 0) {
                  Ref<?>[] waitFor = new Ref<?>[ups.length];
                  for (int k = 0; k < ups.length; k++) {
                    waitFor[k] = nodes[ups[k]];
                  }
                  node.waitFor(waitFor);
                }
                nodes[i] = node;
              }
            });
  }

  @Override
  public void run() {
    FlowRun run = sluice.run(flow);
    if (!run.state().isCompleted()) {
      throw new IllegalStateException("the benchmark flow ended " + run.state());
    }
  }

  Sluice sluice() {
    return sluice;
  }

  @Override
  public void close() {
    sluice.close();
  }
}
