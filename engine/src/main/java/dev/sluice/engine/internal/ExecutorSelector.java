package dev.sluice.engine.internal;

import dev.sluice.api.executor.ExecutorProvider;
import dev.sluice.api.executor.ExecutorSettings;
import dev.sluice.api.executor.TaskExecutor;
import dev.sluice.api.settings.Settings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the executor: by name in code, else the {@code executor} setting ({@code sluice.executor}
 * / {@code SLUICE_EXECUTOR}), else the available provider with the highest priority (the thread
 * pool when present, else local). Providers are found with {@link ServiceLoader}.
 */
final class ExecutorSelector {
  private ExecutorSelector() {}

  static TaskExecutor select(@Nullable String name, Settings settings, ClassLoader loader) {
    List<ExecutorProvider> providers = new ArrayList<>();
    ServiceLoader.load(ExecutorProvider.class, loader).forEach(providers::add);
    String wanted = name != null ? name : settings.find(EngineSettings.EXECUTOR).orElse(null);
    ExecutorSettings executorSettings = new ExecutorSettings(settings);
    if (wanted == null) {
      return providers.stream()
          .max(Comparator.comparingInt(ExecutorProvider::priority))
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "no Sluice executor is on the classpath; add the dependency"
                          + " dev.sluice:sluice-executor-local (or -threadpool)"))
          .create(executorSettings);
    }
    String key = wanted.strip().toLowerCase(Locale.ROOT);
    for (ExecutorProvider provider : providers) {
      if (provider.name().equals(key)) {
        return provider.create(executorSettings);
      }
    }
    List<String> available =
        providers.stream().map(ExecutorProvider::name).sorted().distinct().toList();
    throw new UnknownExecutorException(
        "unknown executor '"
            + wanted
            + "'"
            + (name != null
                ? ""
                : settings
                    .source(EngineSettings.EXECUTOR.key())
                    .map(s -> " (from " + settings.describe(s, EngineSettings.EXECUTOR.key()) + ")")
                    .orElse(""))
            + "; available: "
            + (available.isEmpty() ? "none (add sluice-executor-local)" : available)
            + ". Choose one of these, or add the module that provides '"
            + wanted
            + "' (Sluice's own: "
            + KNOWN
            + ")");
  }

  /** The executors Sluice ships, with the Maven coordinates of the module of each. */
  private static final String KNOWN =
      "local dev.sluice:sluice-executor-local, threadpool dev.sluice:sluice-executor-threadpool,"
          + " subprocess dev.sluice:sluice-executor-subprocess";

  /**
   * A configuration mistake whose one-line message says everything: no stack trace, so a user does
   * not read the dependency injector's frames (15 of them) to find it.
   */
  static final class UnknownExecutorException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnknownExecutorException(String message) {
      super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
