package dev.sluice.benchmarks;

import org.openjdk.jmh.infra.Blackhole;

/** Task bodies: empty, or a fixed amount of CPU work. */
final class Bodies {
  static final Runnable EMPTY = () -> {};

  private Bodies() {}

  /** A body burning about {@code micros} µs of CPU with {@link Blackhole#consumeCPU}. */
  static Runnable work(double micros) {
    if (micros <= 0) {
      return EMPTY;
    }
    long tokens = Math.max(1, Math.round(micros * tokensPerMicro()));
    return () -> Blackhole.consumeCPU(tokens);
  }

  private static volatile double tokensPerMicro;

  /** Calibrates consumeCPU on this machine, once per JVM. */
  static double tokensPerMicro() {
    double rate = tokensPerMicro;
    if (rate == 0) {
      long tokens = 2_000_000;
      for (int i = 0; i < 5; i++) {
        Blackhole.consumeCPU(tokens); // warm up
      }
      long best = Long.MAX_VALUE;
      for (int i = 0; i < 10; i++) {
        long start = System.nanoTime();
        Blackhole.consumeCPU(tokens);
        best = Math.min(best, System.nanoTime() - start);
      }
      rate = tokens / (best / 1000.0);
      tokensPerMicro = rate;
    }
    return rate;
  }
}
