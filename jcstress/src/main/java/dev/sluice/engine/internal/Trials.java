package dev.sluice.engine.internal;

import dev.sluice.api.Flow;
import dev.sluice.api.RunOptions;
import dev.sluice.api.executor.Attempt;
import dev.sluice.api.executor.TaskExecutor;
import dev.sluice.api.spi.FlowOptions;
import dev.sluice.api.spi.Step;
import dev.sluice.api.spi.TaskBody;
import dev.sluice.api.spi.TaskOptions;
import dev.sluice.api.spi.TaskStep;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The real engine objects a jcstress trial races on: an {@link Engine} per trial (its own executor,
 * concurrency limits and active runs), sharing one timer and one cache with every other trial of
 * the JVM, so a trial starts no thread.
 */
final class Trials {
  private static final EngineConfiguration CONFIGURATION =
      new EngineConfiguration(
          null, new Handed(), List.of(), false, InstantSource.system(), Map.of(), false);

  /** The parts every trial shares: the timer's thread and the (unused) cache. */
  private static final Engine SHARED = EngineComponent.create(CONFIGURATION).engine();

  private static final Listeners NO_LISTENERS = new Listeners(List.of());

  private Trials() {}

  /** An engine running attempts on {@code executor}, with these concurrency limits by tag. */
  static Engine engine(TaskExecutor executor, Map<String, Integer> limits) {
    return new Engine(
        new ConcurrencyLimits(limits),
        SHARED.caching,
        SHARED.clock,
        CONFIGURATION,
        executor,
        Recording.OFF,
        NO_LISTENERS,
        SHARED.timer);
  }

  /** A flow of the given task steps, without parameters. */
  static Flow<Object> flow(Step<?>... steps) {
    return Flow.of("stress", FlowOptions.DEFAULTS, List.of(), List.of(steps), null);
  }

  /** A task step without inputs. */
  static TaskStep<Object> task(String name, TaskOptions options, TaskBody body) {
    return new TaskStep<>(name, Object.class, options, List.of(), List.of(), null, body);
  }

  /** A run of one task step "t" on {@code engine}, prepared and not begun. */
  static Execution oneTask(Engine engine, TaskOptions options, TaskBody body) {
    return prepare(engine, flow(task("t", options, body)));
  }

  /**
   * The outcome of a cancel against an attempt: {@code atCancel} (whether the body had started when
   * cancel returned), the task run's final state, whether its body ran, and {@code interrupt}.
   */
  static String cancelOutcome(String atCancel, Execution run, boolean ran, String interrupt) {
    return atCancel
        + ", "
        + run.node(0).state.name()
        + ", "
        + (ran ? "ran" : "never ran")
        + ", "
        + interrupt;
  }

  /** A run of {@code flow} on {@code engine}, prepared and not begun. */
  static Execution prepare(Engine engine, Flow<?> flow) {
    return engine.prepare(flow, Map.of(), null, RunOptions.none());
  }

  /** The task run of step {@code step}; its state and where its attempt is, as "State/WHERE". */
  static String describe(Execution execution, int step) {
    TaskRunState node = execution.node(step);
    if (node == null) {
      return "no task run";
    }
    int phase = node.phase;
    String where =
        switch (TaskRunState.whereOf(phase)) {
          case TaskRunState.IDLE -> "IDLE";
          case TaskRunState.QUEUED -> "QUEUED";
          case TaskRunState.RUNNING -> "RUNNING";
          default -> "OWNED";
        };
    return node.state.name() + "/" + where;
  }

  /**
   * Whether this thread was left interrupted, clearing the flag: an interrupt meant for an attempt
   * must never outlive it (it would hit the next task the thread runs).
   */
  static String interruptLeft() {
    return Thread.interrupted() ? "interrupt left" : "clean";
  }

  /** The local executor's behaviour: runs each attempt on the calling thread. */
  static final class Inline implements TaskExecutor {
    @Override
    public String name() {
      return "inline";
    }

    @Override
    public void execute(Attempt attempt) {
      attempt.run();
    }

    @Override
    public void close() {}
  }

  /**
   * A pool's queue that no worker takes from: keeps the attempts handed to it, so that a trial's
   * actor can be the worker that runs one.
   */
  static final class Handed implements TaskExecutor {
    private final ConcurrentLinkedQueue<Attempt> queue = new ConcurrentLinkedQueue<>();

    @Override
    public String name() {
      return "handed";
    }

    @Override
    public void execute(Attempt attempt) {
      queue.add(attempt);
    }

    /** Runs the attempts handed over so far, as workers would, until none is left. */
    void drain() {
      Attempt next;
      while ((next = queue.poll()) != null) {
        next.run();
      }
    }

    /** The attempts handed over so far, not run. */
    List<Attempt> handed() {
      return new ArrayList<>(queue);
    }

    @Override
    public void close() {}
  }
}
