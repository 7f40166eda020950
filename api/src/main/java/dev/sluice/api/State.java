package dev.sluice.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The state of a flow run or task run. Every state has a {@linkplain #type() type} and a
 * {@linkplain #name() name}; the names and what they mean are listed in {@code docs/states.md}.
 *
 * <p>States without data are shared constants ({@link #PENDING}, {@link #RUNNING}, {@link
 * #COMPLETED}...), so the engine's hot path does not allocate them. States with data are records.
 * Exhaustive {@code switch} over the permitted records is supported.
 */
public sealed interface State {

  /** Waiting to start. */
  State SCHEDULED = new Scheduled(null);

  /** Created; waiting for its upstreams. */
  State PENDING = new Pending();

  /** The first attempt is executing. */
  State RUNNING = new Running();

  /** A retry attempt is executing. */
  State RETRYING = new Retrying();

  /** Finished successfully. */
  State COMPLETED = new Completed();

  /** A cancellation was requested; unfinished work is being stopped. */
  State CANCELLING = new Cancelling();

  /** The coarse type of this state. */
  StateType type();

  /** The state's name as shown to users, e.g. {@code "AwaitingRetry"}. */
  String name();

  /** A human-readable detail, empty when there is none. */
  default String message() {
    return "";
  }

  /** Whether nothing more will happen to a run in this state. */
  default boolean isFinal() {
    return (type().finalByDefault() && !(this instanceof Cancelling)) || this instanceof NotReady;
  }

  /** Whether this state counts as success for downstream steps: Completed or Cached. */
  default boolean isCompleted() {
    return this instanceof Completed || this instanceof Cached;
  }

  /** Whether this state is a failure: of type FAILED or CRASHED. */
  default boolean isFailure() {
    return type() == StateType.FAILED || type() == StateType.CRASHED;
  }

  /** Scheduled to start, at {@code at} when known. */
  record Scheduled(@Nullable Instant at) implements State {
    @Override
    public StateType type() {
      return StateType.SCHEDULED;
    }

    @Override
    public String name() {
      return "Scheduled";
    }
  }

  /** Scheduled, but its start time has passed without it starting. */
  record Late(Instant dueAt) implements State {
    @Override
    public StateType type() {
      return StateType.SCHEDULED;
    }

    @Override
    public String name() {
      return "Late";
    }
  }

  /** Failed an attempt and waits for its next one, due at {@code retryAt}. */
  record AwaitingRetry(Instant retryAt, int nextAttempt) implements State {
    @Override
    public StateType type() {
      return StateType.SCHEDULED;
    }

    @Override
    public String name() {
      return "AwaitingRetry";
    }

    @Override
    public String message() {
      return "attempt " + nextAttempt + " at " + retryAt;
    }
  }

  /** Ready to run, waiting for a slot of the concurrency limit of one of its tags. */
  record AwaitingConcurrencySlot(Set<String> tags) implements State {
    public AwaitingConcurrencySlot {
      tags = Set.copyOf(tags);
    }

    @Override
    public StateType type() {
      return StateType.SCHEDULED;
    }

    @Override
    public String name() {
      return "AwaitingConcurrencySlot";
    }
  }

  /** Created, waiting for its upstreams. */
  record Pending() implements State {
    @Override
    public StateType type() {
      return StateType.PENDING;
    }

    @Override
    public String name() {
      return "Pending";
    }
  }

  /**
   * An upstream ended unsuccessfully, so this task never runs. Final, although of type PENDING.
   *
   * @param upstream the name of the upstream step that did not complete
   */
  record NotReady(String upstream) implements State {
    public NotReady {
      Objects.requireNonNull(upstream, "upstream");
    }

    @Override
    public StateType type() {
      return StateType.PENDING;
    }

    @Override
    public String name() {
      return "NotReady";
    }

    @Override
    public String message() {
      return "upstream '" + upstream + "' did not complete";
    }
  }

  /** The first attempt is executing. */
  record Running() implements State {
    @Override
    public StateType type() {
      return StateType.RUNNING;
    }

    @Override
    public String name() {
      return "Running";
    }
  }

  /** A retry attempt is executing. */
  record Retrying() implements State {
    @Override
    public StateType type() {
      return StateType.RUNNING;
    }

    @Override
    public String name() {
      return "Retrying";
    }
  }

  /** Finished successfully. */
  record Completed() implements State {
    @Override
    public StateType type() {
      return StateType.COMPLETED;
    }

    @Override
    public String name() {
      return "Completed";
    }
  }

  /**
   * Finished with a result read from the cache instead of running.
   *
   * @param key the cache key that hit
   * @param source where the hit came from, e.g. {@code "memory"} or {@code "disk"}
   */
  record Cached(String key, String source) implements State {
    @Override
    public StateType type() {
      return StateType.COMPLETED;
    }

    @Override
    public String name() {
      return "Cached";
    }

    @Override
    public String message() {
      return "cache hit (" + source + ") " + key;
    }
  }

  /**
   * Did not run, successfully: its condition was false or an upstream was skipped.
   *
   * @param reason why it was skipped
   */
  record Skipped(String reason) implements State {
    public Skipped {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public StateType type() {
      return StateType.COMPLETED;
    }

    @Override
    public String name() {
      return "Skipped";
    }

    @Override
    public String message() {
      return reason;
    }
  }

  /**
   * The task's code threw, and no retry is left.
   *
   * @param error what the last attempt threw
   */
  record Failed(Throwable error) implements State {
    public Failed {
      Objects.requireNonNull(error, "error");
    }

    @Override
    public StateType type() {
      return StateType.FAILED;
    }

    @Override
    public String name() {
      return "Failed";
    }

    @Override
    public String message() {
      return describe(error);
    }
  }

  /**
   * The last attempt ran over its timeout.
   *
   * @param timeout the timeout that was exceeded
   */
  record TimedOut(Duration timeout) implements State {
    @Override
    public StateType type() {
      return StateType.FAILED;
    }

    @Override
    public String name() {
      return "TimedOut";
    }

    @Override
    public String message() {
      return "attempt exceeded its timeout of " + timeout;
    }
  }

  /**
   * Ended for a reason outside the task's normal failure path: an {@link Error} such as {@link
   * OutOfMemoryError}, a dead worker, an executor that refused the attempt.
   *
   * @param error what was thrown or observed
   */
  record Crashed(Throwable error) implements State {
    public Crashed {
      Objects.requireNonNull(error, "error");
    }

    @Override
    public StateType type() {
      return StateType.CRASHED;
    }

    @Override
    public String name() {
      return "Crashed";
    }

    @Override
    public String message() {
      return describe(error);
    }
  }

  /**
   * Stopped because the run was cancelled.
   *
   * @param reason why, as given to the cancel call
   */
  record Cancelled(String reason) implements State {
    public Cancelled {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public StateType type() {
      return StateType.CANCELLED;
    }

    @Override
    public String name() {
      return "Cancelled";
    }

    @Override
    public String message() {
      return reason;
    }
  }

  /** A cancellation was requested; running work is being stopped. */
  record Cancelling() implements State {
    @Override
    public StateType type() {
      return StateType.CANCELLED;
    }

    @Override
    public String name() {
      return "Cancelling";
    }
  }

  private static String describe(Throwable error) {
    String message;
    try {
      message = error.getMessage();
    } catch (Throwable e) { // user code: a message that cannot be read is left out
      if (e instanceof VirtualMachineError fatal) {
        throw fatal;
      }
      message = "(its getMessage() threw " + e.getClass().getName() + ")";
    }
    String name = dev.sluice.api.store.RecordedException.typeOf(error);
    String type = name.substring(Math.max(name.lastIndexOf('.'), name.lastIndexOf('$')) + 1);
    return message == null || message.isEmpty() ? type : type + ": " + message;
  }
}
