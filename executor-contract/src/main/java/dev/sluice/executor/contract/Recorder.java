package dev.sluice.executor.contract;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.RunListener;
import dev.sluice.api.State;
import dev.sluice.api.TaskRunEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Records what listeners hear, and the id of each top-level flow run by flow name as soon as it
 * starts (with the local executor, {@code start} and {@code run} return only after the attempts
 * ran, so this is how a test learns the id of a run it wants to cancel).
 */
final class Recorder implements RunListener {
  final List<TaskRunEvent> taskEvents = Collections.synchronizedList(new ArrayList<>());
  final List<FlowRunEvent> flowEvents = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, CompletableFuture<UUID>> ids = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<FlowRunEvent>> ends = new ConcurrentHashMap<>();
  private final Consumer<TaskRunEvent> onTask;

  Recorder() {
    this(event -> {});
  }

  private Recorder(Consumer<TaskRunEvent> onTask) {
    this.onTask = onTask;
  }

  @Override
  public void onFlowRunStateChanged(FlowRunEvent event) {
    flowEvents.add(event);
    if (event.parentTaskRunId() == null) {
      runId(event.flowName()).complete(event.flowRunId());
      if (event.state().isFinal()) {
        end(event.flowName()).complete(event);
      }
    }
  }

  @Override
  public void onTaskRunStateChanged(TaskRunEvent event) {
    taskEvents.add(event);
    onTask.accept(event);
  }

  /**
   * A recorder that counts the probe's counter {@code slot-waits} up each time a task run awaits a
   * slot (tasks wait for that count).
   */
  static Recorder countingSlotWaits(Probe probe) {
    return new Recorder(
        event -> {
          if (event.state() instanceof State.AwaitingConcurrencySlot) {
            try {
              probe.count("slot-waits");
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        });
  }

  CompletableFuture<UUID> runId(String flowName) {
    return ids.computeIfAbsent(flowName, name -> new CompletableFuture<>());
  }

  /** The event of the top-level run of {@code flowName} entering its final state. */
  CompletableFuture<FlowRunEvent> end(String flowName) {
    return ends.computeIfAbsent(flowName, name -> new CompletableFuture<>());
  }

  /** The events of the task run called {@code taskName}, in the order they were heard. */
  List<TaskRunEvent> of(String taskName) {
    synchronized (taskEvents) {
      return taskEvents.stream().filter(e -> e.taskName().equals(taskName)).toList();
    }
  }
}
