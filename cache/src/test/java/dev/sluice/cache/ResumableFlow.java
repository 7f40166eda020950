package dev.sluice.cache;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A five-step cached chain, run in a child JVM by {@link CrashResumeTest}. Each step leaves a
 * marker file when it starts; a step whose {@code hang-at-N} file exists never returns, so the
 * parent can kill the JVM there.
 */
public final class ResumableFlow {
  private ResumableFlow() {}

  static Flow<Integer> flow(Path markers) {
    return Flows.named("resumable")
        .returning(
            f -> {
              var s1 = f.task("step1", () -> step(markers, 1, 0)).cache();
              var s2 = f.task("step2", s1, x -> step(markers, 2, x)).cache();
              var s3 = f.task("step3", s2, x -> step(markers, 3, x)).cache();
              var s4 = f.task("step4", s3, x -> step(markers, 4, x)).cache();
              return f.task("step5", s4, x -> step(markers, 5, x)).cache();
            });
  }

  static int step(Path markers, int n, int input) throws Exception {
    Files.writeString(markers.resolve("ran-" + n + "-" + ProcessHandle.current().pid()), "");
    // Hangs until the test removes the marker or kills this JVM; bounded all the same.
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (Files.exists(markers.resolve("hang-at-" + n))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "step " + n + " gave up waiting for hang-at-" + n + " to go");
      }
      Thread.sleep(50);
    }
    return input * 10 + n;
  }

  /** {@code ResumableFlow CACHE_DIR MARKER_DIR}. */
  public static void main(String[] args) {
    try (Sluice sluice =
        Sluice.builder().executor("local").cacheDirectory(Path.of(args[0])).build()) {
      FlowRun run = sluice.run(flow(Path.of(args[1])));
      System.out.println(run.summary());
    }
  }
}
