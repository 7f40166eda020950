package dev.sluice.cli;

import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.CancelOutcome;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.FlowRunQuery;
import dev.sluice.api.store.FlowRunSummary;
import dev.sluice.api.store.RunHistory;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStoreException;
import dev.sluice.api.store.RunStores;
import dev.sluice.engine.internal.EngineSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The run store the read commands use, opened from the {@code store} setting the way the engine
 * opens it — but never created: a missing database is an error that says where the command looked
 * and how to get one.
 */
final class History implements AutoCloseable {
  private static final Pattern ID_TEXT = Pattern.compile("[0-9a-fA-F-]{1,36}");
  private static final int MIN_PREFIX = 4;

  private final RunStore store;

  private History(RunStore store) {
    this.store = store;
  }

  static History open(Context context) {
    Settings settings = context.settings();
    Optional<String> location = EngineSettings.storeLocation(settings);
    if (location.isEmpty()) {
      throw new CliException(
          "run history is off: the store setting is '"
              + settings.raw(EngineSettings.STORE.key()).orElse("")
              + "' ("
              + settings.source("store").map(ConfigCommand::sourceName).orElse("default")
              + "), so nothing is recorded or read. Point it at a database, e.g. `sluice config"
              + " unset store` for $SLUICE_HOME/sluice.db");
    }
    String where = location.get();
    if (!where.regionMatches(true, 0, "jdbc:", 0, 5)
        && !where.regionMatches(true, 0, "http://", 0, 7)
        && !where.regionMatches(true, 0, "https://", 0, 8)) {
      Path file = Path.of(where);
      if (!Files.exists(file)) {
        throw new CliException(
            "no run history yet: "
                + file
                + " does not exist. Sluice creates it when a flow runs with recording on (the"
                + " default) — run one, e.g. `./dev demo` — or point SLUICE_HOME or the store"
                + " setting at an existing database (see `sluice config view`)");
      }
      if (Files.isDirectory(file) || !Files.isReadable(file)) {
        throw new CliException(
            "cannot read the run history "
                + file
                + ": it is "
                + (Files.isDirectory(file) ? "a directory" : "not readable by this user")
                + "; fix its permissions or point the store setting at another file");
      }
    }
    RunStore store;
    try {
      store = RunStores.open(where, settings);
    } catch (RunStoreException e) {
      throw new CliException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
    }
    History history = new History(store);
    try {
      // Like the engine on start: a run whose process is gone is Crashed, not Running forever.
      history.markDeadRunsCrashed();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return history;
  }

  /** Marks Crashed the unfinished runs whose process on this host is known to be dead. */
  void markDeadRunsCrashed() {
    try {
      store.markDeadRunsCrashed();
    } catch (RunStoreException e) {
      throw new CliException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
    }
  }

  /** Whether the process that ran a run with this owner is known to be gone (the store judges). */
  boolean isKnownDead(RunOwner owner) {
    return store.isKnownDead(owner);
  }

  /** Asks for the run to be cancelled (see {@link RunStore#requestCancel}). */
  CancelOutcome requestCancel(UUID flowRunId, String reason) {
    try {
      return store.requestCancel(flowRunId, reason);
    } catch (RunStoreException e) {
      throw new CliException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
    }
  }

  RunHistory history() {
    return store.history();
  }

  String location() {
    return store.location();
  }

  /**
   * The flow run {@code idText} names: a whole id, or the start of exactly one run's id.
   *
   * @throws CliException when no run or several runs match
   */
  FlowRunDetail flowRun(String idText) {
    String text = idText.strip().toLowerCase(Locale.ROOT);
    if (text.length() == 36) {
      UUID id = UUID.fromString(text);
      return history()
          .flowRun(id)
          .orElseThrow(
              () ->
                  new CliException(
                      "no flow run "
                          + id
                          + " in "
                          + location()
                          + "; list the runs with `sluice flow-run ls`"));
    }
    List<FlowRunSummary> matches = history().flowRuns(FlowRunQuery.recent(11).withIdPrefix(text));
    if (matches.isEmpty()) {
      throw new CliException(
          "no flow run id starts with '"
              + text
              + "' in "
              + location()
              + "; list the runs with `sluice flow-run ls`");
    }
    if (matches.size() > 1) {
      StringBuilder message =
          new StringBuilder(
              "'" + text + "' is the start of several flow run ids; give more of it:");
      matches.stream()
          .limit(10)
          .forEach(r -> message.append("\n  ").append(r.id()).append("  ").append(r.flowName()));
      if (matches.size() > 10) {
        message.append("\n  ...");
      }
      throw new CliException(message.toString());
    }
    return history().flowRun(matches.get(0).id()).orElseThrow();
  }

  /** Null when {@code text} can name a flow run (an id or a prefix of one), else the problem. */
  static @Nullable String checkIdText(String text) {
    String value = text.strip();
    boolean ok =
        ID_TEXT.matcher(value).matches()
            && (value.length() == 36 ? parses(value) : value.length() >= MIN_PREFIX);
    return ok
        ? null
        : "'"
            + text
            + "' is not a flow run id: give an id such as 019a6b7c-1d2e-7f00-8a9b-0c1d2e3f4a5b, or"
            + " at least its first "
            + MIN_PREFIX
            + " characters, as `sluice flow-run ls` prints them";
  }

  private static boolean parses(String value) {
    try {
      return UUID.fromString(value).toString().equalsIgnoreCase(value);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public void close() {
    store.close();
  }
}
