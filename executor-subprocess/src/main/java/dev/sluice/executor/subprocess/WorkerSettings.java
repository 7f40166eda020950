package dev.sluice.executor.subprocess;

import dev.sluice.api.executor.ExecutorSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How workers are started and pooled, from the executor settings ({@code sluice.executor.*}).
 *
 * @param workers the most worker JVMs alive (and attempts running) at once
 * @param jvmOptions options for each worker JVM, e.g. {@code -Xmx256m}
 * @param classpath the workers' classpath
 * @param java the {@code java} binary
 * @param freshJvm whether each attempt gets a new JVM, stopped after it
 * @param startTimeout how long a worker may take to start and connect
 */
record WorkerSettings(
    int workers,
    List<String> jvmOptions,
    String classpath,
    String java,
    boolean freshJvm,
    Duration startTimeout) {

  static WorkerSettings from(ExecutorSettings settings) {
    int workers = settings.positiveInt("workers", Runtime.getRuntime().availableProcessors());
    List<String> options =
        settings
            .get("jvmOptions")
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(s -> Arrays.asList(s.split("\\s+")))
            .orElse(List.of());
    String classpath =
        settings.get("classpath").orElseGet(() -> System.getProperty("java.class.path"));
    String java =
        settings
            .get("java")
            .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String fresh = settings.get("freshJvm").orElse("false").strip().toLowerCase(Locale.ROOT);
    if (!fresh.equals("true") && !fresh.equals("false")) {
      throw new IllegalArgumentException(
          "executor setting 'freshJvm' must be 'true' or 'false', was '" + fresh + "'");
    }
    int startSeconds = settings.positiveInt("startTimeoutSeconds", 30);
    return new WorkerSettings(
        workers,
        List.copyOf(options),
        classpath,
        java,
        fresh.equals("true"),
        Duration.ofSeconds(startSeconds));
  }
}
