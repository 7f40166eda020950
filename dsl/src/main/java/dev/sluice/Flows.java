package dev.sluice;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowHook;
import dev.sluice.api.FlowProvider;
import dev.sluice.api.RetryPolicy;
import dev.sluice.api.spi.FlowOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Where flows are defined.
 *
 * {@snippet :
 * Flow<Void> pipeline = Flows.named("previously-unreliable-pipeline").define(f -> {
 *   var msg = f.param("msg", String.class).withDefault("Hello");
 *   var data = f.task("Get data from API", UnreliableApi::call)
 *       .retries(4).retryDelay(Duration.ofSeconds(2));
 *   var augmented = f.task("Add message to data", data, msg, Steps::augment);
 *   f.task("Write results to database", augmented, Steps::write);
 * });
 * }
 */
public final class Flows {
  private static final StackWalker CALLERS =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private Flows() {}

  /** Starts defining a flow called {@code name}. */
  public static Definition named(String name) {
    return new Definition(Objects.requireNonNull(name, "name"));
  }

  /** A flow's name and options, waiting for its steps. */
  public static final class Definition {
    private final String name;
    private FlowOptions options = FlowOptions.DEFAULTS;

    private Definition(String name) {
      this.name = name;
    }

    /** Says what the flow does. */
    @CanIgnoreReturnValue
    public Definition description(String description) {
      options = options.withDescription(description);
      return this;
    }

    /** The flow's version. */
    @CanIgnoreReturnValue
    public Definition version(String version) {
      options = options.withVersion(version);
      return this;
    }

    /** Labels the flow. */
    @CanIgnoreReturnValue
    public Definition tags(String... tags) {
      options = options.withTags(Set.of(tags));
      return this;
    }

    /** Re-runs a failed run up to {@code retries} times, re-running only what did not complete. */
    @CanIgnoreReturnValue
    public Definition retries(int retries) {
      options = options.withRetryPolicy(options.retryPolicy().withRetries(retries));
      return this;
    }

    /** Waits {@code delay} before each flow-level retry. */
    @CanIgnoreReturnValue
    public Definition retryDelay(Duration delay) {
      options = options.withRetryPolicy(options.retryPolicy().fixedDelay(delay));
      return this;
    }

    /** Uses a complete flow-level retry policy. */
    @CanIgnoreReturnValue
    public Definition retryPolicy(RetryPolicy policy) {
      options = options.withRetryPolicy(policy);
      return this;
    }

    /** Calls {@code hook} when a run ends Completed. */
    @CanIgnoreReturnValue
    public Definition onCompletion(FlowHook hook) {
      options = options.withOnCompletion(hook);
      return this;
    }

    /** Calls {@code hook} when a run ends Failed. */
    @CanIgnoreReturnValue
    public Definition onFailure(FlowHook hook) {
      options = options.withOnFailure(hook);
      return this;
    }

    /**
     * Names the {@link FlowProvider} that rebuilds this flow in a worker process (the subprocess
     * executor) or on another machine. Without it, a flow kept in a static field of the class that
     * defines it ({@code static final Flow<Void> FLOW = Flows.named(..).define(..)}) is found
     * there; otherwise one registered for {@link java.util.ServiceLoader} that provides a flow of
     * this name is used.
     */
    @CanIgnoreReturnValue
    public Definition entrypoint(Class<? extends FlowProvider> provider) {
      options = options.withEntrypoint(Objects.requireNonNull(provider, "provider"));
      return this;
    }

    /**
     * Defines the steps and builds the flow.
     *
     * @throws dev.sluice.api.FlowValidationException listing every problem: duplicate names, steps
     *     of another flow, cycles
     */
    public Flow<Void> define(Consumer<FlowBuilder> steps) {
      FlowOptions defined = definedIn(CALLERS.getCallerClass());
      FlowBuilder builder = new FlowBuilder(name);
      steps.accept(builder);
      return builder.build(defined, null);
    }

    /** Defines the steps and builds a flow whose result is the value of the step returned. */
    public <R> Flow<R> returning(Function<FlowBuilder, ? extends Ref<R>> steps) {
      FlowOptions defined = definedIn(CALLERS.getCallerClass());
      FlowBuilder builder = new FlowBuilder(name);
      Ref<R> result = steps.apply(builder);
      return builder.build(defined, result);
    }

    /**
     * The options with the class whose code defines the flow: where a worker process looks for it
     * (in static fields) when no entrypoint is named. A hidden class cannot be found by name there.
     */
    private FlowOptions definedIn(Class<?> caller) {
      return caller.isHidden() ? options : options.withDefinedIn(caller);
    }
  }
}
