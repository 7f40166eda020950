package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class StateTypeTest {

  @Test
  void finishedTypesAreFinalByDefault() {
    EnumSet<StateType> finalTypes = EnumSet.noneOf(StateType.class);
    for (StateType type : StateType.values()) {
      if (type.finalByDefault()) {
        finalTypes.add(type);
      }
    }

    assertThat(finalTypes)
        .containsExactlyInAnyOrder(
            StateType.COMPLETED, StateType.FAILED, StateType.CRASHED, StateType.CANCELLED);
  }

  @Test
  void theSevenDocumentedTypes() {
    assertThat(StateType.values())
        .extracting(Enum::name)
        .containsExactlyInAnyOrder(
            "SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED", "CRASHED", "CANCELLED");
  }
}
