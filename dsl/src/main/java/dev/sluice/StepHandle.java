package dev.sluice;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.sluice.api.CachePolicy;
import dev.sluice.api.RetryPolicy;
import dev.sluice.api.spi.Condition;
import dev.sluice.api.spi.Input;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.TaskBody;
import dev.sluice.api.spi.TaskOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A step being defined, with the options every kind of step has. Each option method returns the
 * handle itself so options chain:
 *
 * {@snippet :
 * var data = f.task("fetch", Api::call)
 *     .retries(4).retryDelay(Duration.ofSeconds(2))
 *     .timeout(Duration.ofSeconds(30))
 *     .tags("api");
 * }
 *
 * @param <T> the type of the step's result
 * @param <S> the handle's own type
 */
public abstract sealed class StepHandle<T, S extends StepHandle<T, S>> extends Ref<T>
    permits TaskHandle, MapHandle, SubflowHandle {
  TaskOptions options = TaskOptions.DEFAULTS;
  final List<Input> waitFor = new ArrayList<>();
  @Nullable Condition condition;

  StepHandle(FlowBuilder owner, String name) {
    super(owner, name);
  }

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }

  /** Says what the step does. */
  @CanIgnoreReturnValue
  public S description(String description) {
    owner.checkOpen();
    options = options.withDescription(description);
    return self();
  }

  /** Labels the step. */
  @CanIgnoreReturnValue
  public S tags(String... tags) {
    owner.checkOpen();
    Set<String> all = new LinkedHashSet<>(options.tags());
    for (String tag : tags) {
      all.add(Objects.requireNonNull(tag, "tag"));
    }
    options = options.withTags(all);
    return self();
  }

  /** The step's version. */
  @CanIgnoreReturnValue
  public S version(String version) {
    owner.checkOpen();
    options = options.withVersion(version);
    return self();
  }

  /**
   * Retries a failed attempt up to {@code retries} times (so at most {@code retries + 1} attempts).
   */
  @CanIgnoreReturnValue
  public S retries(int retries) {
    owner.checkOpen();
    options = options.withRetryPolicy(options.retryPolicy().withRetries(retries));
    return self();
  }

  /** Waits {@code delay} before each retry. */
  @CanIgnoreReturnValue
  public S retryDelay(Duration delay) {
    owner.checkOpen();
    options = options.withRetryPolicy(options.retryPolicy().fixedDelay(delay));
    return self();
  }

  /** Waits {@code delays[k-1]} before retry {@code k}, the last delay repeating. */
  @CanIgnoreReturnValue
  public S retryDelays(Duration... delays) {
    owner.checkOpen();
    options = options.withRetryPolicy(options.retryPolicy().delays(delays));
    return self();
  }

  /** Uses a complete retry policy (replacing retries and delays set before). */
  @CanIgnoreReturnValue
  public S retryPolicy(RetryPolicy policy) {
    owner.checkOpen();
    options = options.withRetryPolicy(Objects.requireNonNull(policy, "policy"));
    return self();
  }

  /** Ends an attempt that runs longer than {@code timeout}: it is interrupted and ends TimedOut. */
  @CanIgnoreReturnValue
  public S timeout(Duration timeout) {
    owner.checkOpen();
    options = options.withTimeout(Objects.requireNonNull(timeout, "timeout"));
    return self();
  }

  /**
   * Makes the step optional: if it fails, the flow does not fail for it (its value-dependents still
   * end NotReady).
   */
  @CanIgnoreReturnValue
  public S allowFailure() {
    owner.checkOpen();
    options = options.withAllowFailure(true);
    return self();
  }

  /** Keeps the step's result in the run record after its consumers took it. */
  @CanIgnoreReturnValue
  public S keepResult() {
    owner.checkOpen();
    options = options.withKeepResult(true);
    return self();
  }

  /**
   * Caches the step's results: a later run of it — in this process or another, days later — with
   * the same cache key reuses the result and ends Cached instead of running. Without arguments the
   * key is the step's inputs and code ({@code CachePolicy.inputs().and(CachePolicy.code())});
   * policies given are combined.
   *
   * {@snippet :
   * var model = f.task("train", data, Trainer::fit)
   *     .cache(CachePolicy.inputs(), CachePolicy.version("2"))
   *     .cacheFor(Duration.ofDays(7));
   * }
   */
  @CanIgnoreReturnValue
  public S cache(CachePolicy... policies) {
    owner.checkOpen();
    CachePolicy policy = CachePolicy.none();
    for (CachePolicy p : policies) {
      policy = policy.and(Objects.requireNonNull(p, "policy"));
    }
    if (!policy.enabled()) {
      policy = policies.length == 0 ? DEFAULT_CACHE : CachePolicy.none();
    }
    CachePolicy current = options.cachePolicy();
    if (current.expiry() != null && policy.enabled() && policy.expiry() == null) {
      policy = policy.cacheFor(current.expiry());
    }
    if (current.isRefresh() && policy.enabled()) {
      policy = policy.refresh();
    }
    options = options.withCachePolicy(policy);
    return self();
  }

  /**
   * Cached results of this step expire {@code expiry} after they were stored. Turns caching on
   * (inputs and code) if {@link #cache} was not called.
   */
  @CanIgnoreReturnValue
  public S cacheFor(Duration expiry) {
    owner.checkOpen();
    options = options.withCachePolicy(enabledCache().cacheFor(expiry));
    return self();
  }

  /**
   * Runs this step even when its result is cached, and overwrites the cached entry with the new
   * result. Turns caching on (inputs and code) if {@link #cache} was not called.
   */
  @CanIgnoreReturnValue
  public S refreshCache() {
    owner.checkOpen();
    options = options.withCachePolicy(enabledCache().refresh());
    return self();
  }

  private CachePolicy enabledCache() {
    CachePolicy current = options.cachePolicy();
    return current.enabled() ? current : DEFAULT_CACHE;
  }

  private static final CachePolicy DEFAULT_CACHE = CachePolicy.inputs().and(CachePolicy.code());

  /**
   * The body to run: for a cached step whose body adapts {@code fn} (a gather), one naming {@code
   * fn} as its code. Most bodies are the user's function itself.
   */
  final TaskBody cachedBody(Object fn, TaskBody body) {
    return options.cachePolicy().enabled() && body != fn ? new ImplementedBody(body, fn) : body;
  }

  /**
   * Runs the step only after {@code upstreams} completed, without taking their values. Pass an
   * {@link Ref#outcome()} to wait for a step whatever happens to it.
   */
  @CanIgnoreReturnValue
  public S waitFor(Ref<?>... upstreams) {
    owner.checkOpen();
    for (Ref<?> upstream : upstreams) {
      waitFor.add(owner.wire(this, upstream));
    }
    return self();
  }

  /** Runs the step only if {@code flag} is true; otherwise it ends Skipped. */
  @CanIgnoreReturnValue
  public S onlyIf(Ref<Boolean> flag) {
    owner.checkOpen();
    return condition(
        new Condition(owner.wire(this, flag), Boolean.TRUE::equals, "'" + flag.name() + "'"));
  }

  /**
   * Runs the step only if {@code test} accepts the value of {@code upstream}; otherwise Skipped.
   */
  @SuppressWarnings("unchecked")
  @CanIgnoreReturnValue
  public <U> S onlyIf(Ref<U> upstream, Predicate<? super U> test) {
    owner.checkOpen();
    Objects.requireNonNull(test, "test");
    return condition(
        new Condition(
            owner.wire(this, upstream),
            value -> test.test((U) value),
            "on '" + upstream.name() + "'"));
  }

  private S condition(Condition condition) {
    if (this.condition != null) {
      owner.problem(
          "step '" + name() + "' has two conditions; combine them into one onlyIf(...) test");
    }
    this.condition = condition;
    return self();
  }

  abstract Step<?> build();
}
