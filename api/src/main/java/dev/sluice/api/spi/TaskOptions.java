package dev.sluice.api.spi;

import dev.sluice.api.CachePolicy;
import dev.sluice.api.RetryPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The options of a step: what it is, how it is retried and limited. Immutable; the {@code with}
 * methods return a copy.
 *
 * @param description what the step does, for people
 * @param tags labels; later used for concurrency limits and filtering
 * @param version the step's version, part of its identity (and of cache keys, later)
 * @param retryPolicy how failed attempts are retried
 * @param timeout the longest one attempt may run, or null for no limit
 * @param allowFailure whether the step is optional: its failure does not fail the flow
 * @param keepResult whether the run keeps the step's result after every consumer took it
 * @param cachePolicy whether and how the step's results are cached ({@link CachePolicy#none()}:
 *     never)
 */
public record TaskOptions(
    String description,
    Set<String> tags,
    String version,
    RetryPolicy retryPolicy,
    @Nullable Duration timeout,
    boolean allowFailure,
    boolean keepResult,
    CachePolicy cachePolicy) {

  /** No description, tags or version; no retries, no timeout, no caching. */
  public static final TaskOptions DEFAULTS =
      new TaskOptions("", Set.of(), "", RetryPolicy.none(), null, false, false);

  /** Options without caching. */
  public TaskOptions(
      String description,
      Set<String> tags,
      String version,
      RetryPolicy retryPolicy,
      @Nullable Duration timeout,
      boolean allowFailure,
      boolean keepResult) {
    this(
        description,
        tags,
        version,
        retryPolicy,
        timeout,
        allowFailure,
        keepResult,
        CachePolicy.none());
  }

  public TaskOptions {
    Objects.requireNonNull(description, "description");
    tags = Set.copyOf(tags);
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    Objects.requireNonNull(cachePolicy, "cachePolicy");
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
  }

  /** A copy with this description. */
  public TaskOptions withDescription(String description) {
    return new TaskOptions(
        description, tags, version, retryPolicy, timeout, allowFailure, keepResult, cachePolicy);
  }

  /** A copy with these tags. */
  public TaskOptions withTags(Set<String> tags) {
    return new TaskOptions(
        description, tags, version, retryPolicy, timeout, allowFailure, keepResult, cachePolicy);
  }

  /** A copy with this version. */
  public TaskOptions withVersion(String version) {
    return new TaskOptions(
        description, tags, version, retryPolicy, timeout, allowFailure, keepResult, cachePolicy);
  }

  /** A copy with this retry policy. */
  public TaskOptions withRetryPolicy(RetryPolicy retryPolicy) {
    return new TaskOptions(
        description, tags, version, retryPolicy, timeout, allowFailure, keepResult, cachePolicy);
  }

  /** A copy with this attempt timeout (null for none). */
  public TaskOptions withTimeout(@Nullable Duration timeout) {
    return new TaskOptions(
        description, tags, version, retryPolicy, timeout, allowFailure, keepResult, cachePolicy);
  }

  /** A copy whose failure is allowed or not. */
  public TaskOptions withAllowFailure(boolean allowFailure) {
    return new TaskOptions(
        description, tags, version, retryPolicy, timeout, allowFailure, keepResult, cachePolicy);
  }

  /** A copy that keeps its result for the run record, or releases it once consumed. */
  public TaskOptions withKeepResult(boolean keepResult) {
    return new TaskOptions(
        description, tags, version, retryPolicy, timeout, allowFailure, keepResult, cachePolicy);
  }

  /** A copy with this cache policy. */
  public TaskOptions withCachePolicy(CachePolicy cachePolicy) {
    return new TaskOptions(
        description, tags, version, retryPolicy, timeout, allowFailure, keepResult, cachePolicy);
  }
}
