package dev.sluice.api.store;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Who runs a flow run: the process, by host, process id and start time. A plain record; whether an
 * owner is still alive is the store's judgement ({@link RunStore#isKnownDead}).
 *
 * @param host the host name
 * @param pid the process id
 * @param processStart when that process started, null when the platform does not say
 */
public record RunOwner(String host, long pid, @Nullable Instant processStart) {
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
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
    }
    return new RunOwner(host, self.pid(), self.info().startInstant().orElse(null));
  }
}
