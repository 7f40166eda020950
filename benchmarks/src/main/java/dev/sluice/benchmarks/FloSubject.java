package dev.sluice.benchmarks;

import com.spotify.flo.EvalContext;
import com.spotify.flo.Task;
import com.spotify.flo.context.MemoizingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * Spotify flo 0.6.3: tasks with lazily declared inputs, evaluated with a memoizing asynchronous
 * context on a pool (so a node shared by several downstreams runs once). One synthetic task depends
 * on every sink. flo evaluates inputs recursively, so long chains overflow the stack and sizes are
 * capped.
 */
final class FloSubject implements Subject {
  /** flo serializes process functions, so they reach the body through this field. */
  private static volatile Runnable body = Bodies.EMPTY;

  private final ForkJoinPool pool;
  private Task<Integer> all;

  FloSubject(int threads) {
    pool = new ForkJoinPool(threads);
  }

  @Override
  public void build(Dag dag, Runnable body) {
    FloSubject.body = body;
    List<Task<Integer>> tasks = new ArrayList<>(dag.size());
    for (int i = 0; i < dag.size(); i++) {
      int id = i;
      int[] ups = dag.upstreams()[i];
      if (ups.length == 0) {
        tasks.add(
            Task.named("t", id)
                .ofType(Integer.class)
                .process(
                    () -> {
                      FloSubject.body.run();
                      return id;
                    }));
      } else {
        ArrayList<Task<Integer>> inputs = new ArrayList<>(ups.length);
        for (int u : ups) {
          inputs.add(tasks.get(u));
        }
        tasks.add(
            Task.named("t", id)
                .ofType(Integer.class)
                .inputs(() -> inputs)
                .process(
                    values -> {
                      FloSubject.body.run();
                      return id;
                    }));
      }
    }
    ArrayList<Task<Integer>> sinks = new ArrayList<>();
    for (int s : dag.sinks()) {
      sinks.add(tasks.get(s));
    }
    all =
        Task.named("all")
            .ofType(Integer.class)
            .inputs(() -> sinks)
            .process(values -> values.size());
  }

  @Override
  public void run() throws Exception {
    MemoizingContext.composeWith(EvalContext.async(pool)).evaluate(all).toFuture().get();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
