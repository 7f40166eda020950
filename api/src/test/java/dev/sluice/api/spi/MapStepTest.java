package dev.sluice.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MapStepTest {

  private static final TaskBody BODY = args -> null;

  private static MapStep<String> map(Input items, List<Input> broadcast, int maxParallel) {
    return new MapStep<>(
        "measure",
        String.class,
        TaskOptions.DEFAULTS,
        items,
        broadcast,
        List.of(Input.value("setup")),
        new Condition(Input.value("flag"), v -> true, "flag"),
        BODY,
        maxParallel);
  }

  @Test
  void inputsAreTheItemsThenTheBroadcastInputs() {
    MapStep<String> step =
        map(Input.value("files"), List.of(Input.value("msg"), Input.outcome("cfg")), 8);

    assertThat(step.inputs())
        .containsExactly(Input.value("files"), Input.value("msg"), Input.outcome("cfg"));
    assertThat(step.upstreams())
        .containsExactly(
            Input.value("files"),
            Input.value("msg"),
            Input.outcome("cfg"),
            Input.value("setup"),
            Input.value("flag"));
  }

  @Test
  void itsResultIsAList() {
    MapStep<String> step = map(Input.value("files"), List.of(), 1);

    assertThat(step.outputType()).isEqualTo(List.class);
    assertThat(step.elementType()).isEqualTo(String.class);
  }

  @Test
  void maxParallelBelowOneIsRejectedNamingTheStep() {
    assertThatThrownBy(() -> map(Input.value("files"), List.of(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxParallel of map step 'measure' must be >= 1, was 0");
  }

  @Test
  void mappingOverAnOutcomeIsRejected() {
    assertThatThrownBy(() -> map(Input.outcome("files"), List.of(), 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("map step 'measure' cannot map over an outcome; map over the upstream's value");
  }

  @Test
  void broadcastIsCopied() {
    List<Input> broadcast = new ArrayList<>(List.of(Input.value("msg")));
    MapStep<String> step = map(Input.value("files"), broadcast, 2);

    broadcast.add(Input.value("late"));

    assertThat(step.broadcast()).containsExactly(Input.value("msg"));
    assertThat(step.inputs()).containsExactly(Input.value("files"), Input.value("msg"));
  }

  @Test
  void itemsAreRequired() {
    assertThatNullPointerException().isThrownBy(() -> map(null, List.of(), 1)).withMessage("items");
  }
}
