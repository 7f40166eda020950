package dev.sluice.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.Flow;
import dev.sluice.api.FlowProvider;
import dev.sluice.api.spi.FlowOptions;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.SubflowStep;
import dev.sluice.api.spi.TaskOptions;
import dev.sluice.api.spi.TaskStep;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Finding the provider that rebuilds a flow, by its name, through sub-flows and ServiceLoader. */
class EntrypointsTest {
  private static final String WHO = "the test's workers";

  private final Entrypoints entrypoints =
      new Entrypoints(EntrypointsTest.class.getClassLoader(), WHO);

  private static Flow<Object> flow(String name, FlowOptions options, Step<?>... steps) {
    return Flow.of(name, options, List.of(), List.of(steps), null);
  }

  private static TaskStep<Object> task(String name) {
    return new TaskStep<>(
        name, Object.class, TaskOptions.DEFAULTS, List.of(), List.of(), null, args -> 1);
  }

  /** A child flow with no entrypoint of its own: found through its parent's. */
  static final Flow<Object> INNER = flow("inner", FlowOptions.DEFAULTS, task("work"));

  static final Flow<Object> OUTER =
      flow(
          "outer",
          FlowOptions.DEFAULTS.withEntrypoint(Outer.class),
          task("first"),
          new SubflowStep<>(
              "child", INNER, Map.of(), Map.of(), TaskOptions.DEFAULTS, List.of(), null));

  /** Names itself on its flow. */
  public static final class Outer implements FlowProvider {
    @Override
    public List<Flow<?>> flows() {
      return List.of(OUTER);
    }
  }

  static final Flow<Object> LISTED = flow("listed", FlowOptions.DEFAULTS, task("work"));

  /** Registered for ServiceLoader in this module's test resources. */
  public static final class Registered implements FlowProvider {
    @Override
    public List<Flow<?>> flows() {
      return List.of(LISTED);
    }
  }

  public static final class NoDefaultConstructor implements FlowProvider {
    public NoDefaultConstructor(String unused) {}

    @Override
    public List<Flow<?>> flows() {
      return List.of();
    }
  }

  @Test
  void aFlowNamingItsEntrypointResolvesToIt() {
    assertThat(entrypoints.resolve(OUTER, "")).isEqualTo(Outer.class.getName());
  }

  @Test
  void aSubFlowIsFoundThroughItsParentsEntrypoint() {
    assertThat(entrypoints.resolve(INNER, Outer.class.getName())).isEqualTo(Outer.class.getName());
    assertThat(Entrypoints.find(entrypoints.provider(Outer.class.getName()), "inner"))
        .containsSame(INNER);
    assertThat(Entrypoints.find(new Outer(), "nothing")).isEmpty();
  }

  @Test
  void aFlowWithoutEntrypointIsFoundThroughServiceLoader() {
    assertThat(entrypoints.resolve(LISTED, "")).isEqualTo(Registered.class.getName());
    assertThat(entrypoints.provider(Registered.class.getName())).isInstanceOf(Registered.class);
  }

  @Test
  void aFlowNoProviderHasFailsSayingHowToAddOne() {
    Flow<Object> inline = flow("inline", FlowOptions.DEFAULTS, task("work"));

    assertThatThrownBy(() -> entrypoints.resolve(inline, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flow 'inline' has no entrypoint, so " + WHO + " cannot rebuild it")
        .hasMessageContaining("Keep the flow in a static field of the class that defines it")
        .hasMessageContaining("dev.sluice.api.FlowProvider")
        .hasMessageContaining("Flows.named(\"inline\").entrypoint(MyFlows.class)");
  }

  @Test
  void aNamedEntrypointThatDoesNotProvideTheFlowIsReported() {
    Flow<Object> stray =
        flow("stray", FlowOptions.DEFAULTS.withEntrypoint(Outer.class), task("work"));

    assertThatThrownBy(() -> entrypoints.resolve(stray, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flow 'stray' names the entrypoint " + Outer.class.getName())
        .hasMessageContaining("has no flow called 'stray' (it has [outer])");
  }

  @Test
  void aProviderIsCreatedOnceAndABadOneIsExplained() {
    assertThat(entrypoints.provider(Outer.class.getName()))
        .isSameAs(entrypoints.provider(Outer.class.getName()));
    assertThatThrownBy(() -> entrypoints.provider("com.example.Missing"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("entrypoint class com.example.Missing is not on the classpath");
    assertThatThrownBy(() -> entrypoints.provider(String.class.getName()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "entrypoint java.lang.String does not implement dev.sluice.api.FlowProvider and holds"
                + " no flow in a static field");
    assertThatThrownBy(() -> entrypoints.provider(NoDefaultConstructor.class.getName()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a public no-argument constructor");
  }

  /** Holds its flows in static fields and implements nothing, as a class defining flows does. */
  static final class Definer {
    private static final Flow<Object> KEPT =
        flow(
            "kept",
            FlowOptions.DEFAULTS.withDefinedIn(Definer.class),
            task("work"),
            new SubflowStep<>(
                "child", INNER, Map.of(), Map.of(), TaskOptions.DEFAULTS, List.of(), null));

    static Flow<Object> kept() {
      return KEPT;
    }
  }

  @Test
  void aFlowKeptInAStaticFieldOfTheClassThatDefinedItIsFoundThere() {
    assertThat(entrypoints.resolve(Definer.kept(), "")).isEqualTo(Definer.class.getName());
    FlowProvider provider = entrypoints.provider(Definer.class.getName());
    assertThat(Entrypoints.find(provider, "kept")).containsSame(Definer.kept());
    assertThat(Entrypoints.find(provider, "inner")).containsSame(INNER);
    // a sub-flow is found through it as through a provider
    assertThat(entrypoints.resolve(INNER, Definer.class.getName()))
        .isEqualTo(Definer.class.getName());
  }

  @Test
  void aFlowDefinedInAMethodOfAClassIsNotFoundThereAndTheUsualAdviceIsGiven() {
    Flow<Object> local =
        flow("local", FlowOptions.DEFAULTS.withDefinedIn(Definer.class), task("work"));
    Flow<Object> nowhere =
        flow("nowhere", FlowOptions.DEFAULTS.withDefinedIn(String.class), task("work"));

    for (Flow<Object> flow : List.of(local, nowhere)) {
      assertThatThrownBy(() -> entrypoints.resolve(flow, ""))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("flow '" + flow.name() + "' has no entrypoint");
    }
  }
}
