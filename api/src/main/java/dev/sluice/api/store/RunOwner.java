package dev.sluice.api.store;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The process that runs a flow run. A store uses it to tell, on a later start, whether a run still
 * recorded as unfinished lost its process: the host is this one and {@code pid} is not alive, or
 * belongs to a process started at another time (the id was reused).
 *
 * @param host the host name
 * @param pid the process id
 * @param processStart when that process started, null when the platform does not say
 */
public record RunOwner(
    String host, long pid, @org.jspecify.annotations.Nullable Instant processStart) {
  public RunOwner {
    Objects.requireNonNull(host, "host");
  }

  private static final RunOwner CURRENT = detect();

  /** This process. */
  public static RunOwner current() {
    return CURRENT;
  }

  private static RunOwner detect() {
    ProcessHandle self = ProcessHandle.current();
    return new RunOwner(hostName(), self.pid(), self.info().startInstant().orElse(null));
  }

  /** The local host name, as recorded in {@link #host()}. */
  public static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
    }
  }

  /**
   * Whether this owner is a process of this host that is known to be gone. False when it may be
   * alive, or runs on another host.
   */
  public boolean isKnownDead() {
    if (!host.equals(CURRENT.host)) {
      return false;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return true;
    }
    Optional<Instant> started = handle.get().info().startInstant();
    // A reused pid: a process started at another time (the platform rounds to clock ticks).
    return processStart != null
        && started.isPresent()
        && Math.abs(started.get().toEpochMilli() - processStart.toEpochMilli()) > 1_000;
  }
}
