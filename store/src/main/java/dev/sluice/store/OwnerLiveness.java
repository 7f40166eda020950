package dev.sluice.store;

import dev.sluice.api.internal.ProcessLiveness;
import dev.sluice.api.store.RunOwner;

/**
 * Whether the owner of a run recorded before leases (schema version 3, no instance id) is known to
 * be gone, for {@link JdbcRunStore#markDeadRunsCrashed}: only processes of this host can be judged,
 * by their process handle. Runs with an instance id are judged by their lease ({@link Leases}).
 */
final class OwnerLiveness {
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
    return ProcessLiveness.isKnownDead(owner);
  }
}
