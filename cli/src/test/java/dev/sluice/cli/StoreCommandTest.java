package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice store check|recover} after real runs, on the corruption of issue 18: {@code dd
 * if=/dev/urandom of=sluice.db bs=4096 seek=14 count=1 conv=notrunc}.
 */
class StoreCommandTest {
  @TempDir Path home;

  @Test
  void checkSaysCorruptAndRecoverWritesAHealthyFileThatKeepsTheReadableRuns() throws Exception {
    try (Sluice sluice = Recording.sluice(home)) {
      for (int i = 0; i < 60; i++) {
        sluice.run(HistoryCommandsTest.ETL, Map.of("n", 3));
      }
    }
    Path db = home.resolve("sluice.db");
    assertThat(Files.size(db)).isGreaterThan(15 * 4096L);
    CliRunner cli = new CliRunner(home);
    CliRunner.Result healthy = cli.run("store", "check");
    assertThat(healthy.exitCode()).as(healthy.err()).isZero();
    assertThat(healthy.out()).contains(db.toString()).contains("healthy");

    byte[] garbage = new byte[4096];
    new Random(14).nextBytes(garbage);
    try (RandomAccessFile raf = new RandomAccessFile(db.toFile(), "rw")) {
      raf.seek(14L * 4096);
      raf.write(garbage);
    }
    byte[] corrupt = Files.readAllBytes(db);

    CliRunner.Result check = cli.run("store", "check", "--db", db.toString());
    assertThat(check.exitCode()).isEqualTo(StoreCommand.CORRUPT);
    assertThat(check.out()).contains(db.toString()).contains("CORRUPT").contains("store recover");

    Path recovered = home.resolve("recovered.db");
    CliRunner.Result recover = cli.run("store", "recover", "--to", recovered.toString());
    assertThat(recover.exitCode()).as(recover.err()).isZero();
    assertThat(recover.out()).contains("checks healthy").contains("config set store " + recovered);
    assertThat(Files.readAllBytes(db)).isEqualTo(corrupt);
    assertThat(cli.run("store", "check", "--db", recovered.toString()).exitCode()).isZero();

    CliRunner.Result again = cli.run("store", "recover", "--to", recovered.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains(recovered.toString()).contains("exists");
  }
}
