package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StateTest {

  private static final Instant AT = Instant.parse("2024-05-01T12:00:00Z");

  /** Every state name with an instance, its documented type, and whether it is final. */
  static Stream<Arguments> everyState() {
    return Stream.of(
        Arguments.of(new State.Scheduled(AT), "Scheduled", StateType.SCHEDULED, false),
        Arguments.of(new State.Late(AT), "Late", StateType.SCHEDULED, false),
        Arguments.of(new State.AwaitingRetry(AT, 2), "AwaitingRetry", StateType.SCHEDULED, false),
        Arguments.of(
            new State.AwaitingConcurrencySlot(Set.of("db")),
            "AwaitingConcurrencySlot",
            StateType.SCHEDULED,
            false),
        Arguments.of(new State.Pending(), "Pending", StateType.PENDING, false),
        Arguments.of(new State.NotReady("extract"), "NotReady", StateType.PENDING, true),
        Arguments.of(new State.Running(), "Running", StateType.RUNNING, false),
        Arguments.of(new State.Retrying(), "Retrying", StateType.RUNNING, false),
        Arguments.of(new State.Completed(), "Completed", StateType.COMPLETED, true),
        Arguments.of(new State.Cached("k", "memory"), "Cached", StateType.COMPLETED, true),
        Arguments.of(new State.Skipped("condition false"), "Skipped", StateType.COMPLETED, true),
        Arguments.of(new State.Failed(new IOException("x")), "Failed", StateType.FAILED, true),
        Arguments.of(new State.TimedOut(Duration.ofSeconds(5)), "TimedOut", StateType.FAILED, true),
        Arguments.of(new State.Crashed(new OutOfMemoryError()), "Crashed", StateType.CRASHED, true),
        Arguments.of(new State.Cancelled("user"), "Cancelled", StateType.CANCELLED, true),
        Arguments.of(new State.Cancelling(), "Cancelling", StateType.CANCELLED, false));
  }

  @ParameterizedTest(name = "{1} is of type {2}")
  @MethodSource("everyState")
  void everyNameHasItsDocumentedType(State state, String name, StateType type, boolean isFinal) {
    assertThat(state.name()).isEqualTo(name);
    assertThat(state.type()).isEqualTo(type);
    // the record's simple name is the state's name, so the table and the types agree
    assertThat(state.getClass().getSimpleName()).isEqualTo(name);
  }

  @ParameterizedTest(name = "{1} final: {3}")
  @MethodSource("everyState")
  void isFinal(State state, String name, StateType type, boolean isFinal) {
    assertThat(state.isFinal()).isEqualTo(isFinal);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("everyState")
  void isCompletedOnlyForCompletedAndCached(
      State state, String name, StateType type, boolean isFinal) {
    assertThat(state.isCompleted()).isEqualTo(name.equals("Completed") || name.equals("Cached"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("everyState")
  void isFailureForFailedAndCrashedTypes(
      State state, String name, StateType type, boolean isFinal) {
    assertThat(state.isFailure()).isEqualTo(Set.of("Failed", "TimedOut", "Crashed").contains(name));
  }

  @Test
  void theTableCoversEveryPermittedState() {
    Set<String> permitted = new HashSet<>();
    for (Class<?> c : State.class.getPermittedSubclasses()) {
      permitted.add(c.getSimpleName());
    }
    Set<Object> tabled = new HashSet<>();
    everyState().forEach(a -> tabled.add(a.get()[1]));

    assertThat(permitted).hasSize(16).isEqualTo(tabled);
  }

  @Test
  void everyStateTypeHasAtLeastOneState() {
    Set<Object> types = new HashSet<>();
    everyState().forEach(a -> types.add(a.get()[2]));

    assertThat(types).containsExactlyInAnyOrder((Object[]) StateType.values());
  }

  @Test
  void anExhaustiveSwitchNeedsNoDefault() {
    // Compiles only while the sixteen records are exactly the permitted states.
    State state = new State.Skipped("no rows");
    String kind =
        switch (state) {
          case State.Scheduled s -> "waiting";
          case State.Late s -> "waiting";
          case State.AwaitingRetry s -> "waiting";
          case State.AwaitingConcurrencySlot s -> "waiting";
          case State.Pending s -> "waiting";
          case State.NotReady s -> "blocked";
          case State.Running s -> "busy";
          case State.Retrying s -> "busy";
          case State.Completed s -> "done";
          case State.Cached s -> "done";
          case State.Skipped s -> "skipped: " + s.reason();
          case State.Failed s -> "failed";
          case State.TimedOut s -> "failed";
          case State.Crashed s -> "failed";
          case State.Cancelled s -> "stopped";
          case State.Cancelling s -> "stopping";
        };

    assertThat(kind).isEqualTo("skipped: no rows");
  }

  @Test
  void sharedConstantsAreTheDataFreeStates() {
    assertThat(State.SCHEDULED).isEqualTo(new State.Scheduled(null));
    assertThat(State.PENDING).isEqualTo(new State.Pending());
    assertThat(State.RUNNING).isEqualTo(new State.Running());
    assertThat(State.RETRYING).isEqualTo(new State.Retrying());
    assertThat(State.COMPLETED).isEqualTo(new State.Completed());
    assertThat(State.CANCELLING).isEqualTo(new State.Cancelling());
    assertThat(((State.Scheduled) State.SCHEDULED).at()).isNull();
  }

  @Test
  void notReadyIsFinalAlthoughOfTypePending() {
    State notReady = new State.NotReady("extract");

    assertThat(notReady.type()).isEqualTo(StateType.PENDING);
    assertThat(notReady.isFinal()).isTrue();
    assertThat(State.PENDING.isFinal()).isFalse();
  }

  @Test
  void cancellingIsNotFinalAlthoughOfTypeCancelled() {
    assertThat(State.CANCELLING.type()).isEqualTo(StateType.CANCELLED);
    assertThat(State.CANCELLING.isFinal()).isFalse();
    assertThat(new State.Cancelled("stop").isFinal()).isTrue();
  }

  @Test
  void skippedIsFinalAndOfTypeCompletedButNotCompleted() {
    State skipped = new State.Skipped("condition false");

    assertThat(skipped.type()).isEqualTo(StateType.COMPLETED);
    assertThat(skipped.isFinal()).isTrue();
    assertThat(skipped.isCompleted()).isFalse();
    assertThat(skipped.isFailure()).isFalse();
  }

  @Test
  void messages() {
    assertThat(new State.AwaitingRetry(AT, 3).message())
        .isEqualTo("attempt 3 at 2024-05-01T12:00:00Z");
    assertThat(new State.NotReady("extract").message())
        .isEqualTo("upstream 'extract' did not complete");
    assertThat(new State.Cached("abc123", "disk").message()).isEqualTo("cache hit (disk) abc123");
    assertThat(new State.Skipped("condition 'has rows' was false").message())
        .isEqualTo("condition 'has rows' was false");
    assertThat(new State.TimedOut(Duration.ofSeconds(30)).message())
        .isEqualTo("attempt exceeded its timeout of PT30S");
    assertThat(new State.Cancelled("user asked").message()).isEqualTo("user asked");
  }

  @Test
  void failureMessagesNameTheErrorTypeAndItsMessage() {
    assertThat(new State.Failed(new IllegalStateException("boom")).message())
        .isEqualTo("IllegalStateException: boom");
    assertThat(new State.Crashed(new OutOfMemoryError("Java heap space")).message())
        .isEqualTo("OutOfMemoryError: Java heap space");
  }

  @Test
  void failureMessagesWithoutAnErrorMessageAreJustTheType() {
    assertThat(new State.Failed(new IllegalStateException()).message())
        .isEqualTo("IllegalStateException");
    assertThat(new State.Crashed(new StackOverflowError("")).message())
        .isEqualTo("StackOverflowError");
  }

  @Test
  void statesWithoutDetailHaveAnEmptyMessage() {
    for (State s :
        Arrays.asList(
            State.SCHEDULED,
            new State.Late(AT),
            new State.AwaitingConcurrencySlot(Set.of("db")),
            State.PENDING,
            State.RUNNING,
            State.RETRYING,
            State.COMPLETED,
            State.CANCELLING)) {
      assertThat(s.message()).as(s.name()).isEmpty();
    }
  }

  @Test
  void awaitingConcurrencySlotCopiesItsTags() {
    Set<String> tags = new HashSet<>(Set.of("db"));
    State.AwaitingConcurrencySlot state = new State.AwaitingConcurrencySlot(tags);

    tags.add("gpu");

    assertThat(state.tags()).containsExactly("db");
    assertThatThrownBy(() -> state.tags().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void requiredDataIsChecked() {
    assertThatNullPointerException()
        .isThrownBy(() -> new State.NotReady(null))
        .withMessage("upstream");
    assertThatNullPointerException().isThrownBy(() -> new State.Failed(null)).withMessage("error");
    assertThatNullPointerException().isThrownBy(() -> new State.Crashed(null)).withMessage("error");
  }
}
