package dev.sluice.executor.subprocess;

import dev.sluice.api.executor.ExecutorSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How workers are started and pooled, from the executor settings ({@link SubprocessSettings}).
 *
 * @param workers the most worker JVMs alive (and attempts running) at once
 * @param jvmOptions options for each worker JVM, e.g. {@code -Xmx256m}
 * @param stepJvmOptions options for the workers of the steps named, instead of {@code jvmOptions}
 * @param classpath the workers' classpath
 * @param java the {@code java} binary
 * @param freshJvm whether each attempt gets a new JVM, stopped after it
 * @param startTimeout how long a worker may take to start and connect
 */
record WorkerSettings(
    int workers,
    List<String> jvmOptions,
    Map<String, List<String>> stepJvmOptions,
    String classpath,
    String java,
    boolean freshJvm,
    Duration startTimeout) {

  /** The JVM options of the workers that run step {@code step}. */
  List<String> jvmOptionsFor(String step) {
    return stepJvmOptions.getOrDefault(step, jvmOptions);
  }

  static WorkerSettings from(ExecutorSettings settings) {
    return new WorkerSettings(
        settings
            .find(SubprocessSettings.WORKERS)
            .orElseGet(() -> Runtime.getRuntime().availableProcessors()),
        settings.get(SubprocessSettings.JVM_OPTIONS),
        Map.copyOf(settings.all(SubprocessSettings.STEP_JVM_OPTIONS)),
        settings
            .find(SubprocessSettings.CLASSPATH)
            .orElseGet(() -> System.getProperty("java.class.path")),
        settings
            .find(SubprocessSettings.JAVA)
            .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString()),
        settings.get(SubprocessSettings.FRESH_JVM),
        Duration.ofSeconds(settings.get(SubprocessSettings.START_TIMEOUT_SECONDS)));
  }
}
