package dev.sluice.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a run's state history: the state entered and when.
 *
 * @param state the state entered
 * @param at when it was entered
 */
public record StateChange(State state, Instant at) {
  public StateChange {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(at, "at");
  }
}
