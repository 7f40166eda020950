package dev.sluice.executor.subprocess;

import com.google.auto.service.AutoService;
import dev.sluice.api.executor.ExecutorProvider;
import dev.sluice.api.executor.ExecutorSettings;
import dev.sluice.api.executor.TaskExecutor;

/**
 * Provides the {@code subprocess} executor: each attempt runs in a worker JVM from a warm pool, so
 * a task that calls {@code System.exit}, crashes the JVM or runs out of memory ends only its
 * attempt (Crashed, and retried by its retry policy). Flows need an entrypoint ({@link
 * dev.sluice.api.FlowProvider}) so workers can rebuild them. Settings (keys under {@code
 * sluice.executor.}):
 *
 * <ul>
 *   <li>{@code workers}: the most worker JVMs (and attempts running) at once; default the number of
 *       processors;
 *   <li>{@code jvmOptions}: options for each worker JVM, separated by spaces, e.g. {@code -Xmx256m
 *       -XX:+UseSerialGC}; default none;
 *   <li>{@code jvmOptions.STEP}: options for the workers that run the step called {@code STEP} (any
 *       flow), instead of {@code jvmOptions}, e.g. a bigger heap for one task;
 *   <li>{@code classpath}: the workers' classpath; default this JVM's ({@code java.class.path});
 *   <li>{@code java}: the {@code java} binary; default this JVM's;
 *   <li>{@code freshJvm}: {@code true} to start a new JVM for every attempt; default {@code false}
 *       (workers are reused);
 *   <li>{@code startTimeoutSeconds}: how long a worker may take to start; default 30.
 * </ul>
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
