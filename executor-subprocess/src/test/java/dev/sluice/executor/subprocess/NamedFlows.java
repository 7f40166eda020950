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

  @Override
  public List<Flow<?>> flows() {
    return List.of(NAMED);
  }
}
