package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.spi.TaskOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CachePolicyTest {
  @Test
  void noneIsTheDefaultAndDisabled() {
    assertThat(CachePolicy.none().enabled()).isFalse();
    assertThat(TaskOptions.DEFAULTS.cachePolicy()).isEqualTo(CachePolicy.none());
    assertThat(CachePolicy.none().toString()).isEqualTo("CachePolicy.none()");
  }

  @Test
  void policiesCombineTheirParts() {
    CachePolicy.CacheKeyFunction fn = inputs -> inputs.get("a");
    CachePolicy policy =
        CachePolicy.inputs()
            .and(CachePolicy.code())
            .and(CachePolicy.version("2"))
            .and(CachePolicy.parameters())
            .and(CachePolicy.runId())
            .and(CachePolicy.key(fn))
            .excluding("token", "client");
    assertThat(policy.enabled()).isTrue();
    assertThat(policy.includesInputs()).isTrue();
    assertThat(policy.includesCode()).isTrue();
    assertThat(policy.includesParameters()).isTrue();
    assertThat(policy.includesRunId()).isTrue();
    assertThat(policy.version()).isEqualTo("2");
    assertThat(policy.keyFunction()).isSameAs(fn);
    assertThat(policy.excluded()).containsExactlyInAnyOrder("token", "client");
    assertThat(policy.toString())
        .isEqualTo(
            "CachePolicy[inputs, version=2, code, parameters, runId, key, excluding [client,"
                + " token]]");
  }

  @Test
  void noneIsNeutralInACombination() {
    assertThat(CachePolicy.inputs().and(CachePolicy.none())).isEqualTo(CachePolicy.inputs());
    assertThat(CachePolicy.none().and(CachePolicy.code())).isEqualTo(CachePolicy.code());
  }

  @Test
  void theLaterVersionAndExpiryWinAndExclusionsAddUp() {
    CachePolicy first = CachePolicy.version("1").cacheFor(Duration.ofHours(1)).excluding("a");
    CachePolicy second =
        CachePolicy.version("2").cacheFor(Duration.ofMinutes(5)).excluding("b").refresh();
    CachePolicy both = first.and(second);
    assertThat(both.version()).isEqualTo("2");
    assertThat(both.expiry()).isEqualTo(Duration.ofMinutes(5));
    assertThat(both.excluded()).containsExactlyInAnyOrder("a", "b");
    assertThat(both.isRefresh()).isTrue();
    assertThat(first.isRefresh()).isFalse(); // immutable
  }

  @Test
  void anExpiryMustBePositive() {
    assertThatThrownBy(() -> CachePolicy.inputs().cacheFor(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
  }

  @Test
  void taskOptionsCarryThePolicyThroughEveryCopy() {
    TaskOptions options = TaskOptions.DEFAULTS.withCachePolicy(CachePolicy.inputs());
    assertThat(
            options
                .withDescription("d")
                .withTags(java.util.Set.of("t"))
                .withVersion("v")
                .withRetryPolicy(RetryPolicy.retries(2))
                .withTimeout(Duration.ofSeconds(1))
                .withAllowFailure(true)
                .withKeepResult(true)
                .cachePolicy())
        .isEqualTo(CachePolicy.inputs());
  }
}
