package dev.sluice.api.spi;

import dev.sluice.api.FlowHook;
import dev.sluice.api.FlowProvider;
import dev.sluice.api.RetryPolicy;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The options of a flow. Immutable; the {@code with} methods return a copy.
 *
 * @param description what the flow does, for people
 * @param version the flow's version
 * @param tags labels for filtering
 * @param retryPolicy flow-level retries: a failed run is run again, re-running only the steps that
 *     did not complete
 * @param onCompletion hooks called when a run ends Completed
 * @param onFailure hooks called when a run ends Failed
 * @param entrypoint the class name of the {@link FlowProvider} that rebuilds the flow in another
 *     JVM, or {@code ""} to find one with {@link java.util.ServiceLoader} when needed
 * @param definedIn the class name of the code that defined the flow ({@code Flows.named(..)
 *     .define(..)} records its caller), where another JVM looks for the flow in static fields when
 *     no entrypoint is named; {@code ""} when unknown
 */
public record FlowOptions(
    String description,
    String version,
    Set<String> tags,
    RetryPolicy retryPolicy,
    List<FlowHook> onCompletion,
    List<FlowHook> onFailure,
    String entrypoint,
    String definedIn) {

  /** No description, version or tags; no retries, no hooks, no named entrypoint. */
  public static final FlowOptions DEFAULTS =
      new FlowOptions("", "", Set.of(), RetryPolicy.none(), List.of(), List.of(), "", "");

  /** Options without a named entrypoint. */
  public FlowOptions(
      String description,
      String version,
      Set<String> tags,
      RetryPolicy retryPolicy,
      List<FlowHook> onCompletion,
      List<FlowHook> onFailure) {
    this(description, version, tags, retryPolicy, onCompletion, onFailure, "", "");
  }

  /** Options without a known defining class. */
  public FlowOptions(
      String description,
      String version,
      Set<String> tags,
      RetryPolicy retryPolicy,
      List<FlowHook> onCompletion,
      List<FlowHook> onFailure,
      String entrypoint) {
    this(description, version, tags, retryPolicy, onCompletion, onFailure, entrypoint, "");
  }

  public FlowOptions {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(version, "version");
    tags = Set.copyOf(tags);
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    onCompletion = List.copyOf(onCompletion);
    onFailure = List.copyOf(onFailure);
    Objects.requireNonNull(entrypoint, "entrypoint");
    Objects.requireNonNull(definedIn, "definedIn");
  }

  /** A copy whose entrypoint is the {@link FlowProvider} {@code provider}. */
  public FlowOptions withEntrypoint(Class<? extends FlowProvider> provider) {
    return new FlowOptions(
        description,
        version,
        tags,
        retryPolicy,
        onCompletion,
        onFailure,
        provider.getName(),
        definedIn);
  }

  /**
   * A copy recording that {@code definer}'s code defined the flow: when no entrypoint is named,
   * another JVM initializes that class and looks for the flow in its static fields.
   */
  public FlowOptions withDefinedIn(Class<?> definer) {
    return new FlowOptions(
        description,
        version,
        tags,
        retryPolicy,
        onCompletion,
        onFailure,
        entrypoint,
        definer.getName());
  }

  /** A copy with this description. */
  public FlowOptions withDescription(String description) {
    return new FlowOptions(
        description, version, tags, retryPolicy, onCompletion, onFailure, entrypoint, definedIn);
  }

  /** A copy with this version. */
  public FlowOptions withVersion(String version) {
    return new FlowOptions(
        description, version, tags, retryPolicy, onCompletion, onFailure, entrypoint, definedIn);
  }

  /** A copy with these tags. */
  public FlowOptions withTags(Set<String> tags) {
    return new FlowOptions(
        description, version, tags, retryPolicy, onCompletion, onFailure, entrypoint, definedIn);
  }

  /** A copy with this flow-level retry policy. */
  public FlowOptions withRetryPolicy(RetryPolicy retryPolicy) {
    return new FlowOptions(
        description, version, tags, retryPolicy, onCompletion, onFailure, entrypoint, definedIn);
  }

  /** A copy with one more completion hook. */
  public FlowOptions withOnCompletion(FlowHook hook) {
    Objects.requireNonNull(hook, "hook");
    return new FlowOptions(
        description,
        version,
        tags,
        retryPolicy,
        append(onCompletion, hook),
        onFailure,
        entrypoint,
        definedIn);
  }

  /** A copy with one more failure hook. */
  public FlowOptions withOnFailure(FlowHook hook) {
    Objects.requireNonNull(hook, "hook");
    return new FlowOptions(
        description,
        version,
        tags,
        retryPolicy,
        onCompletion,
        append(onFailure, hook),
        entrypoint,
        definedIn);
  }

  private static List<FlowHook> append(List<FlowHook> hooks, FlowHook hook) {
    FlowHook[] all = hooks.toArray(new FlowHook[hooks.size() + 1]);
    all[hooks.size()] = hook;
    return List.of(all);
  }
}
