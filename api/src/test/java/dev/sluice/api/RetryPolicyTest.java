package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.api.executor.AttemptCrashedException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;

  @Nested
  class Delays {
    @Test
    void noneAndPlainRetriesHaveNoDelay() {
      assertThat(RetryPolicy.none().delayNanos(1, 0.5)).isZero();
      assertThat(RetryPolicy.retries(3).delayNanos(1, 0.0)).isZero();
      assertThat(RetryPolicy.retries(3).delayNanos(3, 0.9)).isZero();
    }

    @Test
    void noDelayStaysZeroWhateverTheJitter() {
      RetryPolicy policy = RetryPolicy.retries(3).jitter(1.0);

      assertThat(policy.delayNanos(2, 0.999)).isZero();
    }

    @Test
    void fixedDelayIsTheSameBeforeEveryRetry() {
      RetryPolicy policy = RetryPolicy.retries(5).fixedDelay(Duration.ofSeconds(2));

      assertThat(policy.delayNanos(1, 0.0)).isEqualTo(2 * S);
      assertThat(policy.delayNanos(2, 0.0)).isEqualTo(2 * S);
      assertThat(policy.delayNanos(5, 0.0)).isEqualTo(2 * S);
    }

    @Test
    void listGivesTheKthEntryBeforeRetryK() {
      RetryPolicy policy =
          RetryPolicy.retries(3)
              .delays(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(100));

      assertThat(policy.delayNanos(1, 0.0)).isEqualTo(1 * S);
      assertThat(policy.delayNanos(2, 0.0)).isEqualTo(10 * S);
      assertThat(policy.delayNanos(3, 0.0)).isEqualTo(100 * S);
    }

    @Test
    void listRepeatsItsLastEntryWhenThereAreMoreRetriesThanDelays() {
      RetryPolicy policy =
          RetryPolicy.retries(10).delays(List.of(Duration.ofMillis(5), Duration.ofMillis(7)));

      assertThat(policy.delayNanos(2, 0.0)).isEqualTo(7 * MS);
      assertThat(policy.delayNanos(3, 0.0)).isEqualTo(7 * MS);
      assertThat(policy.delayNanos(10, 0.0)).isEqualTo(7 * MS);
    }

    @Test
    void listIsCopiedSoLaterChangesToTheCallersListDoNotLeakIn() {
      List<Duration> delays = new ArrayList<>(List.of(Duration.ofSeconds(1)));
      RetryPolicy policy = RetryPolicy.retries(2).delays(delays);

      delays.set(0, Duration.ofSeconds(9));

      assertThat(policy.delayNanos(1, 0.0)).isEqualTo(1 * S);
    }

    @Test
    void exponentialMultipliesTheInitialDelayByTheMultiplierPerRetry() {
      RetryPolicy policy =
          RetryPolicy.retries(10)
              .exponentialBackoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(60));

      assertThat(policy.delayNanos(1, 0.0)).isEqualTo(100 * MS);
      assertThat(policy.delayNanos(2, 0.0)).isEqualTo(200 * MS);
      assertThat(policy.delayNanos(3, 0.0)).isEqualTo(400 * MS);
      assertThat(policy.delayNanos(4, 0.0)).isEqualTo(800 * MS);
    }

    @Test
    void exponentialWithAFractionalMultiplier() {
      RetryPolicy policy =
          RetryPolicy.retries(10)
              .exponentialBackoff(Duration.ofMillis(100), 1.5, Duration.ofSeconds(60));

      assertThat(policy.delayNanos(2, 0.0)).isEqualTo(150 * MS);
      assertThat(policy.delayNanos(3, 0.0)).isEqualTo(225 * MS);
    }

    @Test
    void exponentialIsCappedAtTheMaximum() {
      RetryPolicy policy =
          RetryPolicy.retries(100)
              .exponentialBackoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1));

      assertThat(policy.delayNanos(4, 0.0)).isEqualTo(800 * MS);
      assertThat(policy.delayNanos(5, 0.0)).isEqualTo(1 * S);
      assertThat(policy.delayNanos(6, 0.0)).isEqualTo(1 * S);
      // multiplier^(k-1) overflows a double long before k reaches this
      assertThat(policy.delayNanos(100_000, 0.0)).isEqualTo(1 * S);
    }

    @Test
    void exponentialWithMultiplierOneIsConstant() {
      RetryPolicy policy =
          RetryPolicy.retries(3)
              .exponentialBackoff(Duration.ofMillis(30), 1.0, Duration.ofMillis(30));

      assertThat(policy.delayNanos(1, 0.0)).isEqualTo(30 * MS);
      assertThat(policy.delayNanos(3, 0.0)).isEqualTo(30 * MS);
    }

    @Test
    void theLastBackoffGivenReplacesEarlierOnes() {
      RetryPolicy policy =
          RetryPolicy.retries(3)
              .fixedDelay(Duration.ofSeconds(7))
              .exponentialBackoff(Duration.ofMillis(10), 3.0, Duration.ofSeconds(1))
              .delays(Duration.ofMillis(1), Duration.ofMillis(2));

      assertThat(policy.delayNanos(1, 0.0)).isEqualTo(1 * MS);
      assertThat(policy.delayNanos(3, 0.0)).isEqualTo(2 * MS);
    }

    @Test
    void delayIsDelayNanosAsADuration() {
      RetryPolicy policy = RetryPolicy.retries(2).fixedDelay(Duration.ofMillis(250)).jitter(1.0);

      assertThat(policy.delay(1, 0.0)).isEqualTo(Duration.ofMillis(250));
      assertThat(policy.delay(1, 0.5)).isEqualTo(Duration.ofNanos(policy.delayNanos(1, 0.5)));
    }
  }

  @Nested
  class Jitter {
    private final RetryPolicy policy =
        RetryPolicy.retries(3).fixedDelay(Duration.ofSeconds(1)).jitter(0.5);

    @Test
    void uniformZeroLeavesTheDelayUnchanged() {
      assertThat(policy.delayNanos(1, 0.0)).isEqualTo(1 * S);
    }

    @Test
    void uniformHalfStretchesByOnePlusJitterTimesHalf() {
      // 1 s x (1 + 0.5 x 0.5)
      assertThat(policy.delayNanos(1, 0.5)).isEqualTo(1_250 * MS);
    }

    @Test
    void uniformNearOneStretchesAlmostByOnePlusJitter() {
      // 1 s x (1 + 0.5 x 0.999) = 1.4995 s; allow for the last bit of double rounding
      assertThat(policy.delayNanos(1, 0.999)).isCloseTo(1_499_500_000L, within(1L));
    }

    @Test
    void jitterAppliesToListAndExponentialDelaysToo() {
      RetryPolicy list = RetryPolicy.retries(3).delays(Duration.ofMillis(100)).jitter(1.0);
      RetryPolicy exponential =
          RetryPolicy.retries(3)
              .exponentialBackoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1))
              .jitter(1.0);

      assertThat(list.delayNanos(2, 0.5)).isEqualTo(150 * MS);
      assertThat(exponential.delayNanos(2, 0.5)).isEqualTo(300 * MS);
    }

    @Test
    void jitterStretchesAfterTheCapSoTheWaitMayExceedTheMaximum() {
      RetryPolicy capped =
          RetryPolicy.retries(20)
              .exponentialBackoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1))
              .jitter(1.0);

      assertThat(capped.delayNanos(20, 0.5)).isEqualTo(1_500 * MS);
    }

    @Test
    void jitterIsKeptWhenTheBackoffIsSetAfterIt() {
      RetryPolicy jitterFirst =
          RetryPolicy.retries(3).jitter(0.5).fixedDelay(Duration.ofSeconds(1));

      assertThat(jitterFirst.jitter()).isEqualTo(0.5);
      assertThat(jitterFirst.delayNanos(1, 0.5)).isEqualTo(1_250 * MS);
    }

    @Test
    void zeroJitterMeansExactDelays() {
      RetryPolicy exact = RetryPolicy.retries(3).fixedDelay(Duration.ofSeconds(1));

      assertThat(exact.jitter()).isZero();
      assertThat(exact.delayNanos(1, 0.999)).isEqualTo(1 * S);
    }
  }

  @Nested
  class ShouldRetry {
    private final RuntimeException error = new IllegalStateException("flaky");

    @Test
    void retriesUpToTheRetryCount() {
      RetryPolicy policy = RetryPolicy.retries(2);

      assertThat(policy.retries()).isEqualTo(2);
      assertThat(policy.shouldRetry(1, error)).isTrue();
      assertThat(policy.shouldRetry(2, error)).isTrue();
      assertThat(policy.shouldRetry(3, error)).isFalse();
      assertThat(policy.shouldRetry(4, error)).isFalse();
    }

    @Test
    void noneNeverRetries() {
      assertThat(RetryPolicy.none().retries()).isZero();
      assertThat(RetryPolicy.none().shouldRetry(1, error)).isFalse();
    }

    @Test
    void zeroRetriesNeverRetries() {
      assertThat(RetryPolicy.retries(0).shouldRetry(1, error)).isFalse();
    }

    @Test
    void aRetryableCountDoesNotHelpAnErrorThatDoesNotQualify() {
      RetryPolicy policy = RetryPolicy.retries(5).abortOn(IllegalStateException.class);

      assertThat(policy.shouldRetry(1, error)).isFalse();
    }
  }

  @Nested
  class WhichErrorsAreRetried {
    @Test
    void everyExceptionIsRetriedByDefault() {
      RetryPolicy policy = RetryPolicy.retries(3);

      assertThat(policy.isRetryable(new IllegalStateException())).isTrue();
      assertThat(policy.isRetryable(new IOException())).isTrue();
      assertThat(policy.isRetryable(new Exception("checked"))).isTrue();
    }

    @Test
    void nonRetryableExceptionIsNeverRetried() {
      RetryPolicy policy = RetryPolicy.retries(3);

      assertThat(policy.isRetryable(new NonRetryableException("bad input"))).isFalse();
      assertThat(policy.shouldRetry(1, new NonRetryableException("bad input"))).isFalse();
    }

    @Test
    void nonRetryableExceptionIsNeverRetriedEvenWhenRetryOnMatchesIt() {
      RetryPolicy byType =
          RetryPolicy.retries(3).retryOn(NonRetryableException.class, RuntimeException.class);
      RetryPolicy byPredicate = RetryPolicy.retries(3).retryOn(t -> true);

      assertThat(byType.isRetryable(new NonRetryableException("x"))).isFalse();
      assertThat(byPredicate.isRetryable(new NonRetryableException("x"))).isFalse();
    }

    @Test
    void subclassesOfNonRetryableExceptionAreNeverRetried() {
      class BadInput extends NonRetryableException {
        BadInput() {
          super("bad");
        }
      }

      assertThat(RetryPolicy.retries(3).isRetryable(new BadInput())).isFalse();
    }

    @Test
    void abortOnByTypeIsNotRetriedIncludingSubclasses() {
      RetryPolicy policy = RetryPolicy.retries(3).abortOn(IOException.class);

      assertThat(policy.isRetryable(new IOException())).isFalse();
      assertThat(policy.isRetryable(new FileNotFoundException())).isFalse();
      assertThat(policy.isRetryable(new IllegalStateException())).isTrue();
    }

    @Test
    void abortOnByPredicate() {
      RetryPolicy policy =
          RetryPolicy.retries(3).abortOn(t -> String.valueOf(t.getMessage()).contains("403"));

      assertThat(policy.isRetryable(new IOException("HTTP 403"))).isFalse();
      assertThat(policy.isRetryable(new IOException("HTTP 503"))).isTrue();
    }

    @Test
    void abortOnWinsOverRetryOn() {
      RetryPolicy policy =
          RetryPolicy.retries(3).retryOn(IOException.class).abortOn(FileNotFoundException.class);

      assertThat(policy.isRetryable(new IOException())).isTrue();
      assertThat(policy.isRetryable(new FileNotFoundException())).isFalse();
    }

    @Test
    void abortOnWinsOverRetryOnWhateverTheOrderTheyWereGiven() {
      RetryPolicy policy =
          RetryPolicy.retries(3).abortOn(FileNotFoundException.class).retryOn(IOException.class);

      assertThat(policy.isRetryable(new FileNotFoundException())).isFalse();
    }

    @Test
    void errorsAreNotRetriedByDefault() {
      RetryPolicy policy = RetryPolicy.retries(3);

      assertThat(policy.isRetryable(new OutOfMemoryError("Java heap space"))).isFalse();
      assertThat(policy.isRetryable(new StackOverflowError())).isFalse();
      assertThat(policy.shouldRetry(1, new StackOverflowError())).isFalse();
    }

    @Test
    void errorsAreNotRetriedWhenRetryOnNamesOnlyExceptions() {
      RetryPolicy policy = RetryPolicy.retries(3).retryOn(IOException.class);

      assertThat(policy.isRetryable(new OutOfMemoryError())).isFalse();
    }

    @Test
    void anErrorIsRetriedWhenRetryOnNamesIt() {
      RetryPolicy policy = RetryPolicy.retries(3).retryOn(StackOverflowError.class);

      assertThat(policy.isRetryable(new StackOverflowError())).isTrue();
      assertThat(policy.isRetryable(new OutOfMemoryError())).isFalse();
    }

    @Test
    void anErrorIsRetriedWhenARetryOnPredicateMatchesIt() {
      RetryPolicy policy = RetryPolicy.retries(3).retryOn(t -> t instanceof OutOfMemoryError);

      assertThat(policy.isRetryable(new OutOfMemoryError())).isTrue();
      assertThat(policy.isRetryable(new StackOverflowError())).isFalse();
    }

    @Test
    void abortOnWinsOverRetryOnForErrorsToo() {
      RetryPolicy policy =
          RetryPolicy.retries(3).retryOn(Error.class).abortOn(OutOfMemoryError.class);

      assertThat(policy.isRetryable(new StackOverflowError())).isTrue();
      assertThat(policy.isRetryable(new OutOfMemoryError())).isFalse();
    }

    @Test
    void retryOnByTypeRetriesOnlyMatchesAndTheirSubclasses() {
      RetryPolicy policy = RetryPolicy.retries(3).retryOn(IOException.class);

      assertThat(policy.isRetryable(new IOException())).isTrue();
      assertThat(policy.isRetryable(new FileNotFoundException())).isTrue();
      assertThat(policy.isRetryable(new IllegalStateException())).isFalse();
      assertThat(policy.isRetryable(new UncheckedIOException(new IOException()))).isFalse();
    }

    @Test
    void retryOnByPredicateRetriesOnlyWhatItAccepts() {
      RetryPolicy policy =
          RetryPolicy.retries(3).retryOn(t -> String.valueOf(t.getMessage()).contains("503"));

      assertThat(policy.isRetryable(new IllegalStateException("HTTP 503"))).isTrue();
      assertThat(policy.isRetryable(new IllegalStateException("HTTP 400"))).isFalse();
    }

    @Test
    void retryOnRulesAccumulate() {
      RetryPolicy policy =
          RetryPolicy.retries(3)
              .retryOn(IOException.class)
              .retryOn(TimeoutException.class)
              .retryOn(t -> t instanceof IllegalStateException);

      assertThat(policy.isRetryable(new IOException())).isTrue();
      assertThat(policy.isRetryable(new TimeoutException())).isTrue();
      assertThat(policy.isRetryable(new IllegalStateException())).isTrue();
      assertThat(policy.isRetryable(new IllegalArgumentException())).isFalse();
    }

    @Test
    void aCrashedAttemptIsTreatedLikeAnyOtherException() {
      AttemptCrashedException crash = new AttemptCrashedException("worker 3 died");

      assertThat(RetryPolicy.retries(3).isRetryable(crash)).isTrue();
      assertThat(RetryPolicy.retries(3).retryOn(IOException.class).isRetryable(crash)).isFalse();
      assertThat(RetryPolicy.retries(3).abortOn(AttemptCrashedException.class).isRetryable(crash))
          .isFalse();
    }

    @Test
    void abortOnRulesAccumulate() {
      RetryPolicy policy =
          RetryPolicy.retries(3)
              .abortOn(IllegalArgumentException.class)
              .abortOn(t -> t instanceof IllegalStateException);

      assertThat(policy.isRetryable(new IllegalArgumentException())).isFalse();
      assertThat(policy.isRetryable(new IllegalStateException())).isFalse();
      assertThat(policy.isRetryable(new IOException())).isTrue();
    }
  }

  @Nested
  class Validation {
    @Test
    void negativeRetries() {
      assertThatThrownBy(() -> RetryPolicy.retries(-1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("retries must be >= 0, was -1");
      assertThatThrownBy(() -> RetryPolicy.none().withRetries(-5))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("retries")
          .hasMessageContaining("-5");
    }

    @Test
    void negativeFixedDelay() {
      assertThatThrownBy(() -> RetryPolicy.retries(1).fixedDelay(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("delay must not be negative, was PT-0.001S");
    }

    @Test
    void negativeEntryOfADelayListNamesItsIndex() {
      assertThatThrownBy(
              () ->
                  RetryPolicy.retries(1)
                      .delays(Duration.ofSeconds(1), Duration.ofSeconds(-2), Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("delays[1] must not be negative, was PT-2S");
    }

    @Test
    void emptyDelayList() {
      assertThatThrownBy(() -> RetryPolicy.retries(1).delays())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("delays must name at least one delay");
      assertThatThrownBy(() -> RetryPolicy.retries(1).delays(List.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("delays must name at least one delay");
    }

    @Test
    void negativeInitialOrMaximumExponentialDelay() {
      assertThatThrownBy(
              () ->
                  RetryPolicy.retries(1)
                      .exponentialBackoff(Duration.ofSeconds(-1), 2.0, Duration.ofSeconds(1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("initial delay must not be negative, was PT-1S");
      assertThatThrownBy(
              () ->
                  RetryPolicy.retries(1)
                      .exponentialBackoff(Duration.ZERO, 2.0, Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maximum delay must not be negative, was PT-1S");
    }

    @Test
    void multiplierBelowOne() {
      assertThatThrownBy(
              () ->
                  RetryPolicy.retries(1)
                      .exponentialBackoff(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(10)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("backoff multiplier must be a finite number >= 1.0, was 0.5");
    }

    @Test
    void multiplierThatIsNotAFiniteNumber() {
      for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
        assertThatThrownBy(
                () ->
                    RetryPolicy.retries(1)
                        .exponentialBackoff(Duration.ofSeconds(1), bad, Duration.ofSeconds(10)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("backoff multiplier")
            .hasMessageContaining(String.valueOf(bad));
      }
    }

    @Test
    void maximumShorterThanInitial() {
      assertThatThrownBy(
              () ->
                  RetryPolicy.retries(1)
                      .exponentialBackoff(Duration.ofSeconds(1), 2.0, Duration.ofMillis(100)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maximum delay PT0.1S is shorter than the initial delay PT1S");
    }

    @Test
    void maximumEqualToInitialIsAllowed() {
      RetryPolicy policy =
          RetryPolicy.retries(2)
              .exponentialBackoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(1));

      assertThat(policy.delayNanos(2, 0.0)).isEqualTo(1 * S);
    }

    @Test
    void negativeJitter() {
      assertThatThrownBy(() -> RetryPolicy.retries(1).jitter(-0.1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("jitter must be a finite number >= 0, was -0.1");
    }

    @Test
    void jitterThatIsNotAFiniteNumber() {
      assertThatThrownBy(() -> RetryPolicy.retries(1).jitter(Double.NaN))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("jitter");
      assertThatThrownBy(() -> RetryPolicy.retries(1).jitter(Double.POSITIVE_INFINITY))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("jitter");
    }

    @Test
    void retryNumbersStartAtOne() {
      RetryPolicy policy = RetryPolicy.retries(3).fixedDelay(Duration.ofSeconds(1));

      assertThatThrownBy(() -> policy.delayNanos(0, 0.0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("retry numbers start at 1, was 0");
      assertThatThrownBy(() -> policy.delay(-1, 0.0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("retry numbers start at 1, was -1");
    }

    @Test
    void nullsAreRejectedNamingTheArgument() {
      RetryPolicy policy = RetryPolicy.retries(1);

      assertThatNullPointerException()
          .isThrownBy(() -> policy.fixedDelay(null))
          .withMessage("delay");
      assertThatNullPointerException()
          .isThrownBy(() -> policy.exponentialBackoff(null, 2.0, Duration.ofSeconds(1)))
          .withMessage("initial delay");
      assertThatNullPointerException()
          .isThrownBy(() -> policy.retryOn((Class<? extends Throwable>) null))
          .withMessage("exception type");
      assertThatNullPointerException()
          .isThrownBy(() -> policy.abortOn((java.util.function.Predicate<Throwable>) null))
          .withMessage("predicate");
    }
  }

  @Nested
  class Immutability {
    @Test
    void withRetriesReturnsANewPolicyAndLeavesTheOriginalUnchanged() {
      RetryPolicy original = RetryPolicy.retries(2);

      RetryPolicy more = original.withRetries(5);

      assertThat(more).isNotSameAs(original);
      assertThat(more.retries()).isEqualTo(5);
      assertThat(original.retries()).isEqualTo(2);
    }

    @Test
    void noneIsNotChangedByDerivingFromIt() {
      var unused = RetryPolicy.none().withRetries(3).fixedDelay(Duration.ofSeconds(1)).jitter(0.5);
      var unusedToo = RetryPolicy.retries(4);

      assertThat(RetryPolicy.none().retries()).isZero();
      assertThat(RetryPolicy.none().jitter()).isZero();
      assertThat(RetryPolicy.none().delayNanos(1, 0.5)).isZero();
      assertThat(RetryPolicy.none()).hasToString("RetryPolicy{retries=0}");
    }

    @Test
    void everyWithMethodLeavesTheOriginalUnchanged() {
      RetryPolicy original = RetryPolicy.retries(3).fixedDelay(Duration.ofSeconds(1));
      String before = original.toString();

      RetryPolicy[] derived = {
        original.withRetries(1),
        original.fixedDelay(Duration.ofSeconds(9)),
        original.delays(Duration.ofSeconds(9)),
        original.exponentialBackoff(Duration.ofSeconds(2), 3.0, Duration.ofSeconds(20)),
        original.jitter(0.9),
        original.retryOn(IOException.class),
        original.retryOn(t -> false),
        original.abortOn(IllegalStateException.class),
        original.abortOn(t -> true),
      };

      assertThat(derived).doesNotContain(original);
      assertThat(original).hasToString(before);
      assertThat(original.retries()).isEqualTo(3);
      assertThat(original.jitter()).isZero();
      assertThat(original.delayNanos(1, 0.9)).isEqualTo(1 * S);
      assertThat(original.isRetryable(new IllegalStateException())).isTrue();
      assertThat(original.isRetryable(new IllegalArgumentException())).isTrue();
    }

    @Test
    void derivedPoliciesKeepWhatWasNotChanged() {
      RetryPolicy policy =
          RetryPolicy.retries(3)
              .fixedDelay(Duration.ofSeconds(1))
              .jitter(0.5)
              .retryOn(IOException.class)
              .withRetries(7);

      assertThat(policy.retries()).isEqualTo(7);
      assertThat(policy.jitter()).isEqualTo(0.5);
      assertThat(policy.delayNanos(1, 0.0)).isEqualTo(1 * S);
      assertThat(policy.isRetryable(new IllegalStateException())).isFalse();
    }
  }

  @Nested
  class ToString {
    @Test
    void plainRetries() {
      assertThat(RetryPolicy.retries(3)).hasToString("RetryPolicy{retries=3}");
    }

    @Test
    void fixedDelay() {
      assertThat(RetryPolicy.retries(2).fixedDelay(Duration.ofSeconds(2)))
          .hasToString("RetryPolicy{retries=2, delay=PT2S}");
    }

    @Test
    void delayList() {
      assertThat(RetryPolicy.retries(2).delays(Duration.ofSeconds(1), Duration.ofSeconds(5)))
          .hasToString("RetryPolicy{retries=2, delays=[PT1S, PT5S]}");
    }

    @Test
    void everyPart() {
      String text =
          RetryPolicy.retries(5)
              .exponentialBackoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10))
              .jitter(0.2)
              .retryOn(IOException.class)
              .retryOn(t -> true)
              .abortOn(FileNotFoundException.class)
              .toString();

      assertThat(text)
          .isEqualTo(
              "RetryPolicy{retries=5, backoff=PT0.1S x2.0 max PT10S, jitter=0.2,"
                  + " retryOn=[java.io.IOException, a predicate],"
                  + " abortOn=[java.io.FileNotFoundException]}");
    }
  }
}
