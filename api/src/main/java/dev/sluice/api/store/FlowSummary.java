package dev.sluice.api.store;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A recorded flow.
 *
 * @param name the flow's name
 * @param version the version of its latest recorded run, empty when it has none
 * @param description its latest description
 * @param steps how many steps its latest version has
 * @param runs how many flow runs are recorded (sub-flow runs included)
 * @param lastRunAt when its latest run started, null when none
 * @param lastState the state name of its latest run, null when none
 */
public record FlowSummary(
    String name,
    String version,
    String description,
    int steps,
    long runs,
    @Nullable Instant lastRunAt,
    @Nullable String lastState) {
  public FlowSummary {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(description, "description");
  }
}
