package dev.sluice.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;

/**
 * A hand-written {@link CompletableFuture} graph: each node {@code allOf(upstreams).thenRunAsync(
 * body, pool)}. Futures are single-use, so the graph is wired anew on every run, as a user would.
 */
final class FutureGraph implements Subject {
  private final ForkJoinPool pool;
  private Dag dag;
  private int[] sinks;
  private Runnable body;

  FutureGraph(int threads) {
    pool = new ForkJoinPool(threads);
  }

  @Override
  public void build(Dag dag, Runnable body) {
    this.dag = dag;
    this.body = body;
    this.sinks = dag.sinks();
  }

  @Override
  public void run() {
    int n = dag.size();
    @SuppressWarnings("unchecked")
    CompletableFuture<Void>[] futures = new CompletableFuture[n];
    for (int i = 0; i < n; i++) {
      int[] ups = dag.upstreams()[i];
      futures[i] =
          switch (ups.length) {
            case 0 -> CompletableFuture.runAsync(body, pool);
            case 1 -> futures[ups[0]].thenRunAsync(body, pool);
            default -> {
              CompletableFuture<?>[] upstream = new CompletableFuture<?>[ups.length];
              for (int k = 0; k < ups.length; k++) {
                upstream[k] = futures[ups[k]];
              }
              yield CompletableFuture.allOf(upstream).thenRunAsync(body, pool);
            }
          };
    }
    CompletableFuture<?>[] ends = new CompletableFuture<?>[sinks.length];
    for (int k = 0; k < sinks.length; k++) {
      ends[k] = futures[sinks[k]];
    }
    CompletableFuture.allOf(ends).join();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
