package dev.sluice.engine.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.RunListener;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.FlowInfo;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.LogCapture;
import dev.sluice.api.store.RunOwner;
import dev.sluice.api.store.RunRecorder;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStoreProvider;
import dev.sluice.api.store.RunStores;
import dev.sluice.wire.Json;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records this engine's flow runs in the run store the {@code store} setting names (default: SQLite
 * at {@code $SLUICE_HOME/sluice.db}, when {@code sluice-store} is on the class path). As a {@link
 * RunListener} it hands every transition to the store's asynchronous writer; it also tells the
 * store about each flow run as it is created, and captures the runs' log lines. When recording is
 * off it is not registered as a listener, so it costs the hot path nothing.
 */
final class Recording implements RunListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Recording.class);

  static final Recording OFF = new Recording(null, null);

  private final @Nullable RunStore store;
  private final @Nullable RunRecorder recorder;
  private final @Nullable LogCapture capture;
  private final Map<Flow<?>, FlowInfo> flows = Collections.synchronizedMap(new WeakHashMap<>());

  private Recording(@Nullable RunStore store, @Nullable LogCapture capture) {
    this.store = store;
    this.recorder = store == null ? null : store.recorder();
    this.capture = capture;
  }

  /**
   * Opens the store the settings name. With no {@code store} setting and no store implementation on
   * the class path, recording is off; a store that cannot be opened is an error at start.
   */
  static Recording open(Settings settings, @Nullable ClassLoader loader) {
    Optional<String> location = EngineSettings.storeLocation(settings);
    if (location.isEmpty()) {
      return OFF;
    }
    if (settings.source(EngineSettings.STORE.key()).isEmpty()
        && settings.source(EngineSettings.API_URL_KEY).isEmpty()
        && ServiceLoader.load(RunStoreProvider.class, loader).findFirst().isEmpty()) {
      log.debug("run history is off: sluice-store is not on the class path");
      return OFF;
    }
    boolean captureLogs = settings.get(EngineSettings.STORE_CAPTURE_LOGS);
    RunStore store = RunStores.open(location.get(), settings, loader);
    try {
      int crashed = store.markDeadRunsCrashed();
      if (crashed > 0) {
        log.info(
            "marked {} flow run{} Crashed in {}: the process running {} ended before {} did",
            crashed,
            crashed == 1 ? "" : "s",
            store.location(),
            crashed == 1 ? "it" : "them",
            crashed == 1 ? "it" : "they");
      }
      return new Recording(store, captureLogs ? store.captureLogs() : null);
    } catch (RuntimeException | Error e) {
      store.close();
      throw e;
    }
  }

  /** Whether runs are recorded. */
  boolean active() {
    return recorder != null;
  }

  /**
   * The recorder the engine's own run messages go to directly ({@link RunMessages}): when log
   * capture is on but cannot attach to the bound backend (no SLF4J provider, or an unsupported
   * one); null otherwise.
   */
  @Nullable RunRecorder uncapturedRecorder() {
    return capture != null && !capture.active() ? recorder : null;
  }

  /** The store, when recording. */
  Optional<RunStore> store() {
    return Optional.ofNullable(store);
  }

  /** A flow run was created; called before its first transition is told. */
  void created(Execution execution, Flow<?> flow) {
    RunRecorder r = recorder;
    if (r == null) {
      return;
    }
    FlowInfo info = flows.computeIfAbsent(flow, FlowInfo::of);
    r.flowRunStarted(
        new FlowRunStart(
            execution.id,
            info,
            parametersJson(execution.parameterMap()),
            execution.parentTaskRunId(),
            execution.parentFlowRunId(),
            execution.startInstant(),
            RunOwner.current(),
            execution.options.name(),
            execution.options.tags(),
            execution.options.idempotencyKey()));
  }

  private static String parametersJson(Map<String, @Nullable Object> parameters) {
    try {
      return Json.writer().writeValueAsString(parameters);
    } catch (JsonProcessingException e) {
      // A parameter Jackson cannot write is recorded by its text, so the run is still recorded.
      Map<String, @Nullable String> text = new LinkedHashMap<>();
      parameters.forEach((k, v) -> text.put(k, v == null ? null : String.valueOf(v)));
      try {
        return Json.writer().writeValueAsString(text);
      } catch (JsonProcessingException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
  }

  @Override
  public void onFlowRunStateChanged(FlowRunEvent event) {
    RunRecorder r = recorder;
    if (r != null) {
      r.flowRunStateChanged(event);
    }
  }

  @Override
  public void onTaskRunStateChanged(TaskRunEvent event) {
    RunRecorder r = recorder;
    if (r != null) {
      r.taskRunStateChanged(event);
    }
  }

  /** Stops capturing logs, then commits everything recorded and closes the store. */
  @Override
  public void close() {
    try {
      if (capture != null) {
        capture.close();
      }
    } finally {
      if (store != null) {
        store.close();
      }
    }
  }
}
