package dev.sluice.client;

import java.time.Duration;

/**
 * The pauses between attempts to send a batch the server did not take: 100 ms, doubling each time,
 * at most 5 s, for as long as it takes; {@link #reset} after a success starts again at 100 ms. No
 * jitter: one sender per process retries, so there is no herd to spread.
 */
final class Backoff {
  static final Duration FIRST = Duration.ofMillis(100);
  static final Duration MAX = Duration.ofSeconds(5);

  private Duration next = FIRST;
  private int failures;

  /** The pause before the next attempt; each call doubles the one after, up to {@link #MAX}. */
  Duration next() {
    Duration pause = next;
    next = pause.multipliedBy(2).compareTo(MAX) > 0 ? MAX : pause.multipliedBy(2);
    failures++;
    return pause;
  }

  /** How many attempts failed since the last success. */
  int failures() {
    return failures;
  }

  /** After a success: the next pause is {@link #FIRST} again. */
  void reset() {
    next = FIRST;
    failures = 0;
  }
}
