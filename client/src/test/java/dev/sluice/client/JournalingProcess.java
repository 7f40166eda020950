package dev.sluice.client;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RunRecorder;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A separate JVM, started by {@link RemoteRunStoreTest}, that records one run of {@code LINES} log
 * lines through a server that is not there, closes its store (which keeps the records in the
 * journal) and ends, printing {@code RUN <id>}.
 *
 * <pre>
 *   JournalingProcess URL JOURNAL_DIR LINES
 * </pre>
 */
public final class JournalingProcess {
  private JournalingProcess() {}

  public static void main(String[] args) {
    String url = args[0];
    String journalDir = args[1];
    int lines = Integer.parseInt(args[2]);
    UUID run = UUID.randomUUID();
    List<Object> records = TestRecords.run(run, lines);
    try (RunStore store =
        RunStores.open(
            url,
            Settings.of(
                Map.of(
                    "api.queue", "10",
                    "api.journal-dir", journalDir,
                    "api.timeout", "PT1S")))) {
      hand(store.recorder(), records);
    }
    System.out.println("RUN " + run);
  }

  static void hand(RunRecorder recorder, List<Object> records) {
    for (Object r : records) {
      switch (r) {
        case FlowRunStart s -> recorder.flowRunStarted(s);
        case FlowRunEvent e -> recorder.flowRunStateChanged(e);
        case TaskRunEvent e -> recorder.taskRunStateChanged(e);
        case LogLine l -> recorder.log(l);
        default -> throw new IllegalArgumentException("not a record: " + r);
      }
    }
  }
}
