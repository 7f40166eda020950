package dev.sluice.engine.internal;

import dev.sluice.api.RetryPolicy;
import org.slf4j.Logger;

/**
 * The rule for code Sluice calls but does not own — listeners, flow hooks, conditions, retry
 * predicates, the messages of user exceptions: whatever it throws is caught where it is called and
 * handled there (logged, or the step fails), so no user code can leave a run without a final state.
 * Only a {@link VirtualMachineError} (out of memory, a stack overflow) goes on up: after one, no
 * code can be trusted to recover.
 */
final class UserCode {
  private UserCode() {}

  /**
   * Whether {@code policy} retries after attempt {@code attempt} failed with {@code failure}. Its
   * {@code retryOn}/{@code abortOn} conditions are user code: one that throws is logged, naming
   * {@code what} failed, and means no retry — the failure stands, with the condition's exception
   * suppressed in it.
   */
  static boolean shouldRetry(
      RetryPolicy policy, int attempt, Throwable failure, String what, Logger log) {
    try {
      return policy.shouldRetry(attempt, failure);
    } catch (Throwable t) {
      rethrowIfFatal(t);
      log.warn("the retry condition of {} threw {}; {} is not retried", what, t, what, t);
      if (t != failure) {
        failure.addSuppressed(t);
      }
      return false;
    }
  }

  /**
   * {@code t}'s class and message for a log line or a state's detail, safe when its {@code
   * getMessage()} (user code) throws.
   */
  static String describe(Throwable t) {
    String message;
    try {
      message = t.getMessage();
    } catch (Throwable e) {
      rethrowIfFatal(e);
      message = "(its getMessage() threw " + e.getClass().getName() + ")";
    }
    return message == null ? t.getClass().getName() : t.getClass().getName() + ": " + message;
  }

  /** Rethrows {@code t} if nothing may catch it; returns otherwise. */
  static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError fatal) {
      throw fatal;
    }
  }
}
