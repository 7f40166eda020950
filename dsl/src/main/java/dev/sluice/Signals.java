package dev.sluice;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM for a {@link BatchJob}, handled before the JVM starts shutting down, so the
 * run can be cancelled and recorded while the run store and the executor are still open (a shutdown
 * hook would run beside theirs, which close them). The first signal calls {@code onFirst}; a second
 * one exits at once with 128 + its number, the shutdown hooks committing what the store holds.
 * {@link #close()} puts the previous handlers back. docs/batch-jobs.md says why this uses {@code
 * sun.misc.Signal} (module jdk.unsupported, in every JDK).
 */
final class Signals implements AutoCloseable {
  private static final List<String> NAMES = List.of("INT", "TERM");

  private final AtomicReference<@Nullable Signal> received = new AtomicReference<>();
  private final List<Signal> installed = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();
  private final List<String> unavailable = new ArrayList<>();

  private Signals(Consumer<String> onFirst) {
    SignalHandler handler =
        signal -> {
          if (received.compareAndSet(null, signal)) {
            onFirst.accept("SIG" + signal.getName());
          } else {
            System.exit(128 + signal.getNumber());
          }
        };
    for (String name : NAMES) {
      Signal signal = new Signal(name);
      try {
        previous.add(Signal.handle(signal, handler));
        installed.add(signal);
      } catch (IllegalArgumentException e) {
        unavailable.add("SIG" + name); // -Xrs, or a platform without it
      }
    }
  }

  /** Handles SIGINT and SIGTERM until closed; {@code onFirst} gets the first one's name. */
  static Signals install(Consumer<String> onFirst) {
    return new Signals(onFirst);
  }

  /** The signals that could not be handled (the JVM runs with {@code -Xrs}, say). */
  List<String> unavailable() {
    return unavailable;
  }

  /** 128 + the number of the first signal received (130 for SIGINT, 143 for SIGTERM), or -1. */
  int exitCode() {
    Signal signal = received.get();
    return signal == null ? -1 : 128 + signal.getNumber();
  }

  @Override
  public void close() {
    for (int i = 0; i < installed.size(); i++) {
      try {
        Signal.handle(installed.get(i), previous.get(i));
      } catch (IllegalArgumentException e) {
        // the JVM's own handler cannot be put back: keep ours, which exits on a second signal
      }
    }
  }
}
