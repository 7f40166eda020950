package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class OutcomeTest {

  private final IOException error = new IOException("disk full");

  @Test
  void success() {
    Outcome<String> outcome = Outcome.success("rows");

    assertThat(outcome.isSuccess()).isTrue();
    assertThat(outcome.value()).isEqualTo("rows");
    assertThat(outcome.orElse("fallback")).isEqualTo("rows");
    assertThat(outcome.failure()).isEmpty();
    assertThat(outcome).isEqualTo(new Outcome.Success<>("rows"));
  }

  @Test
  void successWithANullValueIsStillASuccess() {
    Outcome<String> outcome = Outcome.success(null);

    assertThat(outcome.isSuccess()).isTrue();
    assertThat(outcome.value()).isNull();
    assertThat(outcome.orElse("fallback")).isNull();
  }

  @Test
  void failure() {
    State failed = new State.Failed(error);
    Outcome<String> outcome = Outcome.failure(failed, error);

    assertThat(outcome.isSuccess()).isFalse();
    assertThat(outcome.orElse("fallback")).isEqualTo("fallback");
    assertThat(outcome.failure()).containsSame(error);
    assertThat(outcome).isEqualTo(new Outcome.Failure<>(failed, error));
  }

  @Test
  void valueOfAFailureThrowsWithTheFailureAsCause() {
    Outcome<String> outcome = Outcome.failure(new State.Failed(error), error);

    assertThatThrownBy(outcome::value)
        .isInstanceOf(NoSuchElementException.class)
        .hasMessage("the upstream Failed")
        .hasCause(error);
  }

  @Test
  void valueOfAnUpstreamThatCouldNotRunNamesItsState() {
    UpstreamFailedException cause = new UpstreamFailedException("upstream 'a' failed");
    Outcome<Integer> outcome = Outcome.failure(new State.NotReady("a"), cause);

    assertThatThrownBy(outcome::value)
        .isInstanceOf(NoSuchElementException.class)
        .hasMessage("the upstream NotReady")
        .hasCause(cause);
    assertThat(outcome.failure()).containsSame(cause);
  }

  @Test
  void skipped() {
    Outcome<String> outcome = Outcome.skipped("condition false");

    assertThat(outcome.isSuccess()).isFalse();
    assertThat(outcome.orElse("fallback")).isEqualTo("fallback");
    assertThat(outcome.failure()).isEmpty();
    assertThatThrownBy(outcome::value)
        .isInstanceOf(NoSuchElementException.class)
        .hasMessage("the upstream was skipped: condition false")
        .hasNoCause();
  }

  @Test
  void patternMatchingCoversEveryCase() {
    assertThat(describe(Outcome.success("abc"))).isEqualTo("ok: 3");
    assertThat(describe(Outcome.failure(new State.Failed(error), error)))
        .isEqualTo("failed: disk full");
    assertThat(describe(Outcome.skipped("no rows"))).isEqualTo("skipped: no rows");
  }

  private static String describe(Outcome<String> outcome) {
    return switch (outcome) {
      case Outcome.Success<String> s -> "ok: " + s.value().length();
      case Outcome.Failure<String> f -> "failed: " + f.error().getMessage();
      case Outcome.Skipped<String> s -> "skipped: " + s.reason();
    };
  }

  @Test
  void aFailureNeedsAStateAndAnError() {
    assertThatNullPointerException()
        .isThrownBy(() -> Outcome.failure(null, error))
        .withMessage("state");
    assertThatNullPointerException()
        .isThrownBy(() -> Outcome.failure(new State.Failed(error), null))
        .withMessage("error");
  }
}
