package dev.sluice.cli;

import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.ApiToken;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStoreException;
import dev.sluice.api.store.RunStores;
import dev.sluice.engine.internal.EngineSettings;
import dev.sluice.server.Scope;
import dev.sluice.server.ServerStartException;
import dev.sluice.server.ServerTokens;
import dev.sluice.server.SluiceServer;
import java.io.PrintWriter;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice server start} and {@code sluice server token create|ls|revoke}. */
@Command(
    name = "server",
    description = "Run the Sluice server (the HTTP API over this machine's run history).",
    mixinStandardHelpOptions = true,
    subcommands = {ServerCommand.Start.class, ServerCommand.Token.class})
final class ServerCommand {

  /** The store the server serves: the {@code store} setting's, never {@code api.url}. */
  static RunStore openStore(Settings settings) {
    String location =
        EngineSettings.localStoreLocation(settings)
            .orElseThrow(
                () ->
                    new CliException(
                        "the server needs a run history, but the store setting is off; point it at"
                            + " a database (`sluice config unset store` for"
                            + " $SLUICE_HOME/sluice.db)"));
    try {
      return RunStores.open(location, settings);
    } catch (RunStoreException e) {
      throw new CliException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
    }
  }

  @Command(
      name = "start",
      description = {
        "Serve the API on this machine's run history until Ctrl-C or SIGTERM.",
        "Listens on 127.0.0.1:4200 unless told otherwise (settings server.host, server.port)."
      },
      mixinStandardHelpOptions = true)
  static final class Start implements Callable<Integer> {
    private final Context context;
    @Spec CommandSpec spec;

    @Option(names = "--host", description = "The address to listen on (default 127.0.0.1).")
    @Nullable String host;

    @Option(names = "--port", description = "The port to listen on (default 4200; 0: any free).")
    @Nullable Integer port;

    @Option(
        names = "--require-token",
        description = "Refuse every call without a token, even before one exists.")
    boolean requireToken;

    @Option(
        names = "--insecure",
        description = "Allow a non-loopback --host without any token (anyone may do anything).")
    boolean insecure;

    Start(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Settings settings = context.settings();
      PrintWriter out = spec.commandLine().getOut();
      RunStore store = openStore(settings);
      SluiceServer server;
      try {
        SluiceServer.Builder builder =
            SluiceServer.builder().store(store).settings(settings).insecure(insecure);
        if (host != null) {
          builder.host(host);
        }
        if (port != null) {
          builder.port(port);
        }
        if (requireToken) {
          builder.requireToken(true);
        }
        server = builder.start();
      } catch (ServerStartException | IllegalArgumentException e) {
        store.close();
        throw new CliException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                server.close();
                store.close();
                stopped.countDown();
              },
              "sluice-server-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      out.println("Sluice server at " + server.uri());
      out.println("API: " + server.apiUri() + " (OpenAPI: " + server.apiUri() + "/openapi.json)");
      out.println("Run history: " + store.location());
      out.println(
          store.tokens().any() || requireToken
              ? "Tokens: required (sluice server token ls)"
              : "Tokens: none yet, so calls need none (sluice server token create)");
      out.println(
          "Record a process's runs here: sluice config set api.url " + server.uri() + "/api");
      out.println("Stop with Ctrl-C.");
      out.flush();
      stopped.await();
      return 0;
    }
  }

  @Command(
      name = "token",
      description = "API tokens: needed by every call once one exists.",
      mixinStandardHelpOptions = true,
      subcommands = {Token.Create.class, Token.Ls.class, Token.Revoke.class})
  static final class Token {
    @Command(
        name = "create",
        description = "Create a token and print it once; only its hash is kept.",
        mixinStandardHelpOptions = true)
    static final class Create implements Callable<Integer> {
      private final Context context;
      @Spec CommandSpec spec;

      @Option(names = "--name", required = true, description = "The token's name, e.g. ci.")
      String name = "";

      @Option(
          names = "--scope",
          required = true,
          description =
              "read (every GET), run (also start and cancel runs), agent (also record runs and"
                  + " claim work) or admin (everything).")
      String scope = "";

      Create(Context context) {
        this.context = context;
      }

      @Override
      public Integer call() {
        Scope parsed;
        try {
          parsed = Scope.of(scope);
        } catch (IllegalArgumentException e) {
          throw new CliException(String.valueOf(e.getMessage()));
        }
        PrintWriter out = spec.commandLine().getOut();
        try (RunStore store = openStore(context.settings())) {
          ServerTokens.Created created;
          try {
            created = ServerTokens.create(store.tokens(), name, parsed);
          } catch (IllegalArgumentException e) {
            throw new CliException(String.valueOf(e.getMessage()));
          }
          out.println(
              "Created token '"
                  + created.name()
                  + "' with scope "
                  + created.scope().word()
                  + ". It is shown this once; store it now:");
          out.println(created.token());
          out.println(
              "Clients send it with api.token (e.g. SLUICE_API_TOKEN=...). Every API call now needs"
                  + " a token.");
        }
        out.flush();
        return 0;
      }
    }

    @Command(
        name = "ls",
        description = "List the tokens (never the tokens themselves).",
        mixinStandardHelpOptions = true)
    static final class Ls implements Callable<Integer> {
      private final Context context;
      @Spec CommandSpec spec;

      Ls(Context context) {
        this.context = context;
      }

      @Override
      public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<ApiToken> tokens;
        try (RunStore store = openStore(context.settings())) {
          tokens = store.tokens().list();
        }
        if (tokens.isEmpty()) {
          out.println(
              "No tokens: the server answers calls without one (on loopback only). Create one with"
                  + " `sluice server token create --name NAME --scope read|run|agent|admin`.");
        } else {
          Table table = new Table("NAME", "SCOPE", "CREATED", "LAST USED");
          for (ApiToken t : tokens) {
            table.row(
                t.name(),
                t.scope(),
                Times.seconds(t.createdAt(), context.zone()),
                t.lastUsedAt() == null ? "never" : Times.seconds(t.lastUsedAt(), context.zone()));
          }
          table.print(out);
        }
        out.flush();
        return 0;
      }
    }

    @Command(
        name = "revoke",
        description = "Delete a token; calls with it are refused at once.",
        mixinStandardHelpOptions = true)
    static final class Revoke implements Callable<Integer> {
      private final Context context;
      @Spec CommandSpec spec;

      @Parameters(paramLabel = "NAME", description = "The token's name.")
      String name = "";

      Revoke(Context context) {
        this.context = context;
      }

      @Override
      public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (RunStore store = openStore(context.settings())) {
          if (!store.tokens().revoke(name)) {
            throw new CliException(
                "no token is named '" + name + "'; `sluice server token ls` lists them");
          }
        }
        out.println("Revoked token '" + name + "'.");
        out.flush();
        return 0;
      }
    }
  }
}
