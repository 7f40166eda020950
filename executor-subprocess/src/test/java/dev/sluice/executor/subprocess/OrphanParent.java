package dev.sluice.executor.subprocess;

import dev.sluice.Sluice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A parent JVM for {@link NoOrphansTest}: starts two workers marked with {@code
 * -Dsluice.test.marker=MARKER}, keeps both busy, prints {@code ready}, then either waits to be
 * killed ({@code wait}) or exits when a line arrives on stdin ({@code exit}) while they still run.
 */
public final class OrphanParent {
  private OrphanParent() {}

  public static void main(String[] args) throws Exception {
    String marker = args[0];
    Path dir = Path.of(args[1]);
    String mode = args[2];
    Sluice sluice =
        Sluice.builder()
            .executor("subprocess")
            .setting("executor.workers", "2")
            .setting("executor.jvmOptions", "-Dsluice.test.marker=" + marker)
            .build();
    var unused = sluice.start(TestFlows.SLEEPERS, Map.of("dir", dir.toString()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(dir.resolve("left")) || !Files.exists(dir.resolve("right"))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up waiting for both sleepers to write their pids");
      }
      Thread.sleep(10);
    }
    System.out.println("ready");
    System.out.flush();
    if (mode.equals("exit")) {
      System.in.read(); // the test has seen the workers: exit when it says so
      System.exit(0); // without closing the Sluice: the shutdown hook must clean up
    }
    Thread.sleep(120_000);
  }
}
