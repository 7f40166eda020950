package dev.sluice.engine.internal;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time-ordered UUIDv7 ids (RFC 9562), handed out in blocks: a flow run reserves one id for itself
 * and one per task run, so a task run's id costs nothing until someone asks for it.
 *
 * <p>The 48-bit millisecond timestamp and the 12-bit {@code rand_a} field together form a counter
 * that never goes backwards in this process (RFC 9562 method 3): a block of {@code n} ids takes
 * {@code n} consecutive values, running ahead of the clock by at most {@code n / 4096} ms. The 62
 * {@code rand_b} bits are random per block, so ids from different processes do not collide.
 */
final class RunIds {
  private static final AtomicLong LAST = new AtomicLong();
  private static final SecureRandom SEEDS = new SecureRandom();

  private RunIds() {}

  /** A block of {@code count} ids. */
  static Block reserve(int count) {
    long now = System.currentTimeMillis() << 12;
    long first;
    while (true) {
      long last = LAST.get();
      first = Math.max(last + 1, now);
      if (LAST.compareAndSet(last, first + count - 1)) {
        break;
      }
    }
    long random;
    synchronized (SEEDS) {
      random = SEEDS.nextLong();
    }
    return new Block(first, (random & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L);
  }

  /** Consecutive ids sharing their random bits. */
  record Block(long first, long leastSignificantBits) {
    UUID get(int offset) {
      long counter = first + offset; // 48-bit ms << 12 | 12-bit sequence
      long msb = ((counter >>> 12) << 16) | 0x7000L | (counter & 0xFFFL);
      return new UUID(msb, leastSignificantBits);
    }
  }
}
