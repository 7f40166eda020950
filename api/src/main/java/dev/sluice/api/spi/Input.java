package dev.sluice.api.spi;

import dev.sluice.api.Outcome;
import java.util.Objects;

/**
 * One upstream of a step: the name of a parameter or step, and whether the step takes its value or
 * its {@link Outcome}.
 *
 * <p>A value input needs its upstream to complete: if the upstream fails, the step is {@code
 * NotReady}; if it is skipped, the step is skipped too. An outcome input hands over whatever
 * happened, so the step runs in every case.
 *
 * @param source the name of the upstream parameter or step
 * @param outcome whether the step takes the upstream's {@link Outcome} rather than its value
 */
public record Input(String source, boolean outcome) {
  public Input {
    Objects.requireNonNull(source, "source");
  }

  /** An input taking the upstream's value. */
  public static Input value(String source) {
    return new Input(source, false);
  }

  /** An input taking the upstream's {@link Outcome}. */
  public static Input outcome(String source) {
    return new Input(source, true);
  }
}
