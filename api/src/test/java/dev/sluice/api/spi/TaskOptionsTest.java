package dev.sluice.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.RetryPolicy;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskOptionsTest {

  @Test
  void defaults() {
    TaskOptions d = TaskOptions.DEFAULTS;

    assertThat(d.description()).isEmpty();
    assertThat(d.tags()).isEmpty();
    assertThat(d.version()).isEmpty();
    assertThat(d.retryPolicy()).isSameAs(RetryPolicy.none());
    assertThat(d.timeout()).isNull();
    assertThat(d.allowFailure()).isFalse();
    assertThat(d.keepResult()).isFalse();
  }

  @Test
  void zeroTimeoutIsRejected() {
    assertThatThrownBy(() -> TaskOptions.DEFAULTS.withTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be positive, was PT0S");
  }

  @Test
  void negativeTimeoutIsRejected() {
    assertThatThrownBy(() -> TaskOptions.DEFAULTS.withTimeout(Duration.ofSeconds(-3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be positive, was PT-3S");
  }

  @Test
  void positiveOrNoTimeoutIsAccepted() {
    assertThat(TaskOptions.DEFAULTS.withTimeout(Duration.ofNanos(1)).timeout())
        .isEqualTo(Duration.ofNanos(1));
    assertThat(TaskOptions.DEFAULTS.withTimeout(Duration.ofSeconds(5)).withTimeout(null).timeout())
        .isNull();
  }

  @Test
  void withMethodsReturnCopiesChangingOnePart() {
    RetryPolicy retries = RetryPolicy.retries(3);
    TaskOptions options =
        TaskOptions.DEFAULTS
            .withDescription("fetches rows")
            .withTags(Set.of("db", "io"))
            .withVersion("2")
            .withRetryPolicy(retries)
            .withTimeout(Duration.ofSeconds(30))
            .withAllowFailure(true)
            .withKeepResult(true);

    assertThat(options)
        .isEqualTo(
            new TaskOptions(
                "fetches rows",
                Set.of("db", "io"),
                "2",
                retries,
                Duration.ofSeconds(30),
                true,
                true));
    assertThat(options.withVersion("3"))
        .isEqualTo(
            new TaskOptions(
                "fetches rows",
                Set.of("db", "io"),
                "3",
                retries,
                Duration.ofSeconds(30),
                true,
                true));
  }

  @Test
  void withMethodsLeaveTheOriginalUnchanged() {
    TaskOptions original = TaskOptions.DEFAULTS.withDescription("d");

    TaskOptions copy = original.withDescription("other").withAllowFailure(true);

    assertThat(copy).isNotSameAs(original);
    assertThat(original.description()).isEqualTo("d");
    assertThat(original.allowFailure()).isFalse();
    assertThat(TaskOptions.DEFAULTS.description()).isEmpty();
  }

  @Test
  void tagsAreCopiedAndImmutable() {
    Set<String> tags = new HashSet<>(Set.of("db"));
    TaskOptions options = TaskOptions.DEFAULTS.withTags(tags);

    tags.add("gpu");

    assertThat(options.tags()).containsExactly("db");
    assertThatThrownBy(() -> options.tags().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void requiredPartsMustNotBeNull() {
    assertThatNullPointerException()
        .isThrownBy(() -> TaskOptions.DEFAULTS.withDescription(null))
        .withMessage("description");
    assertThatNullPointerException()
        .isThrownBy(() -> TaskOptions.DEFAULTS.withVersion(null))
        .withMessage("version");
    assertThatNullPointerException()
        .isThrownBy(() -> TaskOptions.DEFAULTS.withRetryPolicy(null))
        .withMessage("retryPolicy");
  }
}
