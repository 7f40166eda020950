package dev.sluice.benchmarks;

import com.github.dexecutor.core.DefaultDexecutor;
import com.github.dexecutor.core.DexecutorConfig;
import com.github.dexecutor.core.ExecutionConfig;
import com.github.dexecutor.core.task.Task;
import java.util.concurrent.ForkJoinPool;

/**
 * Dexecutor 2.1.2: a dependency-graph executor. Its graph is consumed by one execution, so it is
 * built again before each run (outside the measured run). Its cycle check recurses per node along a
 * path (long chains need {@code -Xss64m}) and it tracks processed nodes in a list, so sizes are
 * capped.
 */
final class DexecutorSubject implements Subject {
  private final ForkJoinPool pool;
  private Dag dag;
  private Runnable body;
  private DefaultDexecutor<Integer, Integer> dexecutor;

  DexecutorSubject(int threads) {
    pool = new ForkJoinPool(threads);
  }

  @Override
  public void build(Dag dag, Runnable body) {
    this.dag = dag;
    this.body = body;
    DexecutorConfig<Integer, Integer> config =
        new DexecutorConfig<>(
            pool,
            id ->
                new Task<Integer, Integer>() {
                  @Override
                  public Integer execute() {
                    body.run();
                    return id;
                  }
                });
    dexecutor = new DefaultDexecutor<>(config);
    for (int i = 0; i < dag.size(); i++) {
      int[] ups = dag.upstreams()[i];
      if (ups.length == 0) {
        dexecutor.addIndependent(i);
      }
      for (int u : ups) {
        dexecutor.addDependency(u, i);
      }
    }
  }

  @Override
  public void run() {
    dexecutor.execute(ExecutionConfig.TERMINATING);
  }

  @Override
  public boolean oneShot() {
    return true;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
