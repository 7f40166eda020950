package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.store.RunStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch job in a real child JVM whose run history is a corrupt database: the flow completes, its
 * records are kept in a journal instead of being written into the damaged file, and the job exits 5
 * (not 0), so the scheduler that started it sees that the history is incomplete.
 */
class BatchJobUnstoredTest {
  @TempDir Path dir;

  @Test
  void aCompletedRunWhoseRecordsCouldNotBeStoredExitsFive() throws Exception {
    Path db = dir.resolve("runs.db");
    RunStores.open(db.toString(), Map.of()).close();
    // Keep SQLite's header (it is still recognised as a database) and spoil every page after it.
    byte[] content = Files.readAllBytes(db);
    byte[] corrupt = Arrays.copyOf(content, content.length);
    for (int i = 100; i < corrupt.length; i++) {
      corrupt[i] = (byte) (i * 31);
    }
    Files.write(db, corrupt);

    Path out = dir.resolve("child.out");
    Path err = dir.resolve("child.err");
    ProcessBuilder builder = BatchJobProcess.inChildJvm(dir, db, out, err, "quick");
    Process child = builder.start();
    try {
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the child exited").isTrue();
    } finally {
      child.destroyForcibly();
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as("exit code; stderr: %s", stderr).isEqualTo(5);
    assertThat(Files.readString(out, StandardCharsets.UTF_8))
        .containsPattern("Flow run 'quick-job' [0-9a-f-]+: Completed");
    assertThat(stderr).contains("records of the run history were not stored").contains("exiting 5");
    assertThat(Files.readAllBytes(db)).as("the damaged file is not written").isEqualTo(corrupt);
    try (var journals = Files.list(dir.resolve("home").resolve("journal"))) {
      assertThat(journals.map(f -> f.getFileName().toString()))
          .anyMatch(n -> n.endsWith(".journal"));
    }
  }
}
