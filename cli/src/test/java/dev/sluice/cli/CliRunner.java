package dev.sluice.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;

/** Runs the real {@code sluice} command in-process against a given home, capturing out and err. */
final class CliRunner {
  /** What one command printed and returned. */
  record Result(int exitCode, String out, String err) {}

  private final Map<String, String> environment = new HashMap<>();
  private final Map<String, String> systemProperties = new HashMap<>();
  private boolean terminal;

  CliRunner(Path home) {
    environment.put("SLUICE_HOME", home.toString());
    systemProperties.put("user.home", home.resolve("user-home").toString());
  }

  CliRunner env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /** Commands run as if their output were a terminal. */
  CliRunner onTerminal() {
    terminal = true;
    return this;
  }

  CliRunner property(String name, String value) {
    systemProperties.put(name, value);
    return this;
  }

  Context context() {
    return new Context(
        environment,
        systemProperties,
        InstantSource.system(),
        ZoneId.of("UTC"),
        Duration.ofMillis(20),
        terminal);
  }

  /** A command running in another thread; {@link #out()} shows what it printed so far. */
  static final class Running {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CompletableFuture<Integer> exitCode;

    private Running(Context context, String... args) {
      CommandLine cli = SluiceCli.commandLine(context);
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      exitCode = CompletableFuture.supplyAsync(() -> cli.execute(args));
    }

    String out() {
      return out.toString();
    }

    String err() {
      return err.toString();
    }

    CompletableFuture<Integer> exitCode() {
      return exitCode;
    }
  }

  Running start(String... args) {
    return new Running(context(), args);
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SluiceCli.commandLine(context());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
