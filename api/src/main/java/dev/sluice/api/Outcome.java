package dev.sluice.api;

import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What happened to an upstream step, handed to a step through an outcome edge: its value, its
 * failure, or that it was skipped. A step with outcome inputs runs whatever happened upstream,
 * which is how a pipeline handles failure: cleanup, fallbacks, alerts.
 *
 * {@snippet :
 * var report = f.task("report", data.outcome(), o -> switch (o) {
 *   case Outcome.Success<Rows> s -> "ok: " + s.value().size();
 *   case Outcome.Failure<Rows> e -> "failed: " + e.error().getMessage();
 *   case Outcome.Skipped<Rows> s -> "skipped";
 * });
 * }
 *
 * @param <T> the upstream's value type
 */
public sealed interface Outcome<T> {

  /** A completed upstream's value. */
  static <T> Outcome<T> success(@Nullable T value) {
    return new Success<>(value);
  }

  /** An upstream that ended in {@code state} because of {@code error}. */
  static <T> Outcome<T> failure(State state, Throwable error) {
    return new Failure<>(state, error);
  }

  /** An upstream that was skipped. */
  static <T> Outcome<T> skipped(String reason) {
    return new Skipped<>(reason);
  }

  /** Whether the upstream completed. */
  default boolean isSuccess() {
    return this instanceof Success<T>;
  }

  /**
   * The upstream's value.
   *
   * @throws NoSuchElementException if it did not complete; the failure, if any, is the cause
   */
  default @Nullable T value() {
    return switch (this) {
      case Success<T> s -> s.value();
      case Failure<T> f ->
          throw new NoSuchElementException("the upstream " + f.state().name(), f.error());
      case Skipped<T> s ->
          throw new NoSuchElementException("the upstream was skipped: " + s.reason());
    };
  }

  /** The upstream's value, or {@code other} when it did not complete. */
  default @Nullable T orElse(@Nullable T other) {
    return this instanceof Success<T> s ? s.value() : other;
  }

  /** The upstream's error, when it failed, crashed or could not run. */
  default Optional<Throwable> failure() {
    return this instanceof Failure<T> f ? Optional.of(f.error()) : Optional.empty();
  }

  /**
   * The upstream completed.
   *
   * @param value its result
   */
  record Success<T>(@Nullable T value) implements Outcome<T> {}

  /**
   * The upstream failed, crashed, timed out, was cancelled or could not run.
   *
   * @param state its final state
   * @param error what went wrong; for an upstream that could not run, an {@link
   *     UpstreamFailedException}
   */
  record Failure<T>(State state, Throwable error) implements Outcome<T> {
    public Failure {
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(error, "error");
    }
  }

  /**
   * The upstream was skipped.
   *
   * @param reason why
   */
  record Skipped<T>(String reason) implements Outcome<T> {}
}
