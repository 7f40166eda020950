package dev.sluice.micrometer;

import dev.sluice.api.ConcurrencySlots;
import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.RunListener;
import dev.sluice.api.State;
import dev.sluice.api.StateType;
import dev.sluice.api.TaskRunEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The listener {@link SluiceMetrics} makes; see there for the meters. */
final class MetricsListener implements RunListener {
  private final MeterRegistry registry;
  private final TagNames flows;
  private final TagNames tasks;

  /** When each flow run in progress entered its first state. */
  private final Map<UUID, Instant> flowStarts = new ConcurrentHashMap<>();

  /** When each task run in progress started its first attempt. */
  private final Map<UUID, Instant> taskStarts = new ConcurrentHashMap<>();

  /** When each waiting task run began to wait (for a slot or a retry). */
  private final Map<UUID, Instant> waits = new ConcurrentHashMap<>();

  /** Attempts running now, per flow tag (each backs a gauge). */
  private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();

  /** The Sluices this listener is attached to; a closed and collected one drops out. */
  private final List<WeakReference<ConcurrencySlots>> attached = new CopyOnWriteArrayList<>();

  /** The tags whose free-slots gauge is registered. */
  private final Map<String, Boolean> slotGauges = new ConcurrentHashMap<>();

  MetricsListener(MeterRegistry registry, int maxFlowNames, int maxTaskNames) {
    this.registry = registry;
    this.flows = new TagNames(maxFlowNames);
    this.tasks = new TagNames(maxTaskNames);
  }

  @Override
  public void onFlowRunStateChanged(FlowRunEvent event) {
    State state = event.state();
    if (!state.isFinal()) {
      flowStarts.putIfAbsent(event.flowRunId(), event.at());
      return;
    }
    String flow = flows.tag(event.flowName());
    Counter.builder("sluice.flow.runs")
        .description("Flow runs by final state")
        .tag("flow", flow)
        .tag("state", state.name())
        .register(registry)
        .increment();
    Instant start = flowStarts.remove(event.flowRunId());
    if (start != null) {
      Timer.builder("sluice.flow.run.duration")
          .description("Flow runs from their first state to their final one")
          .tag("flow", flow)
          .tag("state", state.name())
          .register(registry)
          .record(between(start, event.at()));
    }
  }

  @Override
  public void onTaskRunStateChanged(TaskRunEvent event) {
    State previous = event.previous();
    State state = event.state();
    UUID id = event.taskRunId();
    if (previous instanceof State.AwaitingConcurrencySlot
        || previous instanceof State.AwaitingRetry) {
      Instant since = waits.remove(id);
      if (since != null) {
        timer(
                "sluice.task.wait",
                "Time task runs waited for a concurrency slot or a retry",
                event,
                "reason",
                previous instanceof State.AwaitingRetry ? "retry" : "slot")
            .record(between(since, event.at()));
      }
    }
    boolean wasRunning = previous != null && previous.type() == StateType.RUNNING;
    boolean isRunning = state.type() == StateType.RUNNING;
    if (isRunning && !wasRunning) {
      runningIn(event).incrementAndGet();
      taskStarts.putIfAbsent(id, event.at());
    } else if (wasRunning && !isRunning) {
      runningIn(event).decrementAndGet();
    }
    if (state instanceof State.AwaitingConcurrencySlot || state instanceof State.AwaitingRetry) {
      waits.put(id, event.at());
    }
    if (!state.isFinal()) {
      return;
    }
    waits.remove(id);
    Counter.builder("sluice.task.runs")
        .description("Task runs by final state")
        .tag("flow", flows.tag(event.flowName()))
        .tag("task", tasks.tag(event.stepName()))
        .tag("state", state.name())
        .register(registry)
        .increment();
    Instant start = taskStarts.remove(id);
    if (start != null) {
      timer(
              "sluice.task.run.duration",
              "Task runs from their first attempt's start to their final state",
              event,
              "state",
              state.name())
          .record(between(start, event.at()));
    }
  }

  @Override
  public void attached(ConcurrencySlots slots) {
    attached.add(new WeakReference<>(slots));
    for (String tag : slots.limits().keySet()) {
      slotGauges.computeIfAbsent(
          tag,
          t -> {
            Gauge.builder("sluice.concurrency.slots.free", this, listener -> listener.freeSlots(t))
                .description("Free concurrency slots of a limited tag")
                .tag("tag", t)
                .strongReference(true)
                .register(registry);
            return true;
          });
    }
  }

  private double freeSlots(String tag) {
    int free = 0;
    for (WeakReference<ConcurrencySlots> reference : attached) {
      ConcurrencySlots slots = reference.get();
      if (slots == null) {
        attached.remove(reference);
        continue;
      }
      Integer limit = slots.limits().get(tag);
      if (limit != null) {
        free += limit - slots.inUse().getOrDefault(tag, 0);
      }
    }
    return free;
  }

  private AtomicInteger runningIn(TaskRunEvent event) {
    return running.computeIfAbsent(
        flows.tag(event.flowName()),
        flow -> {
          AtomicInteger count = new AtomicInteger();
          Gauge.builder("sluice.task.attempts.running", count, AtomicInteger::get)
              .description("Task run attempts running now")
              .tag("flow", flow)
              .strongReference(true)
              .register(registry);
          return count;
        });
  }

  private Timer timer(
      String name, String description, TaskRunEvent event, String key, String value) {
    return Timer.builder(name)
        .description(description)
        .tag("flow", flows.tag(event.flowName()))
        .tag("task", tasks.tag(event.stepName()))
        .tag(key, value)
        .register(registry);
  }

  private static Duration between(Instant start, Instant end) {
    Duration d = Duration.between(start, end);
    return d.isNegative() ? Duration.ZERO : d;
  }

  @Override
  public String toString() {
    return "SluiceMetrics.listener(" + registry.getClass().getSimpleName() + ")";
  }
}
