package dev.sluice;

import dev.sluice.api.Flow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A batch job in its own JVM, started by {@link BatchJobSignalsTest}: {@code BatchJobProcess MODE
 * ARGS...} runs {@link #FLOW} with {@link BatchJob#run} on the local executor ({@code local}) or on
 * a thread pool ({@code pool}), or {@link #QUICK} ({@code quick}). Its step {@code hold} writes the
 * file {@code --marker} names and then sleeps until it is interrupted.
 */
public final class BatchJobProcess {
  private BatchJobProcess() {}

  static final Flow<Void> FLOW =
      Flows.named("signalled-job")
          .define(
              f -> {
                var marker = f.param("marker", String.class);
                var first = f.task("first", () -> 1);
                var hold =
                    f.task(
                        "hold",
                        first,
                        marker,
                        (x, file) -> {
                          Files.writeString(Path.of(file), "running");
                          Thread.sleep(Long.MAX_VALUE);
                          return x;
                        });
                f.task("after", hold, x -> x + 1);
              });

  /** A flow that completes at once ({@code quick} mode). */
  static final Flow<Integer> QUICK =
      Flows.named("quick-job").returning(f -> f.task("one", () -> 1));

  /**
   * A builder for this class in a child JVM on the test's class path, recording into {@code db}
   * with {@code dir/home} as its home, its output to {@code out} and {@code err}; {@code args} are
   * the mode and the job's arguments. Sluice's environment variables are removed.
   */
  static ProcessBuilder inChildJvm(Path dir, Path db, Path out, Path err, String... args) {
    java.util.List<String> command = new java.util.ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-Dsluice.store=" + db);
    command.add("-Dsluice.home=" + dir.resolve("home"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BatchJobProcess.class.getName());
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("SLUICE_STORE");
    builder.environment().remove("SLUICE_EXECUTOR");
    builder.environment().remove("SLUICE_HOME");
    return builder;
  }

  public static void main(String[] args) {
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "local" -> BatchJob.run(FLOW, rest, builder -> builder.executor("local"));
      case "pool" -> BatchJob.run(FLOW, rest, builder -> builder.executor(new PoolExecutor(2)));
      case "quick" -> BatchJob.run(QUICK, rest, builder -> builder.executor("local"));
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }
}
