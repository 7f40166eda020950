package dev.sluice.executor.contract;

import dev.sluice.Flows;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The entrypoint of the contract's flows: every flow names this class, so an executor that runs
 * attempts in another process rebuilds them from it and finds the task by name, as any user's flow.
 * The flows themselves sit beside the tester that runs them, one class per topic ({@code
 * RetryFlows} beside {@code RetryTester}); this class lists them all, and holds the task bodies
 * several topics share.
 *
 * <p>Tasks see nothing of the test's memory: they report through the {@link Probe} they get as the
 * flow parameter {@code probe}, and what differs between tests travels as flow parameters. Flows
 * whose shape depends on the executor under test are {@link FlowFamily flow families}. Hooks run
 * where the run is, so a test adds its own to a flow built with the same steps.
 */
public final class ContractFlows implements FlowProvider {

  /** For workers, which create the entrypoint from its class name; the flows are static. */
  public ContractFlows() {}

  @Override
  public List<Flow<?>> flows() {
    List<Flow<?>> flows = new ArrayList<>();
    flows.addAll(DependencyFlows.flows());
    flows.addAll(WideFanOutFlows.flows());
    flows.addAll(ParallelismFlows.flows());
    flows.addAll(NestedRunFlows.flows());
    flows.addAll(FailureFlows.flows());
    flows.addAll(FinalStateFlows.flows());
    flows.addAll(RetryFlows.flows());
    flows.addAll(TimeoutFlows.flows());
    flows.addAll(CancellationFlows.flows());
    flows.addAll(ConcurrencyLimitFlows.flows());
    flows.addAll(ListenerFlows.flows());
    flows.addAll(MapStepFlows.flows());
    flows.addAll(SubflowFlows.flows());
    return flows;
  }

  /** The definition of a contract flow called {@code name}, naming this entrypoint. */
  static Flows.Definition named(String name) {
    return Flows.named(name).entrypoint(ContractFlows.class);
  }

  // ---- task bodies several topics use

  /** Gives a task body busy time, so that attempts which may overlap get the chance to. */
  static void work() throws InterruptedException {
    Thread.sleep(3);
  }

  /** Does {@link #work()} counted in each of {@code gauges}. */
  static void gaugedWork(Probe probe, String... gauges) throws IOException, InterruptedException {
    for (String gauge : gauges) {
      probe.enter(gauge);
    }
    try {
      work();
    } finally {
      for (String gauge : gauges) {
        probe.exit(gauge);
      }
    }
  }

  /** Records that the task {@code name} ran, and returns {@code upstream} with its name added. */
  static String ran(Probe probe, String name, String upstream) throws IOException {
    probe.ran(name);
    return upstream + name;
  }

  /** A task body that ignores interrupts until the probe's flag {@code release} is set. */
  static void stubbornlyAwaitRelease(Probe probe) throws IOException {
    probe.count("stubborn-started");
    while (!probe.isSet("release")) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException ignored) {
        // ignores interrupts on purpose
      }
    }
  }
}
