package dev.sluice.api;

import java.util.List;

/**
 * The entrypoint of flows that run outside the JVM that defined them: a worker process (the
 * subprocess executor) or another machine rebuilds the flow from it, looks the task up by name and
 * runs its body there. No lambda or Java-serialized object crosses the process boundary; only the
 * names of the flow and the task, and the inputs as JSON.
 *
 * <p>Implementations need a public no-argument constructor. Register one for {@link
 * java.util.ServiceLoader} ({@code @AutoService(FlowProvider.class)}, or a line in {@code
 * META-INF/services/dev.sluice.api.FlowProvider}), or name it on the flow with {@code
 * Flows.named("etl").entrypoint(EtlFlows.class)}.
 *
 * {@snippet :
 * public final class EtlFlows implements FlowProvider {
 *   public static final Flow<Void> ETL = Flows.named("etl").entrypoint(EtlFlows.class).define(f -> {
 *     var rows = f.task("extract", Extract::rows);
 *     f.task("load", rows, Load::rows);
 *   });
 *
 *   @Override
 *   public List<Flow<?>> flows() {
 *     return List.of(ETL);
 *   }
 * }
 * }
 *
 * <p>The flows must be built the same way in every JVM: same names, steps and types. A flow's
 * sub-flows are found through it, so they need not be listed.
 */
public interface FlowProvider {
  /** The flows this entrypoint provides. Called once per JVM that needs them. */
  List<Flow<?>> flows();
}
