package dev.sluice.api.store;

import dev.sluice.api.StateType;
import java.time.Instant;
import java.util.Objects;

/**
 * A recorded state: what a run entered and when.
 *
 * @param type the state's type
 * @param name its name, e.g. {@code AwaitingRetry}
 * @param message its detail ({@link dev.sluice.api.State#message()}), empty when none
 * @param at when it was entered
 */
public record StateRecord(StateType type, String name, String message, Instant at) {
  public StateRecord {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(at, "at");
  }

  /** Whether nothing more will happen to a run in this state (see {@link dev.sluice.api.State}). */
  public boolean isFinal() {
    return switch (type) {
      case COMPLETED, FAILED, CRASHED -> true;
      case CANCELLED -> !name.equals("Cancelling");
      case PENDING -> name.equals("NotReady");
      default -> false;
    };
  }
}
