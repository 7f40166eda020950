package dev.sluice.executor.subprocess;

import dev.sluice.api.executor.ExecutorSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How workers are started and pooled, from the executor settings ({@code sluice.executor.*}).
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

  /** The prefix of per-step options: {@code jvmOptions.STEP=...}. */
  static final String STEP_OPTIONS = "jvmOptions.";

  /** The JVM options of the workers that run step {@code step}. */
  List<String> jvmOptionsFor(String step) {
    return stepJvmOptions.getOrDefault(step, jvmOptions);
  }

  private static List<String> split(String options) {
    String stripped = options.strip();
    return stripped.isEmpty() ? List.of() : List.copyOf(Arrays.asList(stripped.split("\\s+")));
  }

  static WorkerSettings from(ExecutorSettings settings) {
    int workers = settings.positiveInt("workers", Runtime.getRuntime().availableProcessors());
    List<String> options = split(settings.get("jvmOptions").orElse(""));
    Map<String, List<String>> stepOptions = new TreeMap<>();
    for (Map.Entry<String, String> setting : settings.values().entrySet()) {
      if (setting.getKey().startsWith(STEP_OPTIONS)) {
        stepOptions.put(
            setting.getKey().substring(STEP_OPTIONS.length()), split(setting.getValue()));
      }
    }
    String classpath =
        settings.get("classpath").orElseGet(() -> System.getProperty("java.class.path"));
    String java =
        settings
            .get("java")
            .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    boolean fresh = settings.bool("freshJvm", false);
    int startSeconds = settings.positiveInt("startTimeoutSeconds", 30);
    return new WorkerSettings(
        workers,
        List.copyOf(options),
        Map.copyOf(stepOptions),
        classpath,
        java,
        fresh,
        Duration.ofSeconds(startSeconds));
  }
}
