package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./dev sluice ...}, the launcher the README tells people to use, as a real process. */
class LauncherTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @TempDir Path home;

  record Outcome(int exitCode, String out, String err) {}

  private Outcome devSluice(String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(List.of("bash", ROOT.resolve("dev").toString(), "sluice"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
    builder.environment().put("SLUICE_HOME", home.toString());
    builder.environment().remove("SLUICE_STORE");
    String repo = System.getProperty("test.maven-repo");
    if (repo != null) {
      builder.environment().put("MAVEN_OPTS", "-Dmaven.repo.local=" + repo);
    }
    Path errFile = Files.createTempFile(home, "err", ".txt");
    builder.redirectError(errFile.toFile());
    Process process = builder.start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
    return new Outcome(process.exitValue(), out, Files.readString(errFile));
  }

  @Test
  void devSluiceListsRecordedRunsAndKeepsExitCodes() throws Exception {
    assertThat(ROOT.resolve("dev")).exists();
    Flow<Void> hello = Flows.named("hello-launcher").define(f -> f.task("greet", () -> "hi"));
    String id;
    try (Sluice sluice = Recording.sluice(home)) {
      id = sluice.run(hello).id().toString();
    }

    Outcome ls = devSluice("flow-run", "ls");
    Outcome logs = devSluice("flow-run", "logs", id);
    Outcome usage = devSluice("flow-run", "nope");

    assertThat(ls.exitCode()).as(ls.err()).isZero();
    assertThat(ls.out()).contains(id).contains("hello-launcher").contains("Completed");
    assertThat(logs.exitCode()).as(logs.err()).isZero();
    assertThat(logs.out()).contains("Flow run '" + id + "' of flow 'hello-launcher' started");
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(usage.err()).contains("Unmatched argument").contains("nope");
  }
}
