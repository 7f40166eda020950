package dev.sluice.api.executor;

/**
 * Creates {@link TaskExecutor}s of one kind. Register implementations for {@link
 * java.util.ServiceLoader} (with {@code @AutoService(ExecutorProvider.class)}) so they can be
 * chosen by name, in code or with the {@code sluice.executor} setting.
 */
public interface ExecutorProvider {
  /** The name users select the executor by: lower case, e.g. {@code "threadpool"}. */
  String name();

  /**
   * When no executor is named, the available provider with the highest priority is used. The local
   * executor has priority 0.
   */
  default int priority() {
    return 0;
  }

  /** Creates an executor; it is closed when its {@code Sluice} instance closes. */
  TaskExecutor create(ExecutorSettings settings);
}
