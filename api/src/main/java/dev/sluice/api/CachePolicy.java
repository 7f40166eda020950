package dev.sluice.api;

import dev.sluice.api.internal.Durations;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a task's cache key is made of, and how long its cached result lives. Immutable; combine
 * policies with {@link #and}:
 *
 * {@snippet :
 * var report = f.task("report", rows, Reports::build)
 *     .cache(CachePolicy.inputs().and(CachePolicy.code()).excluding("token"))
 *     .cacheFor(Duration.ofHours(6));
 * }
 *
 * <p>The key is SHA-256 over, in this order: the task's identity (flow name, task name), the
 * version, the code fingerprint, the custom key, the flow parameters, the flow run id, then each
 * input not excluded — only the parts the policy names. See {@code docs/caching.md}.
 */
public final class CachePolicy {
  private static final CachePolicy NONE =
      new CachePolicy(false, false, false, false, false, null, null, Set.of(), null, false);

  private final boolean enabled;
  private final boolean inputs;
  private final boolean code;
  private final boolean parameters;
  private final boolean runId;
  private final @Nullable String version;
  private final @Nullable CacheKeyFunction keyFunction;
  private final Set<String> excluded;
  private final @Nullable Duration expiry;
  private final boolean refresh;

  private CachePolicy(
      boolean enabled,
      boolean inputs,
      boolean code,
      boolean parameters,
      boolean runId,
      @Nullable String version,
      @Nullable CacheKeyFunction keyFunction,
      Set<String> excluded,
      @Nullable Duration expiry,
      boolean refresh) {
    this.enabled = enabled;
    this.inputs = inputs;
    this.code = code;
    this.parameters = parameters;
    this.runId = runId;
    this.version = version;
    this.keyFunction = keyFunction;
    this.excluded = Set.copyOf(excluded);
    this.expiry = expiry;
    this.refresh = refresh;
  }

  /** No caching: the task always runs. The default. */
  public static CachePolicy none() {
    return NONE;
  }

  /** Keyed by the task's input values (canonical JSON), so equal inputs reuse the result. */
  public static CachePolicy inputs() {
    return NONE.with(true, true, false, false, false, null, null);
  }

  /** Keyed by an explicit version string: bump it to invalidate what was cached before. */
  public static CachePolicy version(String version) {
    Objects.requireNonNull(version, "version");
    return NONE.with(true, false, false, false, false, version, null);
  }

  /**
   * Keyed by a fingerprint of the task's code: the bytecode of the method implementing its lambda
   * or method reference, with the constants it uses. Editing the body invalidates the cache.
   */
  public static CachePolicy code() {
    return NONE.with(true, false, true, false, false, null, null);
  }

  /** Keyed by the flow run's parameters (all of them, by name). */
  public static CachePolicy parameters() {
    return NONE.with(true, false, false, true, false, null, null);
  }

  /** Keyed by the flow run id: reused only within one flow run (for example across its retries). */
  public static CachePolicy runId() {
    return NONE.with(true, false, false, false, true, null, null);
  }

  /** Keyed by what {@code function} computes from the task's inputs (by name). */
  public static CachePolicy key(CacheKeyFunction function) {
    Objects.requireNonNull(function, "function");
    return NONE.with(true, false, false, false, false, null, function);
  }

  private CachePolicy with(
      boolean enabled,
      boolean inputs,
      boolean code,
      boolean parameters,
      boolean runId,
      @Nullable String version,
      @Nullable CacheKeyFunction keyFunction) {
    return new CachePolicy(
        enabled, inputs, code, parameters, runId, version, keyFunction, excluded, expiry, refresh);
  }

  /**
   * This policy and {@code other}: the key has the parts of both. Exclusions add up; the other's
   * version, key function and expiry win where it sets them.
   */
  public CachePolicy and(CachePolicy other) {
    Objects.requireNonNull(other, "other");
    if (!other.enabled) {
      return this;
    }
    if (!enabled) {
      return other;
    }
    Set<String> names = new LinkedHashSet<>(excluded);
    names.addAll(other.excluded);
    return new CachePolicy(
        true,
        inputs || other.inputs,
        code || other.code,
        parameters || other.parameters,
        runId || other.runId,
        other.version != null ? other.version : version,
        other.keyFunction != null ? other.keyFunction : keyFunction,
        names,
        other.expiry != null ? other.expiry : expiry,
        refresh || other.refresh);
  }

  /**
   * This policy without the inputs named (an upstream step's or parameter's name) in the key: for
   * values such as credentials or clients that do not change the result.
   */
  public CachePolicy excluding(String... inputNames) {
    Set<String> names = new LinkedHashSet<>(excluded);
    for (String name : inputNames) {
      names.add(Objects.requireNonNull(name, "input name"));
    }
    return new CachePolicy(
        enabled, inputs, code, parameters, runId, version, keyFunction, names, expiry, refresh);
  }

  /** This policy with cached results expiring {@code expiry} after they were stored. */
  public CachePolicy cacheFor(Duration expiry) {
    Objects.requireNonNull(expiry, "expiry");
    if (expiry.isNegative() || expiry.isZero()) {
      throw new IllegalArgumentException("cache expiry must be positive, was " + expiry);
    }
    return new CachePolicy(
        enabled, inputs, code, parameters, runId, version, keyFunction, excluded, expiry, refresh);
  }

  /** This policy, but a task run never reuses a result: it recomputes and overwrites the entry. */
  public CachePolicy refresh() {
    return new CachePolicy(
        enabled, inputs, code, parameters, runId, version, keyFunction, excluded, expiry, true);
  }

  /** Whether the task is cached at all ({@link #none()} is not). */
  public boolean enabled() {
    return enabled;
  }

  /** Whether the inputs are part of the key. */
  public boolean includesInputs() {
    return inputs;
  }

  /** Whether the code fingerprint is part of the key. */
  public boolean includesCode() {
    return code;
  }

  /** Whether the flow parameters are part of the key. */
  public boolean includesParameters() {
    return parameters;
  }

  /** Whether the flow run id is part of the key. */
  public boolean includesRunId() {
    return runId;
  }

  /** The explicit version in the key, or null. */
  public @Nullable String version() {
    return version;
  }

  /** The custom key function, or null. */
  public @Nullable CacheKeyFunction keyFunction() {
    return keyFunction;
  }

  /** Names of inputs left out of the key. */
  public Set<String> excluded() {
    return excluded;
  }

  /** How long a cached result lives, or null for as long as the store keeps it. */
  public @Nullable Duration expiry() {
    return expiry;
  }

  /** Whether task runs recompute and overwrite instead of reusing. */
  public boolean isRefresh() {
    return refresh;
  }

  @Override
  public String toString() {
    if (!enabled) {
      return "CachePolicy.none()";
    }
    StringBuilder s = new StringBuilder("CachePolicy[");
    String sep = "";
    if (inputs) {
      s.append("inputs");
      sep = ", ";
    }
    if (version != null) {
      s.append(sep).append("version=").append(version);
      sep = ", ";
    }
    if (code) {
      s.append(sep).append("code");
      sep = ", ";
    }
    if (parameters) {
      s.append(sep).append("parameters");
      sep = ", ";
    }
    if (runId) {
      s.append(sep).append("runId");
      sep = ", ";
    }
    if (keyFunction != null) {
      s.append(sep).append("key");
      sep = ", ";
    }
    if (!excluded.isEmpty()) {
      s.append(sep).append("excluding ").append(new java.util.TreeSet<>(excluded));
      sep = ", ";
    }
    if (expiry != null) {
      s.append(sep).append("for ").append(Durations.format(expiry));
      sep = ", ";
    }
    if (refresh) {
      s.append(sep).append("refresh");
    }
    return s.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CachePolicy p
        && enabled == p.enabled
        && inputs == p.inputs
        && code == p.code
        && parameters == p.parameters
        && runId == p.runId
        && Objects.equals(version, p.version)
        && Objects.equals(keyFunction, p.keyFunction)
        && excluded.equals(p.excluded)
        && Objects.equals(expiry, p.expiry)
        && refresh == p.refresh;
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, inputs, code, parameters, runId, version, excluded, expiry);
  }

  /** Computes a custom cache key from a task run's inputs. */
  @FunctionalInterface
  public interface CacheKeyFunction {
    /**
     * The value to key by; it is encoded canonically like inputs are.
     *
     * @param inputs the task run's input values by input name (an upstream step's or parameter's
     *     name; for a mapped step, the element under the list's name)
     */
    @Nullable Object key(Map<String, @Nullable Object> inputs) throws Exception;
  }
}
