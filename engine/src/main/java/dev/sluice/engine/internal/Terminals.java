package dev.sluice.engine.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The terminal steps of a DAG (those with no downstream step), grouped for counting down: a run
 * ends when the last of them ends, since every other step is an ancestor of one and ends first.
 *
 * <p>One shared counter would be decremented by every terminal step, from every worker: on a binary
 * tree that is half the tasks, and the counter's cache line moved between cores on nearly every one
 * of them. So terminal steps are counted in {@link Buckets} of consecutive ones, each on its own
 * cache line, and only a bucket that empties counts down the run's counter. Steps close in
 * definition order tend to end on the same worker, so buckets are rarely shared.
 */
final class Terminals {
  /** Per step, its bucket's slot in {@link #initial}, or -1 when it is not terminal. */
  private final int[] slotOf;

  /** Per bucket slot, how many terminal steps it holds (padding slots are 0). */
  private final int[] initial;

  private final int buckets;

  /** Groups the steps for which {@code terminal} is true, in index order. */
  Terminals(boolean[] terminal) {
    slotOf = new int[terminal.length];
    Arrays.fill(slotOf, -1);
    int count = 0;
    for (int i = 0; i < terminal.length; i++) {
      if (terminal[i]) {
        slotOf[i] = Buckets.slot(0, count);
        count++;
      }
    }
    buckets = Buckets.count(count);
    initial = new int[buckets * Buckets.LINE];
    for (int b = 0; b < buckets; b++) {
      initial[b * Buckets.LINE] = Math.min(Buckets.SIZE, count - b * Buckets.SIZE);
    }
  }

  /** A countdown for one run (or one flow-level retry) over these steps. */
  Countdown start() {
    return new Countdown(slotOf, new AtomicIntegerArray(initial), new AtomicInteger(buckets));
  }

  /** Counts ended terminal steps; thread-safe. */
  static final class Countdown {
    private final int[] slotOf;
    private final AtomicIntegerArray left;
    private final AtomicInteger bucketsLeft;

    private Countdown(int[] slotOf, AtomicIntegerArray left, AtomicInteger bucketsLeft) {
      this.slotOf = slotOf;
      this.left = left;
      this.bucketsLeft = bucketsLeft;
    }

    /** Whether {@code step} is one of the steps counted. */
    boolean counts(int step) {
      return slotOf[step] >= 0;
    }

    /** Step {@code step} ended: true if it was the last terminal step to end. */
    boolean ended(int step) {
      int slot = slotOf[step];
      return slot >= 0 && left.decrementAndGet(slot) == 0 && bucketsLeft.decrementAndGet() == 0;
    }
  }
}
