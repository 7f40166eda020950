package dev.sluice.cli;

import java.lang.reflect.Constructor;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The {@code sluice} command: {@code sluice flow ls}, {@code sluice flow-run ls|inspect|logs},
 * {@code sluice config view|set|unset}, {@code sluice store check|recover}, {@code sluice
 * completion}. Exit codes: 0 success, 1 not found or another error (the message says what and how
 * to fix it), 2 bad usage.
 */
public final class SluiceCli {
  private SluiceCli() {}

  /** Runs the command with this process's arguments and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(commandLine(Context.system()).execute(args));
  }

  /** The command line, wired to {@code context}; callers may redirect its out and err. */
  static CommandLine commandLine(Context context) {
    CommandLine cli = new CommandLine(new Root(), new ContextFactory(context));
    cli.setExecutionExceptionHandler(SluiceCli::handleFailure);
    cli.setParameterExceptionHandler(SluiceCli::handleUsageError);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    CommandLine config = Objects.requireNonNull(cli.getSubcommands().get("config"), "config");
    Objects.requireNonNull(config.getSubcommands().get("set"), "config set")
        .getCommandSpec()
        .usageMessage()
        .footer(ConfigCommand.knownSettingsHelp());
    return cli;
  }

  /** The top-level command; it only holds the subcommands. */
  @Command(
      name = "sluice",
      description = "Read Sluice's run history, edit its settings, run its server.",
      mixinStandardHelpOptions = true,
      versionProvider = Root.Version.class,
      subcommands = {
        FlowCommand.class,
        FlowRunCommand.class,
        ConfigCommand.class,
        StoreCommand.class,
        ServerCommand.class,
        CompletionCommand.class,
        CommandLine.HelpCommand.class
      },
      footer = {
        "",
        "Run history is read from $SLUICE_HOME/sluice.db (~/.sluice when unset),",
        "or from where the store setting points; see `sluice config view`.",
        "Exit codes: 0 ok, 1 not found or error, 2 usage."
      })
  static final class Root {

    static final class Version implements CommandLine.IVersionProvider {
      @Override
      public String[] getVersion() {
        String version = SluiceCli.class.getPackage().getImplementationVersion();
        return new String[] {"sluice " + (version == null ? "(development build)" : version)};
      }
    }
  }

  private static int handleFailure(
      Exception failure, CommandLine command, ParseResult parseResult) {
    String message =
        failure instanceof CliException
            ? failure.getMessage()
            : failure.getClass().getSimpleName()
                + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    command.getErr().println("error: " + message);
    if (!(failure instanceof CliException)) {
      // Not a failure we foresaw: a bug, whose stack trace is what a report needs.
      failure.printStackTrace(command.getErr());
    }
    command.getErr().flush();
    return 1;
  }

  private static int handleUsageError(ParameterException problem, String[] args) {
    CommandLine command = problem.getCommandLine();
    String message = String.valueOf(problem.getMessage());
    command.getErr().println("error: " + message);
    if (!command.getSubcommands().isEmpty() && message.contains("subcommand")) {
      // `sluice flow` alone: show which commands there are.
      command.usage(command.getErr());
      command.getErr().flush();
      return 2;
    }
    command
        .getErr()
        .println(
            "Try `" + command.getCommandSpec().qualifiedName() + " --help` for how to use it.");
    command.getErr().flush();
    return 2;
  }

  /** Gives commands that take a {@link Context} in their constructor this one. */
  private record ContextFactory(Context context) implements IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      for (Constructor<?> constructor : type.getDeclaredConstructors()) {
        if (constructor.getParameterCount() == 1
            && constructor.getParameterTypes()[0] == Context.class) {
          constructor.setAccessible(true);
          return type.cast(constructor.newInstance(context));
        }
      }
      return CommandLine.defaultFactory().create(type);
    }
  }
}
