package dev.sluice.executor.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import org.junit.jupiter.api.Test;

/**
 * Sub-flows: a sub-flow step runs its child as a flow run of its own, linked to the step.
 *
 * <p>Its flows are in {@link SubflowFlows}.
 */
abstract class SubflowTester extends ContractTester {

  SubflowTester(ExecutorContractSuite suite) {
    super(suite);
  }

  /**
   * A sub-flow step runs the child flow as its own flow run, linked to the step's task run, and the
   * child's result flows on in the parent.
   */
  @Test
  void aSubflowRunIsItsOwnFlowRunLinkedToItsParentStep() {
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.listener(recorder));

    FlowRun run = sluice.run(SubflowFlows.PARENT);

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(run.result()).isEqualTo(410);
    assertThat(run.parentTaskRunId()).isEmpty();
    TaskRun step = task(run, "run-child");
    assertThat(step.state()).isEqualTo(State.COMPLETED);
    FlowRun childRun = step.subflowRun().orElseThrow();
    assertThat(childRun.flowName()).isEqualTo("child");
    assertThat(childRun.id()).isNotEqualTo(run.id());
    assertThat(childRun.parentTaskRunId()).contains(step.id());
    assertThat(childRun.parameters()).containsEntry("n", 20);
    assertThat(childRun.state()).isEqualTo(State.COMPLETED);
    assertThat(childRun.taskRuns())
        .allSatisfy(
            t -> {
              assertThat(t.state()).isEqualTo(State.COMPLETED);
              assertThat(t.flowRunId()).isEqualTo(childRun.id());
            });
    assertThat(recorder.flowEvents)
        .filteredOn(e -> e.flowName().equals("child"))
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(e.flowRunId()).isEqualTo(childRun.id());
              assertThat(e.parentTaskRunId()).isEqualTo(step.id());
            });
  }
}
