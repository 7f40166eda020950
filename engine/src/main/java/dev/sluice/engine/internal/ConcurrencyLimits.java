package dev.sluice.engine.internal;

import dev.sluice.api.ConcurrencySlots;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
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
 * <p>Each attempt's slots are a {@link Permit}, released exactly once: when the attempt's code
 * returns, or when it is decided without running. An attempt timed out or cancelled while its code
 * runs keeps its slots until the code returns (so the limit holds, counted inside the tasks), or
 * until a grace period ends if the code ignores its interrupt (so a stubborn task cannot block its
 * tag for ever).
 *
 * <p>One lock guards the slot counts and the queue; it is held for a few instructions, never while
 * task code or listeners run, and tasks without limited tags never take it.
 */
final class ConcurrencyLimits {
  /** How long a timed-out or cancelled attempt may keep its slots while its code still runs. */
  static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

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

  /** The slots of one attempt. All fields are guarded by the lock. */
  static final class Permit {
    final SlottedRun node;
    final Slot[] slots;
    boolean held;
    boolean waiting;
    boolean released;
    boolean recorded;

    Permit(SlottedRun node) {
      this.node = node;
      this.slots = Objects.requireNonNull(node.slots, "a permit is only asked for limited slots");
    }
  }

  private final SortedMap<String, Slot> slots;
  private final Duration grace;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Permit> waiting = new ArrayDeque<>();

  ConcurrencyLimits(Map<String, Integer> limits) {
    this(limits, DEFAULT_GRACE);
  }

  ConcurrencyLimits(Map<String, Integer> limits, Duration grace) {
    SortedMap<String, Slot> byTag = new TreeMap<>();
    limits.forEach(
        (tag, limit) -> {
          if (limit == null || limit < 1) {
            throw new IllegalArgumentException(
                "the concurrency limit of tag '" + tag + "' must be >= 1, was " + limit);
          }
          byTag.put(tag, new Slot(tag, limit));
        });
    this.slots = Collections.unmodifiableSortedMap(byTag);
    this.grace = grace;
  }

  Duration grace() {
    return grace;
  }

  /** The limited slots a task with these tags needs, in tag order; null when none is limited. */
  Slot @Nullable [] slotsFor(Set<String> tags) {
    if (slots.isEmpty() || tags.isEmpty()) {
      return null;
    }
    List<Slot> needed = new ArrayList<>();
    slots.forEach(
        (tag, slot) -> {
          if (tags.contains(tag)) {
            needed.add(slot);
          }
        });
    return needed.isEmpty() ? null : needed.toArray(new Slot[0]);
  }

  /**
   * A permit for {@code node}'s next attempt: held at once if all its slots are free, else queued.
   * For a queued permit the caller records that the attempt waits, then calls {@link #recorded}.
   */
  Permit admit(SlottedRun node) {
    Permit permit = new Permit(node);
    lock.lock();
    try {
      if (free(permit.slots)) {
        take(permit);
      } else {
        permit.waiting = true;
        waiting.addLast(permit);
      }
      return permit;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The caller recorded that {@code permit}'s attempt waits. Returns true if the permit was granted
   * meanwhile: the caller then hands the attempt to the executor. Otherwise whoever frees the slots
   * will.
   */
  boolean recorded(Permit permit) {
    lock.lock();
    try {
      permit.recorded = true;
      return permit.held;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Gives {@code permit} back (once; later calls do nothing): frees its slots, or takes it out of
   * the queue, and grants freed slots to waiters, which are handed to their executor at once.
   *
   * @return whether this call released it
   */
  boolean release(Permit permit) {
    List<Permit> start = null;
    lock.lock();
    try {
      if (permit.released) {
        return false;
      }
      permit.released = true;
      if (permit.waiting) {
        waiting.remove(permit);
        permit.waiting = false;
        return true;
      }
      if (!permit.held) {
        return true;
      }
      for (Slot slot : permit.slots) {
        slot.used--;
      }
      permit.held = false;
      // Only waiters needing a tag just freed can start now; once those tags are full again no
      // later waiter can, so the scan stops there instead of walking the whole queue.
      for (Iterator<Permit> it = waiting.iterator(); it.hasNext() && !full(permit.slots); ) {
        Permit waiter = it.next();
        if (free(waiter.slots)) {
          it.remove();
          waiter.waiting = false;
          take(waiter);
          if (waiter.recorded) {
            if (start == null) {
              start = new ArrayList<>(2);
            }
            start.add(waiter);
          }
        }
      }
    } finally {
      lock.unlock();
    }
    if (start != null) {
      for (Permit granted : start) {
        granted.node.startGranted();
      }
    }
    return true;
  }

  /** Whether every one of these slots is taken. */
  private static boolean full(Slot[] slots) {
    for (Slot slot : slots) {
      if (slot.used < slot.limit) {
        return false;
      }
    }
    return true;
  }

  private static boolean free(Slot[] needed) {
    for (Slot slot : needed) {
      if (slot.used >= slot.limit) {
        return false;
      }
    }
    return true;
  }

  private static void take(Permit permit) {
    for (Slot slot : permit.slots) {
      slot.used++;
    }
    permit.held = true;
  }

  /** A live view of these limits for listeners. */
  ConcurrencySlots view() {
    Map<String, Integer> limits = new TreeMap<>();
    slots.forEach((tag, slot) -> limits.put(tag, slot.limit));
    Map<String, Integer> fixed = Collections.unmodifiableMap(limits);
    return new ConcurrencySlots() {
      @Override
      public Map<String, Integer> limits() {
        return fixed;
      }

      @Override
      public Map<String, Integer> inUse() {
        return ConcurrencyLimits.this.inUse();
      }
    };
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
}
