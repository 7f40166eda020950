package dev.sluice.store;

import dev.sluice.api.store.RunOwner;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether the owner of a run is known to be gone, for {@link JdbcRunStore#markDeadRunsCrashed} and
 * {@link JdbcRunStore#isKnownDead}. Today only processes of this host can be judged, by their
 * process handle. Runs owned elsewhere (agents, server replicas) are left alone; their lease and
 * heartbeat check belongs here when it comes, so every caller gets it.
 */
final class OwnerLiveness {
  /** Start times are rounded to clock ticks by the platform; a pid reused later differs by more. */
  private static final long START_TOLERANCE_MILLIS = 1_000;

  private OwnerLiveness() {}

  /** The host whose processes this store can judge: this one. */
  static String localHost() {
    return RunOwner.current().host();
  }

  /**
   * Whether {@code owner} is a process of this host that is known to be gone: its pid is not alive,
   * or belongs to a process started at another time (a reused pid). False when it may be alive, or
   * runs on another host.
   */
  static boolean isKnownDead(RunOwner owner) {
    if (!owner.host().equals(localHost())) {
      return false;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(owner.pid());
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return true;
    }
    Optional<Instant> started = handle.get().info().startInstant();
    Instant recorded = owner.processStart();
    return recorded != null
        && started.isPresent()
        && Math.abs(started.get().toEpochMilli() - recorded.toEpochMilli())
            > START_TOLERANCE_MILLIS;
  }
}
