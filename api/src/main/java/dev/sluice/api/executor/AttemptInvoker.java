package dev.sluice.api.executor;

import org.jspecify.annotations.Nullable;

/**
 * Stands in for a task's body when an executor runs it elsewhere: see {@link
 * Attempt#run(AttemptInvoker)}. What it returns is the attempt's result; what it throws fails the
 * attempt, and the task's retry policy decides what happens next.
 */
@FunctionalInterface
public interface AttemptInvoker {
  /** Runs the body of {@code attempt} and returns its result. */
  @Nullable Object invoke(Attempt attempt) throws Exception;
}
