package dev.sluice.api.spi;

import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A step's condition: evaluated when the step is ready; if false the step ends {@code Skipped}, and
 * so do the steps that need its value.
 *
 * @param input the upstream whose value the test reads, or null for a test of nothing
 * @param test the test; a test that throws fails the step
 * @param description what the condition checks, shown in the Skipped state
 */
public record Condition(
    @Nullable Input input, Predicate<@Nullable Object> test, String description) {
  public Condition {
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(description, "description");
  }
}
