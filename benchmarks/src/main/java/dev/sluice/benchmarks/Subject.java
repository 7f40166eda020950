package dev.sluice.benchmarks;

/**
 * Something that runs a {@link Dag} of task bodies: a Sluice executor, a hand-written bound, or a
 * peer library. {@link #build} is measured separately from {@link #run}.
 */
public interface Subject extends AutoCloseable {
  /** Builds this subject's representation of the DAG; the graph is run many times. */
  void build(Dag dag, Runnable body) throws Exception;

  /** Runs every node's body once, respecting the edges; returns when all have run. */
  void run() throws Exception;

  /** Whether {@link #run} consumes the built graph, so it must be built again before each run. */
  default boolean oneShot() {
    return false;
  }

  @Override
  default void close() {}

  /** The subjects, by the name the benchmarks take as a parameter. */
  public enum Kind {
    SLUICE_LOCAL,
    SLUICE_POOL,
    SLUICE_VIRTUAL,
    POOL_LIMIT,
    FUTURE_GRAPH,
    LOOP_LIMIT,
    DEXECUTOR,
    FLO;

    Subject create(int threads) {
      return switch (this) {
        case SLUICE_LOCAL -> new SluiceSubject("local", "platform", threads);
        case SLUICE_POOL -> new SluiceSubject("threadpool", "platform", threads);
        case SLUICE_VIRTUAL -> new SluiceSubject("threadpool", "virtual", threads);
        case POOL_LIMIT -> new PoolLimit(threads);
        case FUTURE_GRAPH -> new FutureGraph(threads);
        case LOOP_LIMIT -> new LoopLimit();
        case DEXECUTOR -> new DexecutorSubject(threads);
        case FLO -> new FloSubject(threads);
      };
    }
  }
}
