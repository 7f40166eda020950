package dev.sluice.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** The cli tests' one polling wait. */
final class Await {
  private Await() {}

  /**
   * Waits (bounded, generously: this is not a timing assert) until {@code condition} holds, and
   * fails naming {@code what} was awaited if it does not within a minute.
   */
  static void until(String what, Supplier<Boolean> condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!condition.get()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("gave up waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
