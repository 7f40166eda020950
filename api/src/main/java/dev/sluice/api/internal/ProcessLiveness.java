package dev.sluice.api.internal;

import dev.sluice.api.store.RunOwner;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a process of this host is known to be gone, judged by its process handle: for the run
 * store's dead-run check and the client's journals of ended processes. Unsupported outside Sluice.
 */
public final class ProcessLiveness {
  /** Start times are rounded to clock ticks by the platform; a pid reused later differs by more. */
  private static final long START_TOLERANCE_MILLIS = 1_000;

  private ProcessLiveness() {}

  /**
   * Whether {@code owner} is a process of this host that is known to be gone: its pid is not alive,
   * or belongs to a process started at another time (a reused pid). False when it may be alive, or
   * runs on another host.
   */
  public static boolean isKnownDead(RunOwner owner) {
    if (!owner.host().equals(RunOwner.current().host())) {
      return false;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(owner.pid());
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return true;
    }
    Optional<Instant> started = handle.get().info().startInstant();
    Instant recorded = owner.processStart();
    return recorded != null && started.isPresent() && !sameStart(recorded, started.get());
  }

  /** Whether two start times of a process are the same start, within the platform's rounding. */
  public static boolean sameStart(Instant a, Instant b) {
    return Math.abs(a.toEpochMilli() - b.toEpochMilli()) <= START_TOLERANCE_MILLIS;
  }
}
