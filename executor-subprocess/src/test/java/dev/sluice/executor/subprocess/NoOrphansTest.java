package dev.sluice.executor.subprocess;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * When the parent JVM goes — killed with {@code kill -9}, or exiting without closing its Sluice —
 * its workers go too: the process table holds no process carrying the parent's unique marker.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NoOrphansTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"kill", "exit"})
  void noWorkerOutlivesItsParent(String how) throws Exception {
    String marker = UUID.randomUUID().toString();
    Process parent =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // like every test, the parent records no run history outside this test's folder
                "-Dsluice.home=" + dir.resolve("home"),
                "-Dsluice.store=off",
                "-cp",
                System.getProperty("java.class.path"),
                OrphanParent.class.getName(),
                marker,
                dir.toString(),
                how.equals("kill") ? "wait" : "exit")
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<Boolean> ready =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  String line;
                  while ((line = out.readLine()) != null) {
                    if (line.equals("ready")) {
                      return true;
                    }
                  }
                  return false;
                } catch (java.io.IOException e) {
                  return false;
                }
              });
      assertThat(ready.get(60, TimeUnit.SECONDS)).as("the parent got its workers busy").isTrue();
      assertThat(marked(marker)).as("workers alive while the parent runs").hasSize(2);

      if (how.equals("kill")) {
        parent.destroyForcibly(); // SIGKILL: no shutdown hook runs; workers see stdin close
      } else {
        parent.getOutputStream().write('\n'); // exits without closing its Sluice
        parent.getOutputStream().flush();
      }
      assertThat(parent.waitFor(30, TimeUnit.SECONDS)).isTrue();

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      List<ProcessHandle> left = marked(marker);
      while (!left.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
        left = marked(marker);
      }
      assertThat(left).as("workers left behind after the parent went (%s)", how).isEmpty();
    } finally {
      parent.destroyForcibly();
      for (ProcessHandle orphan : marked(marker)) {
        orphan.destroyForcibly();
      }
    }
  }

  /** The live processes whose command line carries the marker. */
  private static List<ProcessHandle> marked(String marker) {
    String flag = "-Dsluice.test.marker=" + marker;
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(
            p -> {
              var info = p.info();
              return info.arguments().map(a -> List.of(a).contains(flag)).orElse(false)
                  || info.commandLine().map(c -> c.contains(flag)).orElse(false);
            })
        .toList();
  }
}
