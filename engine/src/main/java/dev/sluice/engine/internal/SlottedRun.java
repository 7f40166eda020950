package dev.sluice.engine.internal;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The concurrency slots of a task run whose tags carry limits: asking for them before each attempt,
 * and giving them back on every exit path — at once when the attempt's code is not running, when
 * the code returns when it was decided by someone else, or after the grace period when it ignores
 * its interrupt (see {@link ConcurrencyLimits}). One layer of the task-run classes (see {@link
 * InterruptibleRun}).
 */
abstract class SlottedRun extends InterruptibleRun {
  /** The concurrency slots each attempt needs, or null when none of its tags is limited. */
  final ConcurrencyLimits.Slot @Nullable [] slots;

  /** The slots of the current attempt, held or awaited; owner only. */
  private ConcurrencyLimits.@Nullable Permit permit;

  SlottedRun(Execution execution, int index) {
    super(execution, index);
    Plan plan = execution.plan;
    this.slots = (plan.flags[index] & Plan.SLOTS) != 0 ? plan.slots[index] : null;
  }

  /** Another task run's release granted this waiting one its slots: hand its attempt over. */
  abstract void startGranted();

  /** Asks for the next attempt's slots; true if they are held now. Owner only. */
  final boolean admitted() {
    permit = execution.engine.limits.admit(this);
    return permit.held;
  }

  /** The permit of the current attempt, held or awaited; null when it has none. Owner only. */
  final ConcurrencyLimits.@Nullable Permit permit() {
    return permit;
  }

  /** The limited tags this task run waits for, for its AwaitingConcurrencySlot state. */
  final Set<String> tags() {
    Set<String> tags = new TreeSet<>();
    for (ConcurrencyLimits.Slot slot :
        Objects.requireNonNull(slots, "waits only for limited slots")) {
      tags.add(slot.tag);
    }
    return tags;
  }

  /** Gives back the current attempt's slots: its code is not running. Owner only. */
  final void releaseNow() {
    ConcurrencyLimits.Permit current = permit;
    if (current != null) {
      permit = null;
      execution.engine.limits.release(current);
    }
  }

  /**
   * Detaches the current attempt's slots, decided while its code may still run: they are given back
   * when the code returns ({@link #releaseCode}), or after the grace period if it ignores its
   * interrupt. Owner only; call before anything can start another attempt.
   */
  final void releaseWhenCodeReturns() {
    ConcurrencyLimits.Permit current = permit;
    if (current == null) {
      return;
    }
    permit = null;
    ConcurrencyLimits limits = execution.engine.limits;
    execution.timer.schedule(
        () -> {
          if (limits.release(current)) {
            log.warn(
                "Task run '{}' still runs {} after it was timed out or cancelled; its concurrency"
                    + " slots are released anyway",
                name(),
                limits.grace());
          }
        },
        limits.grace().toNanos());
  }

  /** The code of an attempt decided by someone else returned: its slots ({@code mine}) can go. */
  final void releaseCode(ConcurrencyLimits.@Nullable Permit mine) {
    if (mine != null) {
      execution.engine.limits.release(mine);
    }
  }
}
