package dev.sluice.executor.subprocess;

import com.google.auto.service.AutoService;
import dev.sluice.api.settings.Setting;
import dev.sluice.api.settings.SettingsCatalog;
import java.util.List;

/** The settings of the {@code subprocess} executor; {@link WorkerSettings} reads them. */
@AutoService(SettingsCatalog.class)
public final class SubprocessSettings implements SettingsCatalog {
  /** The most worker JVMs alive at once. */
  public static final Setting<Integer> WORKERS =
      Setting.positiveInt("executor.workers")
          .defaultText("number of processors")
          .description("subprocess executor: the most worker JVMs (and attempts running) at once")
          .build();

  /** Options of every worker JVM. */
  public static final Setting<List<String>> JVM_OPTIONS =
      Setting.words("executor.jvmOptions")
          .defaultValue(List.of())
          .defaultText("none")
          .description(
              "subprocess executor: options for each worker JVM, space-separated (e.g. -Xmx256m)")
          .build();

  /** Options of the worker JVMs of one step, instead of {@link #JVM_OPTIONS}. */
  public static final Setting<List<String>> STEP_JVM_OPTIONS =
      Setting.words("executor.jvmOptions.<step>")
          .defaultText("executor.jvmOptions")
          .description(
              "subprocess executor: options for the worker JVMs that run this step, instead of"
                  + " executor.jvmOptions")
          .build();

  /** The workers' class path. */
  public static final Setting<String> CLASSPATH =
      Setting.text("executor.classpath")
          .defaultText("this JVM's class path")
          .description("subprocess executor: the workers' class path")
          .build();

  /** The {@code java} binary of the workers. */
  public static final Setting<String> JAVA =
      Setting.text("executor.java")
          .defaultText("this JVM's java")
          .description("subprocess executor: the java binary workers run with")
          .build();

  /** A new JVM for every attempt. */
  public static final Setting<Boolean> FRESH_JVM =
      Setting.bool("executor.freshJvm")
          .defaultValue(false)
          .description("subprocess executor: true starts a new JVM for every attempt")
          .build();

  /** How long a worker may take to start and connect. */
  public static final Setting<Integer> START_TIMEOUT_SECONDS =
      Setting.positiveInt("executor.startTimeoutSeconds")
          .defaultValue(30)
          .description(
              "subprocess executor: how long a worker may take to start and connect, in seconds")
          .build();

  /**
   * Set to {@code true} by the executor on the worker JVMs it starts ({@code
   * -Dsluice.worker=true}); declared so that it is a known key there.
   */
  public static final Setting<Boolean> WORKER =
      Setting.bool("worker")
          .defaultValue(false)
          .description("true in the worker JVMs of the subprocess executor, which sets it")
          .build();

  /** For {@link java.util.ServiceLoader}. */
  public SubprocessSettings() {}

  @Override
  public List<Setting<?>> settings() {
    return List.of(
        WORKERS,
        JVM_OPTIONS,
        STEP_JVM_OPTIONS,
        CLASSPATH,
        JAVA,
        FRESH_JVM,
        START_TIMEOUT_SECONDS,
        WORKER);
  }
}
