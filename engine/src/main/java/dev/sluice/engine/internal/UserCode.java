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
      log.warn(
          "the retry condition of {} threw {}; {} is not retried",
          what,
          describe(t),
          what,
          loggable(t));
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

  /**
   * {@code t} itself when a logging backend can print it, else a stand-in with its description and
   * stack trace: a backend reads {@code getMessage()} of {@code t}, its causes and its suppressed
   * exceptions (user code), and one that throws there would fail the engine's own log call.
   */
  static Throwable loggable(Throwable t) {
    if (printable(t, 0)) {
      return t;
    }
    Throwable standIn = new UnprintableThrowable(describe(t));
    standIn.setStackTrace(t.getStackTrace());
    return standIn;
  }

  private static boolean printable(Throwable t, int depth) {
    if (depth > 32) {
      return true; // a backend stops at cycles and depth of its own; nothing more to read here
    }
    try {
      var unused = t.getMessage();
      unused = t.getLocalizedMessage();
      Throwable cause = t.getCause();
      if (cause != null && cause != t && !printable(cause, depth + 1)) {
        return false;
      }
      for (Throwable s : t.getSuppressed()) {
        if (s != t && !printable(s, depth + 1)) {
          return false;
        }
      }
      return true;
    } catch (Throwable e) {
      rethrowIfFatal(e);
      return false;
    }
  }

  /** Logged in place of a throwable whose message cannot be read. */
  private static final class UnprintableThrowable extends Exception {
    private static final long serialVersionUID = 1L;

    UnprintableThrowable(String description) {
      super(description + " (an exception's message could not be read; printed without it)");
    }
  }

  /** Rethrows {@code t} if nothing may catch it; returns otherwise. */
  static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError fatal) {
      throw fatal;
    }
  }
}
