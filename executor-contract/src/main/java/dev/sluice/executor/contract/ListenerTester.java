package dev.sluice.executor.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import dev.sluice.api.TaskRun;
import dev.sluice.api.TaskRunEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hooks and listeners: what they are told, how often and in what order.
 *
 * <p>Its flows are in {@link ListenerFlows}.
 */
abstract class ListenerTester extends ContractTester {

  ListenerTester(ExecutorContractSuite suite) {
    super(suite);
  }

  /**
   * A flow's hooks are called once, with the finished run: onCompletion when it completed,
   * onFailure when it failed; the run they get is the one {@code run} returns. (Hooks run where the
   * run is, never in a worker.)
   */
  @Test
  void hooksAreCalledOnceWithTheFinishedRun() {
    List<FlowRun> completions = Collections.synchronizedList(new ArrayList<>());
    List<FlowRun> failures = Collections.synchronizedList(new ArrayList<>());
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Flow<Void> ok =
        ListenerFlows.hookedOk(
            r -> {
              completions.add(r);
              seen.add(
                  r.state().name()
                      + " "
                      + r.taskRuns().stream().allMatch(t -> t.state().isFinal()));
            },
            failures::add);
    Flow<Void> bad =
        ListenerFlows.hookedBad(
            completions::add,
            r -> {
              failures.add(r);
              seen.add(r.state().name() + " " + task(r, "boom").state().name());
            });
    Sluice sluice = open();

    FlowRun completed = sluice.run(ok);
    FlowRun failed = sluice.run(bad);

    assertThat(completions).singleElement().isSameAs(completed);
    assertThat(failures).singleElement().isSameAs(failed);
    assertThat(seen).containsExactly("Completed true", "Failed Failed");
  }

  /**
   * Listeners hear every transition of each task run, in order — Pending, Running, Completed; with
   * a retry AwaitingRetry and Retrying between — matching its history; a task made ready by another
   * is heard running only after that one completed; the flow's transitions are heard too.
   */
  @Test
  void listenersHearEveryTransitionOfEachTaskInOrder() {
    Recorder recorder = new Recorder();
    Sluice sluice = open(b -> b.listener(recorder));

    FlowRun run = sluice.run(ListenerFlows.HEARD, probed());

    assertThat(run.state()).isEqualTo(State.COMPLETED);
    assertThat(recorder.of("a"))
        .extracting(e -> e.state().name() + " #" + e.attempt())
        .containsExactly(
            "Pending #0", "Running #1", "AwaitingRetry #1", "Retrying #2", "Completed #2");
    for (String name : List.of("b", "c")) {
      assertThat(recorder.of(name))
          .extracting(e -> e.state().name() + " #" + e.attempt())
          .as(name)
          .containsExactly("Pending #0", "Running #1", "Completed #1");
    }
    for (TaskRun t : run.taskRuns()) {
      List<TaskRunEvent> heard = recorder.of(t.name());
      assertThat(heard)
          .extracting(TaskRunEvent::state)
          .as(t.name())
          .containsExactlyElementsOf(t.history().stream().map(c -> c.state()).toList());
      assertThat(heard).allSatisfy(e -> assertThat(e.taskRunId()).isEqualTo(t.id()));
      assertThat(heard).allSatisfy(e -> assertThat(e.flowRunId()).isEqualTo(run.id()));
      assertThat(heard.get(0).previous()).isNull();
      for (int i = 1; i < heard.size(); i++) {
        assertThat(heard.get(i).previous()).as(t.name()).isEqualTo(heard.get(i - 1).state());
      }
    }
    List<String> order;
    synchronized (recorder.taskEvents) {
      order =
          recorder.taskEvents.stream()
              .filter(e -> !e.taskName().equals("c"))
              .map(e -> e.taskName() + " " + e.state().name())
              .toList();
    }
    assertThat(order).containsSubsequence("a Completed", "b Running");
    assertThat(recorder.flowEvents)
        .extracting(e -> e.state().name())
        .containsExactly("Running", "Completed");
  }
}
