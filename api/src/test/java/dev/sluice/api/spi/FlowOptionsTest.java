package dev.sluice.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowHook;
import dev.sluice.api.FlowProvider;
import dev.sluice.api.RetryPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlowOptionsTest {

  private final FlowHook first = run -> {};
  private final FlowHook second = run -> {};

  @Test
  void defaults() {
    FlowOptions d = FlowOptions.DEFAULTS;

    assertThat(d.description()).isEmpty();
    assertThat(d.version()).isEmpty();
    assertThat(d.tags()).isEmpty();
    assertThat(d.retryPolicy()).isSameAs(RetryPolicy.none());
    assertThat(d.onCompletion()).isEmpty();
    assertThat(d.onFailure()).isEmpty();
  }

  @Test
  void withMethodsReturnCopiesChangingOnePart() {
    RetryPolicy retries = RetryPolicy.retries(1);
    FlowOptions options =
        FlowOptions.DEFAULTS
            .withDescription("nightly load")
            .withVersion("1.2")
            .withTags(Set.of("etl"))
            .withRetryPolicy(retries);

    assertThat(options)
        .isEqualTo(
            new FlowOptions("nightly load", "1.2", Set.of("etl"), retries, List.of(), List.of()));
  }

  @Test
  void withMethodsLeaveTheOriginalUnchanged() {
    FlowOptions original = FlowOptions.DEFAULTS.withDescription("d").withOnFailure(first);

    FlowOptions copy = original.withDescription("other").withVersion("9").withOnFailure(second);

    assertThat(copy).isNotSameAs(original);
    assertThat(original.description()).isEqualTo("d");
    assertThat(original.version()).isEmpty();
    assertThat(original.onFailure()).containsExactly(first);
    assertThat(FlowOptions.DEFAULTS.onFailure()).isEmpty();
  }

  @Test
  void hooksAreAppendedInOrder() {
    FlowOptions options =
        FlowOptions.DEFAULTS
            .withOnCompletion(first)
            .withOnCompletion(second)
            .withOnFailure(second)
            .withOnFailure(first);

    assertThat(options.onCompletion()).containsExactly(first, second);
    assertThat(options.onFailure()).containsExactly(second, first);
  }

  @Test
  void nullHooksAreRejected() {
    assertThatNullPointerException()
        .isThrownBy(() -> FlowOptions.DEFAULTS.withOnCompletion(null))
        .withMessage("hook");
    assertThatNullPointerException()
        .isThrownBy(() -> FlowOptions.DEFAULTS.withOnFailure(null))
        .withMessage("hook");
  }

  @Test
  void collectionsAreCopiedAndImmutable() {
    Set<String> tags = new HashSet<>(Set.of("etl"));
    List<FlowHook> hooks = new ArrayList<>(List.of(first));
    FlowOptions options = new FlowOptions("", "", tags, RetryPolicy.none(), hooks, List.of(first));

    tags.add("more");
    hooks.add(second);

    assertThat(options.tags()).containsExactly("etl");
    assertThat(options.onCompletion()).containsExactly(first);
    assertThatThrownBy(() -> options.tags().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> options.onCompletion().add(second))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> options.withOnFailure(second).onFailure().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void requiredPartsMustNotBeNull() {
    assertThatNullPointerException()
        .isThrownBy(() -> FlowOptions.DEFAULTS.withDescription(null))
        .withMessage("description");
    assertThatNullPointerException()
        .isThrownBy(() -> FlowOptions.DEFAULTS.withVersion(null))
        .withMessage("version");
    assertThatNullPointerException()
        .isThrownBy(() -> FlowOptions.DEFAULTS.withRetryPolicy(null))
        .withMessage("retryPolicy");
  }

  /** A provider for the entrypoint test. */
  static final class Entry implements FlowProvider {
    @Override
    public List<Flow<?>> flows() {
      return List.of();
    }
  }

  @Test
  void theEntrypointIsTheProvidersClassNameAndOtherCopiesKeepIt() {
    FlowOptions options = FlowOptions.DEFAULTS.withEntrypoint(Entry.class);

    assertThat(FlowOptions.DEFAULTS.entrypoint()).isEmpty();
    assertThat(options.entrypoint()).isEqualTo(Entry.class.getName());
    assertThat(
            options
                .withDescription("d")
                .withVersion("1")
                .withTags(Set.of("t"))
                .withRetryPolicy(RetryPolicy.retries(1))
                .withOnCompletion(run -> {})
                .withOnFailure(run -> {})
                .entrypoint())
        .isEqualTo(Entry.class.getName());
    assertThat(
            new FlowOptions("", "", Set.of(), RetryPolicy.none(), List.of(), List.of())
                .entrypoint())
        .isEmpty();
  }

  @Test
  void theDefiningClassIsRecordedByNameAndOtherCopiesKeepIt() {
    FlowOptions options = FlowOptions.DEFAULTS.withDefinedIn(FlowOptionsTest.class);

    assertThat(FlowOptions.DEFAULTS.definedIn()).isEmpty();
    assertThat(options.definedIn()).isEqualTo(FlowOptionsTest.class.getName());
    assertThat(
            options
                .withEntrypoint(Entry.class)
                .withDescription("d")
                .withOnFailure(run -> {})
                .definedIn())
        .isEqualTo(FlowOptionsTest.class.getName());
    assertThat(options.withEntrypoint(Entry.class).entrypoint()).isEqualTo(Entry.class.getName());
  }
}
