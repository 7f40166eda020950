package dev.sluice.cli;

import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.RunStoreException;
import dev.sluice.engine.internal.EngineSettings;
import dev.sluice.store.SqliteStoreFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice store check|recover}: an SQLite run history's health, and its recovery. */
@Command(
    name = "store",
    description = "Check an SQLite run history, or recover what can be read of a corrupt one.",
    mixinStandardHelpOptions = true,
    subcommands = {StoreCommand.Check.class, StoreCommand.Recover.class})
final class StoreCommand {
  /** Exit code of a check that found the file corrupt (or not a Sluice run history). */
  static final int CORRUPT = 3;

  /** The file named with --db, else the SQLite file the store setting points at. */
  static Path database(Context context, @Nullable Path db) {
    if (db != null) {
      return db;
    }
    Settings settings = context.settings();
    String where =
        EngineSettings.storeLocation(settings)
            .orElseThrow(
                () ->
                    new CliException(
                        "run history is off (the store setting); give the database file with"
                            + " --db FILE"));
    if (where.startsWith("jdbc:sqlite:")) {
      where = where.substring("jdbc:sqlite:".length());
    } else if (where.toLowerCase(Locale.ROOT).matches("(jdbc|https?):.*")) {
      throw new CliException(
          "the store setting points at "
              + where
              + ", not an SQLite file; `sluice store` checks SQLite files: give one with --db FILE");
    }
    return Path.of(where);
  }

  @Command(
      name = "check",
      description = {
        "Run SQLite's full integrity_check and Sluice's schema check on the run history.",
        "Not time-bounded (unlike the check at open): it reads every page, about 0.1-0.5 s per"
            + " 100 MB."
      },
      mixinStandardHelpOptions = true,
      footer = {"", "Exit codes: 0 healthy, 3 corrupt or not a Sluice run history, 1 error."})
  static final class Check implements Callable<Integer> {
    private final Context context;
    @Spec CommandSpec spec;

    @Option(
        names = "--db",
        paramLabel = "FILE",
        description = "The SQLite file (default: the store setting).")
    @Nullable Path db;

    Check(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      Path file = database(context, db);
      SqliteStoreFiles.Check check;
      try {
        check = SqliteStoreFiles.check(file, context.settings());
      } catch (RunStoreException e) {
        throw new CliException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
      }
      PrintWriter out = spec.commandLine().getOut();
      switch (check.verdict()) {
        case HEALTHY ->
            out.println(
                check.file()
                    + ": healthy (SQLite's integrity_check found no problem; Sluice schema version "
                    + check.schemaVersion()
                    + ")");
        case NOT_SLUICE -> out.println(check.file() + ": " + check.problems().get(0));
        case CORRUPT -> {
          out.println(check.file() + ": CORRUPT. SQLite reports:");
          check.problems().forEach(p -> out.println("  " + p));
          out.println(
              "Sluice writes nothing to it. Copy what can be read to a new file with `sluice store"
                  + " recover --db "
                  + check.file()
                  + " --to NEW.db`, then point the store setting at NEW.db.");
        }
      }
      out.flush();
      return check.healthy() ? 0 : CORRUPT;
    }
  }

  @Command(
      name = "recover",
      description = {
        "Copy every row that can still be read to a new file, apply Sluice's migrations, and store"
            + " there the records kept aside for the corrupt file. Never changes the source file;"
            + " refuses an existing target."
      },
      mixinStandardHelpOptions = true)
  static final class Recover implements Callable<Integer> {
    private final Context context;
    @Spec CommandSpec spec;

    @Option(
        names = "--db",
        paramLabel = "FILE",
        description = "The damaged SQLite file (default: the store setting).")
    @Nullable Path db;

    @Option(
        names = "--to",
        paramLabel = "NEW.db",
        required = true,
        description = "The new file to write; must not exist.")
    Path to;

    Recover(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      Path file = database(context, db);
      SqliteStoreFiles.Recovery recovery;
      try {
        recovery = SqliteStoreFiles.recover(file, to, context.settings());
      } catch (RunStoreException e) {
        throw new CliException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "Recovered "
              + recovery.from()
              + " into "
              + recovery.to()
              + ": "
              + recovery.rowsCopied()
              + " rows copied, about "
              + recovery.rowsSkipped()
              + " unreadable rows lost"
              + (recovery.skipped().isEmpty() ? "" : " " + recovery.skipped())
              + ", "
              + recovery.journals()
              + " journals of records kept aside stored.");
      out.println(
          recovery.to()
              + (recovery.check().healthy() ? " checks healthy." : " does NOT check healthy."));
      out.println(
          "The source was not changed. Point the store at the new file: `sluice config set store "
              + recovery.to()
              + "` (or SLUICE_STORE / sluice.store).");
      out.flush();
      return recovery.check().healthy() ? 0 : CORRUPT;
    }
  }
}
