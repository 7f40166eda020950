package dev.sluice.engine.internal;

/**
 * The layout of a counter split into buckets, each on its own cache line, so that threads counting
 * down different members of one group rarely write the same line: members {@code 0..}{@value
 * #SIZE}{@code -1} of a group count in its first bucket, the next {@value #SIZE} in the second, and
 * so on. Used for a run's terminal steps ({@link Terminals}) and for the upstream edges of a wide
 * fan-in ({@link Plan#initialFanIn}).
 */
final class Buckets {
  /** Members per bucket. */
  static final int SIZE = 64;

  /** Ints per bucket slot: one cache line, so two buckets never share one. */
  static final int LINE = 16;

  private Buckets() {}

  /** How many buckets {@code members} members take. */
  static int count(int members) {
    return (members + SIZE - 1) / SIZE;
  }

  /** The slot of member {@code member} of a group whose first bucket is at slot {@code base}. */
  static int slot(int base, int member) {
    return base + member / SIZE * LINE;
  }
}
