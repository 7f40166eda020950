package dev.sluice.benchmarks;

/**
 * The single-thread limit: a topological loop on the calling thread with the least bookkeeping a
 * DAG scheduler needs — remaining-upstream counts, flat downstream arrays, a stack of ready nodes.
 * The floor for the local executor.
 */
final class LoopLimit implements Subject {
  private int[] upstreamCounts;
  private int[][] downstreams;
  private Runnable body;

  @Override
  public void build(Dag dag, Runnable body) {
    this.body = body;
    upstreamCounts = new int[dag.size()];
    for (int i = 0; i < dag.size(); i++) {
      upstreamCounts[i] = dag.upstreams()[i].length;
    }
    downstreams = dag.downstreams();
  }

  @Override
  public void run() {
    int n = upstreamCounts.length;
    int[] remaining = upstreamCounts.clone();
    int[] ready = new int[n];
    int top = 0;
    for (int i = 0; i < n; i++) {
      if (remaining[i] == 0) {
        ready[top++] = i;
      }
    }
    int ran = 0;
    while (top > 0) {
      int node = ready[--top];
      body.run();
      ran++;
      for (int d : downstreams[node]) {
        if (--remaining[d] == 0) {
          ready[top++] = d;
        }
      }
    }
    if (ran != n) {
      throw new IllegalStateException("ran " + ran + " of " + n + " nodes");
    }
  }
}
