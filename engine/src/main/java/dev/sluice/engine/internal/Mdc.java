package dev.sluice.engine.internal;

import dev.sluice.api.store.RunRecorder;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import org.slf4j.helpers.NOPMDCAdapter;

/**
 * Sets the MDC keys {@code flow_run_id}, {@code task_run_id} and {@code task_name} while a task
 * run's code runs, restoring what was there before (a task may run a flow itself). When SLF4J has
 * no MDC (no backend bound) this costs nothing — unless the run store cannot capture log lines:
 * then the scope also tells {@link RunMessages} which run the engine's messages belong to.
 */
final class Mdc {
  static final String FLOW_RUN_ID = "flow_run_id";
  static final String TASK_RUN_ID = "task_run_id";
  static final String TASK_NAME = "task_name";

  private static final Scope NOTHING = () -> {};

  private final boolean enabled;
  private final @Nullable RunRecorder direct;

  /**
   * @param direct the recorder the engine's messages go to directly, because the store cannot
   *     capture them from the logging backend; null when it can (or records no logs)
   */
  Mdc(@Nullable RunRecorder direct) {
    this.enabled = !(MDC.getMDCAdapter() instanceof NOPMDCAdapter) && MDC.getMDCAdapter() != null;
    this.direct = direct;
  }

  /** A scope to close when the code ends. */
  interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  Scope enter(TaskRunState run) {
    if (direct != null) {
      Scope messages = RunMessages.enter(RunMessages.target(direct, run));
      Scope keys = enterMdc(run);
      return () -> {
        keys.close();
        messages.close();
      };
    }
    return enterMdc(run);
  }

  private Scope enterMdc(TaskRunState run) {
    if (!enabled) {
      return NOTHING;
    }
    String flow = MDC.get(FLOW_RUN_ID);
    String task = MDC.get(TASK_RUN_ID);
    String name = MDC.get(TASK_NAME);
    MDC.put(FLOW_RUN_ID, run.execution.idText());
    MDC.put(TASK_RUN_ID, run.idText());
    MDC.put(TASK_NAME, run.name());
    return () -> {
      restore(FLOW_RUN_ID, flow);
      restore(TASK_RUN_ID, task);
      restore(TASK_NAME, name);
    };
  }

  /** A scope carrying only the flow run's id, for the engine's messages about the flow. */
  Scope enter(Execution execution) {
    if (direct != null) {
      Scope messages = RunMessages.enter(RunMessages.target(direct, execution));
      Scope keys = enterMdc(execution);
      return () -> {
        keys.close();
        messages.close();
      };
    }
    return enterMdc(execution);
  }

  private Scope enterMdc(Execution execution) {
    if (!enabled) {
      return NOTHING;
    }
    String flow = MDC.get(FLOW_RUN_ID);
    MDC.put(FLOW_RUN_ID, execution.idText());
    return () -> restore(FLOW_RUN_ID, flow);
  }

  private static void restore(String key, @Nullable String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
