package dev.sluice.executor.subprocess;

import dev.sluice.Flows;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowProvider;
import java.util.List;

/** An entrypoint named on its flow, not registered for ServiceLoader. */
public final class NamedFlows implements FlowProvider {
  static final Flow<String> NAMED =
      Flows.named("sub-named")
          .entrypoint(NamedFlows.class)
          .returning(
              f -> f.task("hello", () -> "hello from " + System.getProperty("sluice.worker")));

  /** A sub-flow with no entrypoint of its own: found through its parent's. */
  static final Flow<Integer> INNER =
      Flows.named("sub-named-inner").returning(f -> f.task("seven", () -> 7));

  static final Flow<Integer> OUTER =
      Flows.named("sub-named-outer")
          .entrypoint(NamedFlows.class)
          .returning(
              f -> {
                var inner = f.subflow("inner", INNER);
                return f.task("times-six", inner, x -> x * 6);
              });

  @Override
  public List<Flow<?>> flows() {
    return List.of(NAMED, OUTER);
  }
}
