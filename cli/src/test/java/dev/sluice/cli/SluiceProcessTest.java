package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code sluice} main class as a real process: output, exit codes, the environment. */
class SluiceProcessTest {
  @TempDir Path home;

  record Outcome(int exitCode, String out, String err) {}

  private Outcome sluice(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SluiceCli.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("SLUICE_HOME", home.toString());
    builder.environment().remove("SLUICE_STORE");
    Path errFile = Files.createTempFile(home, "err", ".txt");
    builder.redirectError(errFile.toFile());
    Process process = builder.start();
    process.getOutputStream().close();
    String outText = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Outcome(process.exitValue(), outText, Files.readString(errFile));
  }

  @Test
  void exitCodesAndOutputOfARealProcess() throws Exception {
    Outcome missing = sluice("flow-run", "ls");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("no run history yet: " + home.resolve("sluice.db"));

    Flow<Void> hello = Flows.named("hello").define(f -> f.task("greet", () -> "hi"));
    String id;
    try (Sluice sluice = Recording.sluice(home)) {
      id = sluice.run(hello).id().toString();
    }

    Outcome ls = sluice("flow-run", "ls");
    assertThat(ls.exitCode()).as(ls.err()).isZero();
    assertThat(ls.out()).contains(id).contains("hello").contains("Completed");

    Outcome usage = sluice("flow-run", "inspect", "nope");
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(usage.err()).contains("'nope' is not a flow run id");
  }
}
