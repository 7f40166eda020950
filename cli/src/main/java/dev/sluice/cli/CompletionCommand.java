package dev.sluice.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice completion}: prints the bash/zsh completion script. */
@Command(
    name = "completion",
    description = {
      "Print a completion script for bash and zsh.",
      "bash:  source <(sluice completion)",
      "zsh:   autoload -U +X compinit && compinit; autoload -U +X bashcompinit && bashcompinit;"
          + " source <(sluice completion)"
    },
    mixinStandardHelpOptions = true)
final class CompletionCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    CommandSpec root = spec.root();
    spec.commandLine().getOut().print(AutoComplete.bash(root.name(), root.commandLine()));
    spec.commandLine().getOut().flush();
  }
}
