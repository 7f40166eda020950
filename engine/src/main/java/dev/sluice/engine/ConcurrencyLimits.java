package dev.sluice.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Concurrency limits by tag, shared by every flow run of an engine: at most {@code limit} attempts
 * holding a tag's slot run at once. A task with several limited tags takes a slot of each, all or
 * nothing, so no task holds one slot while waiting for another and nothing can deadlock. A task
 * that cannot start waits in a queue, holding no thread; a release hands freed slots to waiters in
 * arrival order (a waiter whose slots are all free is served even if an earlier one is not).
 *
 * <p>One lock guards the slot counts and the queue; it is held for a few instructions, never while
 * task code or listeners run, and tasks without limited tags never take it.
 */
final class ConcurrencyLimits {
  /** One limited tag. */
  static final class Slot {
    final String tag;
    final int limit;
    int used;

    Slot(String tag, int limit) {
      this.tag = tag;
      this.limit = limit;
    }
  }

  private final Map<String, Slot> slots;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<AttemptNode> waiting = new ArrayDeque<>();

  ConcurrencyLimits(Map<String, Integer> limits) {
    Map<String, Slot> byTag = new TreeMap<>();
    limits.forEach(
        (tag, limit) -> {
          if (limit == null || limit < 1) {
            throw new IllegalArgumentException(
                "the concurrency limit of tag '" + tag + "' must be >= 1, was " + limit);
          }
          byTag.put(tag, new Slot(tag, limit));
        });
    this.slots = Map.copyOf(byTag);
  }

  /** The limited slots a task with these tags needs, in tag order; null when none is limited. */
  Slot @Nullable [] slotsFor(Set<String> tags) {
    if (slots.isEmpty() || tags.isEmpty()) {
      return null;
    }
    List<Slot> needed = new ArrayList<>();
    new TreeMap<>(slots)
        .forEach(
            (tag, slot) -> {
              if (tags.contains(tag)) {
                needed.add(slot);
              }
            });
    return needed.isEmpty() ? null : needed.toArray(new Slot[0]);
  }

  /**
   * Takes the slots {@code node} needs if all are free (true: it may run now). Otherwise queues it
   * (false): the caller records that it waits, then calls {@link #recorded}.
   */
  boolean admit(AttemptNode node) {
    lock.lock();
    try {
      if (free(node.slots)) {
        take(node);
        return true;
      }
      node.granted = false;
      node.recorded = false;
      waiting.addLast(node);
      return false;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The caller recorded that {@code node} waits. Returns true if its slots were granted meanwhile:
   * the caller then hands it to the executor. Otherwise whoever frees its slots will.
   */
  boolean recorded(AttemptNode node) {
    lock.lock();
    try {
      node.recorded = true;
      return node.granted;
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@code node}'s attempt was decided (or cancelled while waiting): frees its slots or leaves the
   * queue, and grants freed slots to waiters, which are handed to their executor at once.
   */
  void release(AttemptNode node) {
    List<AttemptNode> start = null;
    lock.lock();
    try {
      if (node.holding) {
        for (Slot slot : node.slots) {
          slot.used--;
        }
        node.holding = false;
        node.granted = false;
        for (Iterator<AttemptNode> it = waiting.iterator(); it.hasNext(); ) {
          AttemptNode waiter = it.next();
          if (free(waiter.slots)) {
            it.remove();
            take(waiter);
            waiter.granted = true;
            if (waiter.recorded) {
              if (start == null) {
                start = new ArrayList<>(2);
              }
              start.add(waiter);
            }
          }
        }
      } else {
        waiting.remove(node);
      }
    } finally {
      lock.unlock();
    }
    if (start != null) {
      for (AttemptNode waiter : start) {
        waiter.startGranted();
      }
    }
  }

  private static boolean free(Slot[] needed) {
    for (Slot slot : needed) {
      if (slot.used >= slot.limit) {
        return false;
      }
    }
    return true;
  }

  private static void take(AttemptNode node) {
    for (Slot slot : node.slots) {
      slot.used++;
    }
    node.holding = true;
  }

  /** Slots in use per limited tag. */
  Map<String, Integer> inUse() {
    lock.lock();
    try {
      Map<String, Integer> used = new TreeMap<>();
      slots.forEach((tag, slot) -> used.put(tag, slot.used));
      return used;
    } finally {
      lock.unlock();
    }
  }

  /** How many attempts wait for a slot. */
  int waiting() {
    lock.lock();
    try {
      return waiting.size();
    } finally {
      lock.unlock();
    }
  }
}
