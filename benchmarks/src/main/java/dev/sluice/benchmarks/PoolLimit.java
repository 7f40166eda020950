package dev.sluice.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The pool limit: a minimal scheduler with no framework. Remaining-upstream counts in an {@link
 * AtomicIntegerArray}, flat downstream arrays, and a node submitted to the pool by whoever brings
 * its count to zero. Nothing is recorded; it is the floor a pool-based scheduler can reach.
 */
final class PoolLimit implements Subject {
  private final ForkJoinPool pool;
  private int[] upstreamCounts;
  private int[][] downstreams;
  private int[] roots;
  private Runnable body;

  PoolLimit(int threads) {
    pool = new ForkJoinPool(threads);
  }

  @Override
  public void build(Dag dag, Runnable body) {
    this.body = body;
    upstreamCounts = new int[dag.size()];
    int rootCount = 0;
    for (int i = 0; i < dag.size(); i++) {
      upstreamCounts[i] = dag.upstreams()[i].length;
      if (upstreamCounts[i] == 0) {
        rootCount++;
      }
    }
    roots = new int[rootCount];
    for (int i = 0, r = 0; i < dag.size(); i++) {
      if (upstreamCounts[i] == 0) {
        roots[r++] = i;
      }
    }
    downstreams = dag.downstreams();
  }

  @Override
  public void run() throws InterruptedException {
    AtomicIntegerArray remaining = new AtomicIntegerArray(upstreamCounts);
    AtomicInteger left = new AtomicInteger(upstreamCounts.length);
    CountDownLatch done = new CountDownLatch(1);
    for (int root : roots) {
      submit(root, remaining, left, done);
    }
    done.await();
  }

  private void submit(
      int node, AtomicIntegerArray remaining, AtomicInteger left, CountDownLatch done) {
    pool.execute(
        () -> {
          body.run();
          for (int d : downstreams[node]) {
            if (remaining.decrementAndGet(d) == 0) {
              submit(d, remaining, left, done);
            }
          }
          if (left.decrementAndGet() == 0) {
            done.countDown();
          }
        });
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
