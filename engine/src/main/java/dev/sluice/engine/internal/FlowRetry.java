package dev.sluice.engine.internal;

import dev.sluice.api.StateType;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The reset before a flow-level retry: the steps that did not complete run again, as a DAG of their
 * own; the completed ones keep their results and are never made ready again.
 *
 * @param unfinished the countdown of the retried DAG's terminal steps (a retried step whose
 *     downstream steps all completed is terminal now)
 * @param ready the retried steps with no retried upstream, to dispatch first
 */
record FlowRetry(Terminals.Countdown unfinished, int[] ready) {

  /**
   * Resets every step that did not complete (its task run, and its pending count to the number of
   * its retried upstream edges) and gives every completed step a count that never reaches zero.
   * Every step has ended, so each has its task run.
   */
  static FlowRetry reset(Plan plan, TaskRunState[] nodes, AtomicLongArray pending) {
    int n = nodes.length;
    boolean[] again = new boolean[n];
    int count = 0;
    for (int i = 0; i < n; i++) {
      if (nodes[i].state.type() != StateType.COMPLETED) {
        again[i] = true;
        count++;
        nodes[i].reset();
        pending.set(i, 0);
      } else {
        pending.set(i, 1L << 31); // completed: counted down by re-run upstreams, never to zero
      }
    }
    boolean[] terminal = new boolean[n];
    for (int i = 0; i < n; i++) {
      if (again[i]) {
        terminal[i] = true;
        for (int e = plan.downStart[i]; e < plan.downStart[i + 1]; e++) {
          if (again[plan.down[e]]) {
            pending.incrementAndGet(plan.down[e]);
            terminal[i] = false;
          }
        }
      }
    }
    int[] ready = new int[count];
    int r = 0;
    for (int i = 0; i < n; i++) {
      if (again[i] && pending.get(i) == 0) {
        ready[r++] = i;
      }
    }
    return new FlowRetry(new Terminals(terminal).start(), Arrays.copyOf(ready, r));
  }
}
