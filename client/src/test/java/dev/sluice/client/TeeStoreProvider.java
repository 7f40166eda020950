package dev.sluice.client;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.ApiTokens;
import dev.sluice.api.store.CancelOutcome;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.IngestBatch;
import dev.sluice.api.store.LogCapture;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunHistory;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunRecorder;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStoreProvider;
import dev.sluice.api.store.RunStores;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * For tests: {@code tee:<server URL>|<SQLite file>} records every record the engine makes both
 * through the server and into a local SQLite file, so one run's identical records can be read back
 * from both and compared.
 */
public final class TeeStoreProvider implements RunStoreProvider {
  static final String PREFIX = "tee:";

  /** The location that tees to {@code url} and {@code file}. */
  static String location(String url, String file) {
    return PREFIX + url + "|" + file;
  }

  @Override
  public String name() {
    return "tee";
  }

  @Override
  public boolean accepts(String location) {
    return location.startsWith(PREFIX);
  }

  @Override
  public RunStore open(String location, Settings settings) {
    String[] parts = location.substring(PREFIX.length()).split("\\|", 2);
    RunStore remote = new RemoteStoreProvider().open(parts[0], settings);
    RunStore local = RunStores.open(parts[1], Settings.of(java.util.Map.of()));
    return new Tee(remote, local);
  }

  /** Both stores: writes go to both, reads and cancels to the remote one. */
  record Tee(RunStore remote, RunStore local) implements RunStore, RunRecorder {
    @Override
    public String location() {
      return remote.location();
    }

    @Override
    public RunRecorder recorder() {
      return this;
    }

    @Override
    public RunHistory history() {
      return remote.history();
    }

    @Override
    public boolean isKnownDead(RunOwner owner) {
      return false;
    }

    @Override
    public int markDeadRunsCrashed() {
      return 0;
    }

    @Override
    public LogCapture captureLogs() {
      LogCapture a = remote.captureLogs();
      LogCapture b = local.captureLogs();
      return new LogCapture() {
        @Override
        public String backend() {
          return a.backend();
        }

        @Override
        public boolean active() {
          return a.active() && b.active();
        }

        @Override
        public void close() {
          a.close();
          b.close();
        }
      };
    }

    @Override
    public CancelOutcome requestCancel(UUID flowRunId, String reason) {
      return remote.requestCancel(flowRunId, reason);
    }

    @Override
    public Set<UUID> cancelRequested(Collection<UUID> flowRunIds) {
      return remote.cancelRequested(flowRunIds);
    }

    @Override
    public void onCancelRequested(Consumer<UUID> handler) {
      remote.onCancelRequested(handler);
    }

    @Override
    public ApiTokens tokens() {
      return remote.tokens();
    }

    @Override
    public void close() {
      try {
        remote.close();
      } finally {
        local.close();
      }
    }

    @Override
    public void flowRunStarted(FlowRunStart start) {
      remote.recorder().flowRunStarted(start);
      local.recorder().flowRunStarted(start);
    }

    @Override
    public void flowRunStateChanged(FlowRunEvent event) {
      remote.recorder().flowRunStateChanged(event);
      local.recorder().flowRunStateChanged(event);
    }

    @Override
    public void taskRunStateChanged(TaskRunEvent event) {
      remote.recorder().taskRunStateChanged(event);
      local.recorder().taskRunStateChanged(event);
    }

    @Override
    public void log(LogLine line) {
      remote.recorder().log(line);
      local.recorder().log(line);
    }

    @Override
    public void ingest(IngestBatch batch) {
      remote.recorder().ingest(batch);
      local.recorder().ingest(batch);
    }

    @Override
    public boolean flush(Duration timeout) {
      boolean remoteFlushed = remote.recorder().flush(timeout);
      boolean localFlushed = local.recorder().flush(timeout);
      return remoteFlushed && localFlushed;
    }
  }
}
