package dev.sluice.executor.subprocess;

import com.google.auto.service.AutoService;
import dev.sluice.api.executor.ExecutorProvider;
import dev.sluice.api.executor.ExecutorSettings;
import dev.sluice.api.executor.TaskExecutor;

/**
 * Provides the {@code subprocess} executor: each attempt runs in a worker JVM from a warm pool, so
 * a task that calls {@code System.exit}, crashes the JVM or runs out of memory ends only its
 * attempt (Crashed, and retried by its retry policy). Flows need an entrypoint ({@link
 * dev.sluice.api.FlowProvider}) so workers can rebuild them. Its settings (workers, JVM options,
 * also per step, class path, java binary, fresh JVMs, start timeout) are declared in {@link
 * SubprocessSettings} and listed in {@code docs/settings.md}.
 */
@AutoService(ExecutorProvider.class)
public final class SubprocessExecutorProvider implements ExecutorProvider {
  /** The name the subprocess executor is selected by. */
  public static final String NAME = "subprocess";

  /** For {@link java.util.ServiceLoader}. */
  public SubprocessExecutorProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  /** Never chosen unless named: it needs entrypoints and costs a JVM per worker. */
  @Override
  public int priority() {
    return -10;
  }

  @Override
  public TaskExecutor create(ExecutorSettings settings) {
    return new SubprocessExecutor(WorkerSettings.from(settings));
  }
}
