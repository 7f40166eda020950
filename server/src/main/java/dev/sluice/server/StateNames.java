package dev.sluice.server;

import dev.sluice.api.StateType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** The state names and types a run filter may name (docs/states.md). */
final class StateNames {
  private static final List<String> NAMES =
      List.of(
          "Scheduled",
          "Late",
          "AwaitingRetry",
          "AwaitingConcurrencySlot",
          "Pending",
          "NotReady",
          "Running",
          "Retrying",
          "Completed",
          "Cached",
          "Skipped",
          "Failed",
          "TimedOut",
          "Crashed",
          "Cancelled",
          "Cancelling");

  private StateNames() {}

  static boolean isKnown(String word) {
    return Stream.concat(NAMES.stream(), Arrays.stream(StateType.values()).map(Enum::name))
        .anyMatch(n -> n.toLowerCase(Locale.ROOT).equals(word.toLowerCase(Locale.ROOT)));
  }

  static String list() {
    return String.join(", ", NAMES)
        + " or a type: "
        + String.join(", ", Arrays.stream(StateType.values()).map(Enum::name).toList());
  }
}
