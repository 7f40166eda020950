package dev.sluice.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import dev.sluice.api.FlowRun;
import dev.sluice.api.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flow killed with {@code kill -9} mid-way, run again, resumes: the cached steps that completed
 * before the crash end Cached, the rest run.
 */
class CrashResumeTest {
  @TempDir Path dir;

  @Test
  void aRunKilledMidWayResumesFromTheDiskCache() throws Exception {
    Path cache = Files.createDirectories(dir.resolve("cache"));
    Path markers = Files.createDirectories(dir.resolve("markers"));
    Files.writeString(markers.resolve("hang-at-4"), "");

    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Duser.home=" + dir);
    command.add(ResumableFlow.class.getName());
    command.add(cache.toString());
    command.add(markers.toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("SLUICE_HOME", dir.resolve("home").toString());
    builder.redirectOutput(dir.resolve("child.log").toFile());
    Process child = builder.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!ran(markers, 4, child.pid())) {
        assertThat(child.isAlive())
            .as("child JVM exited early: %s", Files.readString(dir.resolve("child.log")))
            .isTrue();
        assertThat(System.nanoTime()).as("step 4 never started").isLessThan(deadline);
        Thread.sleep(20);
      }
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(child.isAlive()).isFalse();
    assertThat(child.exitValue()).isEqualTo(137);
    assertThat(entries(cache)).isEqualTo(3); // steps 1-3 stored; nothing half-written

    Files.delete(markers.resolve("hang-at-4"));
    FlowRun again;
    try (Sluice sluice = Sluice.builder().executor("local").cacheDirectory(cache).build()) {
      again = sluice.run(ResumableFlow.flow(markers));
    }
    assertThat(again.state()).isEqualTo(State.COMPLETED);
    assertThat(again.result()).isEqualTo(12345);
    for (String step : List.of("step1", "step2", "step3")) {
      assertThat(again.taskRun(step).orElseThrow().state())
          .as(step)
          .isInstanceOfSatisfying(
              State.Cached.class, cached -> assertThat(cached.source()).isEqualTo("disk"));
    }
    for (String step : List.of("step4", "step5")) {
      assertThat(again.taskRun(step).orElseThrow().state()).as(step).isEqualTo(State.COMPLETED);
    }
    long here = ProcessHandle.current().pid();
    assertThat(ran(markers, 1, here) || ran(markers, 2, here) || ran(markers, 3, here)).isFalse();
    assertThat(ran(markers, 4, here) && ran(markers, 5, here)).isTrue();
    assertThat(entries(cache)).isEqualTo(5);
  }

  private static boolean ran(Path markers, int step, long pid) {
    return Files.exists(markers.resolve("ran-" + step + "-" + pid));
  }

  private static long entries(Path cache) throws IOException {
    try (Stream<Path> files = Files.walk(cache)) {
      return files.filter(p -> p.toString().endsWith(".entry")).count();
    }
  }
}
