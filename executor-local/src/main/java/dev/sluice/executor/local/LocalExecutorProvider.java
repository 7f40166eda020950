package dev.sluice.executor.local;

import com.google.auto.service.AutoService;
import dev.sluice.api.executor.ExecutorProvider;
import dev.sluice.api.executor.ExecutorSettings;
import dev.sluice.api.executor.TaskExecutor;

/** Provides the {@code local} executor: attempts run on the calling thread, in a fixed order. */
@AutoService(ExecutorProvider.class)
public final class LocalExecutorProvider implements ExecutorProvider {
  /** The name the local executor is selected by. */
  public static final String NAME = "local";

  /** For {@link java.util.ServiceLoader}. */
  public LocalExecutorProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return 0;
  }

  @Override
  public TaskExecutor create(ExecutorSettings settings) {
    return new LocalExecutor();
  }
}
