package dev.sluice.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How a task is retried: how many times, how long to wait before each retry, and which errors
 * qualify. Immutable; every {@code with}-style method returns a new policy.
 *
 * {@snippet :
 * RetryPolicy policy = RetryPolicy.retries(5)
 *     .exponentialBackoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10))
 *     .jitter(0.2)
 *     .retryOn(IOException.class)
 *     .abortOn(FileNotFoundException.class);
 * }
 *
 * <p>Which errors are retried, in order: a {@link NonRetryableException} never is; an error matched
 * by {@code abortOn} never is; an {@link Error} ({@code OutOfMemoryError}, {@code
 * StackOverflowError}...) is retried only when {@code retryOn} matches it explicitly; when {@code
 * retryOn} names anything, only what it matches is retried; otherwise every exception is.
 *
 * <p>The delay before retry {@code k} (1-based) is: none; a fixed duration; the {@code k}-th entry
 * of an explicit list (the last entry repeats); or {@code initial × multiplier^(k-1)} capped at a
 * maximum. Jitter then stretches it to {@code delay × (1 + U[0, jitter])}.
 */
public final class RetryPolicy {

  private enum Backoff {
    NONE,
    FIXED,
    LIST,
    EXPONENTIAL
  }

  private static final RetryPolicy NONE =
      new RetryPolicy(0, Backoff.NONE, List.of(), 1.0, Duration.ZERO, 0.0, List.of(), List.of());

  private final int retries;
  private final Backoff backoff;
  private final List<Duration> delays; // FIXED: [delay]; LIST: the list; EXPONENTIAL: [initial]
  private final double multiplier;
  private final Duration maxDelay;
  private final double jitter;
  private final List<Matcher> retryOn;
  private final List<Matcher> abortOn;

  /** A matcher remembers its description so the policy can say what it matches. */
  private record Matcher(Predicate<? super Throwable> test, String description) {
    static Matcher of(Class<? extends Throwable> type) {
      Objects.requireNonNull(type, "exception type");
      return new Matcher(type::isInstance, type.getName());
    }
  }

  private RetryPolicy(
      int retries,
      Backoff backoff,
      List<Duration> delays,
      double multiplier,
      Duration maxDelay,
      double jitter,
      List<Matcher> retryOn,
      List<Matcher> abortOn) {
    this.retries = retries;
    this.backoff = backoff;
    this.delays = delays;
    this.multiplier = multiplier;
    this.maxDelay = maxDelay;
    this.jitter = jitter;
    this.retryOn = retryOn;
    this.abortOn = abortOn;
  }

  /** A policy that never retries. */
  public static RetryPolicy none() {
    return NONE;
  }

  /** A policy with {@code retries} retries and no delay between attempts. */
  public static RetryPolicy retries(int retries) {
    return NONE.withRetries(retries);
  }

  /** This policy with {@code retries} retries (so at most {@code retries + 1} attempts). */
  public RetryPolicy withRetries(int retries) {
    if (retries < 0) {
      throw new IllegalArgumentException("retries must be >= 0, was " + retries);
    }
    return new RetryPolicy(
        retries, backoff, delays, multiplier, maxDelay, jitter, retryOn, abortOn);
  }

  /** This policy waiting {@code delay} before every retry. */
  public RetryPolicy fixedDelay(Duration delay) {
    checkDelay("delay", delay);
    return new RetryPolicy(
        retries, Backoff.FIXED, List.of(delay), 1.0, delay, jitter, retryOn, abortOn);
  }

  /**
   * This policy waiting {@code delays[k-1]} before retry {@code k}; when there are more retries
   * than delays, the last delay repeats.
   */
  public RetryPolicy delays(Duration... delays) {
    return delays(List.of(delays));
  }

  /** As {@link #delays(Duration...)}. */
  public RetryPolicy delays(List<Duration> delays) {
    if (delays.isEmpty()) {
      throw new IllegalArgumentException("delays must name at least one delay");
    }
    for (int i = 0; i < delays.size(); i++) {
      checkDelay("delays[" + i + "]", delays.get(i));
    }
    return new RetryPolicy(
        retries, Backoff.LIST, List.copyOf(delays), 1.0, Duration.ZERO, jitter, retryOn, abortOn);
  }

  /**
   * This policy waiting {@code initial × multiplier^(k-1)} before retry {@code k}, never more than
   * {@code max}.
   */
  public RetryPolicy exponentialBackoff(Duration initial, double multiplier, Duration max) {
    checkDelay("initial delay", initial);
    checkDelay("maximum delay", max);
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException(
          "backoff multiplier must be a finite number >= 1.0, was " + multiplier);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "maximum delay " + max + " is shorter than the initial delay " + initial);
    }
    return new RetryPolicy(
        retries, Backoff.EXPONENTIAL, List.of(initial), multiplier, max, jitter, retryOn, abortOn);
  }

  /** This policy stretching each delay by a random factor in {@code [1, 1 + jitter]}. */
  public RetryPolicy jitter(double jitter) {
    if (!(jitter >= 0.0) || Double.isInfinite(jitter)) {
      throw new IllegalArgumentException("jitter must be a finite number >= 0, was " + jitter);
    }
    return new RetryPolicy(
        retries, backoff, delays, multiplier, maxDelay, jitter, retryOn, abortOn);
  }

  /** This policy retrying only errors of the given types (and those other retryOn rules match). */
  @SafeVarargs
  public final RetryPolicy retryOn(Class<? extends Throwable>... types) {
    List<Matcher> matchers = new ArrayList<>(retryOn);
    for (Class<? extends Throwable> type : types) {
      matchers.add(Matcher.of(type));
    }
    return new RetryPolicy(
        retries, backoff, delays, multiplier, maxDelay, jitter, List.copyOf(matchers), abortOn);
  }

  /**
   * This policy retrying only errors the predicate accepts (and those other retryOn rules match).
   */
  public RetryPolicy retryOn(Predicate<? super Throwable> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    List<Matcher> matchers = new ArrayList<>(retryOn);
    matchers.add(new Matcher(predicate, "a predicate"));
    return new RetryPolicy(
        retries, backoff, delays, multiplier, maxDelay, jitter, List.copyOf(matchers), abortOn);
  }

  /** This policy never retrying errors of the given types. */
  @SafeVarargs
  public final RetryPolicy abortOn(Class<? extends Throwable>... types) {
    List<Matcher> matchers = new ArrayList<>(abortOn);
    for (Class<? extends Throwable> type : types) {
      matchers.add(Matcher.of(type));
    }
    return new RetryPolicy(
        retries, backoff, delays, multiplier, maxDelay, jitter, retryOn, List.copyOf(matchers));
  }

  /** This policy never retrying errors the predicate accepts. */
  public RetryPolicy abortOn(Predicate<? super Throwable> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    List<Matcher> matchers = new ArrayList<>(abortOn);
    matchers.add(new Matcher(predicate, "a predicate"));
    return new RetryPolicy(
        retries, backoff, delays, multiplier, maxDelay, jitter, retryOn, List.copyOf(matchers));
  }

  /** The number of retries after the first attempt. */
  public int retries() {
    return retries;
  }

  /** The jitter factor; 0 when delays are exact. */
  public double jitter() {
    return jitter;
  }

  /**
   * Whether {@code error} qualifies for a retry, regardless of how many retries are left.
   *
   * @see RetryPolicy the rules, in order
   */
  public boolean isRetryable(Throwable error) {
    if (error instanceof NonRetryableException) {
      return false;
    }
    for (Matcher m : abortOn) {
      if (m.test().test(error)) {
        return false;
      }
    }
    boolean named = false;
    for (Matcher m : retryOn) {
      if (m.test().test(error)) {
        named = true;
        break;
      }
    }
    if (error instanceof Error) {
      return named;
    }
    return named || retryOn.isEmpty();
  }

  /**
   * Whether attempt number {@code attempt} (1-based), having failed with {@code error}, is followed
   * by another attempt.
   */
  public boolean shouldRetry(int attempt, Throwable error) {
    return attempt <= retries && isRetryable(error);
  }

  /**
   * The delay in nanoseconds before retry number {@code retry} (1-based: the wait after the first
   * attempt failed is retry 1).
   *
   * @param uniform a random number in {@code [0, 1)}, used for jitter
   */
  public long delayNanos(int retry, double uniform) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry numbers start at 1, was " + retry);
    }
    double nanos =
        switch (backoff) {
          case NONE -> 0.0;
          case FIXED -> delays.get(0).toNanos();
          case LIST -> delays.get(Math.min(retry, delays.size()) - 1).toNanos();
          case EXPONENTIAL ->
              Math.min(
                  delays.get(0).toNanos() * Math.pow(multiplier, retry - 1.0),
                  (double) maxDelay.toNanos());
        };
    nanos *= 1.0 + jitter * uniform;
    return nanos >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) nanos;
  }

  /** As {@link #delayNanos(int, double)}, as a {@link Duration}. */
  public Duration delay(int retry, double uniform) {
    return Duration.ofNanos(delayNanos(retry, uniform));
  }

  private static void checkDelay(String what, Duration delay) {
    Objects.requireNonNull(delay, what);
    if (delay.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative, was " + delay);
    }
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("RetryPolicy{retries=").append(retries);
    switch (backoff) {
      case NONE -> {}
      case FIXED -> s.append(", delay=").append(delays.get(0));
      case LIST -> s.append(", delays=").append(delays);
      case EXPONENTIAL ->
          s.append(", backoff=")
              .append(delays.get(0))
              .append(" x")
              .append(multiplier)
              .append(" max ")
              .append(maxDelay);
    }
    if (jitter > 0) {
      s.append(", jitter=").append(jitter);
    }
    if (!retryOn.isEmpty()) {
      s.append(", retryOn=").append(retryOn.stream().map(Matcher::description).toList());
    }
    if (!abortOn.isEmpty()) {
      s.append(", abortOn=").append(abortOn.stream().map(Matcher::description).toList());
    }
    return s.append('}').toString();
  }
}
