package dev.sluice.api.store;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Who runs a flow run: the process, by host, process id and start time, and the random id of that
 * Sluice instance, which holds the run's lease in the store. A plain record; whether an owner is
 * still alive is the store's judgement ({@link RunStore#isKnownDead}): by its lease, since host
 * names and pids repeat across machines and containers.
 *
 * @param host the host name
 * @param pid the process id
 * @param processStart when that process started, null when the platform does not say
 * @param instance the random id of the owning instance (its lease's holder); null for runs recorded
 *     before leases existed
 */
public record RunOwner(
    String host, long pid, @Nullable Instant processStart, @Nullable String instance) {
  public RunOwner {
    Objects.requireNonNull(host, "host");
  }

  /** An owner without an instance id, as recorded before leases existed. */
  public RunOwner(String host, long pid, @Nullable Instant processStart) {
    this(host, pid, processStart, null);
  }

  private static final RunOwner CURRENT = detect();

  /** This process, with an instance id drawn at random when the class loads. */
  public static RunOwner current() {
    return CURRENT;
  }

  private static RunOwner detect() {
    ProcessHandle self = ProcessHandle.current();
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
    }
    return new RunOwner(
        host, self.pid(), self.info().startInstant().orElse(null), UUID.randomUUID().toString());
  }
}
