package dev.sluice.client;

import dev.sluice.api.FlowRunEvent;
import dev.sluice.api.State;
import dev.sluice.api.TaskRunEvent;
import dev.sluice.api.store.FlowRunStart;
import dev.sluice.api.store.IngestBatch;
import dev.sluice.api.store.LogLine;
import dev.sluice.api.store.RecordedException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * About how many characters a record's JSON takes, cheaply (without encoding it), so that a batch
 * stays well under the server's body limit ({@code server.max-body}, 8 MiB by default) however long
 * its log lines and stack traces are.
 */
final class RecordSizes {
  /**
   * The most characters one batch should hold: a quarter of the default body limit, so that text
   * outside ASCII (up to 3 bytes a character) and escapes still fit.
   */
  static final long MAX_BATCH_CHARS = 2_000_000;

  private RecordSizes() {}

  static long estimate(Object record) {
    return switch (record) {
      case LogLine l ->
          200 + l.message().length() + length(l.throwable()) + l.logger().length() + mdc(l.mdc());
      case TaskRunEvent e -> 400 + state(e.state()) + state(e.previous()) + length(e.cacheKey());
      case FlowRunEvent e -> 300 + state(e.state()) + state(e.previous());
      case FlowRunStart s ->
          600
              + s.parametersJson().length()
              + s.flow().mermaid().length()
              + s.flow().description().length()
              + 100L * s.flow().steps().size()
              + length(s.runName())
              + 50L * s.tags().size();
      case IngestBatch b -> b.records().stream().mapToLong(RecordSizes::estimate).sum();
      default -> 500;
    };
  }

  private static long state(@Nullable State state) {
    if (state == null) {
      return 0;
    }
    Throwable error =
        state instanceof State.Failed f
            ? f.error()
            : state instanceof State.Crashed c ? c.error() : null;
    long size = 100L + state.message().length();
    int causes = 0;
    for (Throwable t = error; t != null && causes < 20; t = t.getCause(), causes++) {
      size += 200 + length(t.getMessage());
      size +=
          t instanceof RecordedException r
              ? (long) RecordedException.stackTraceOf(r).length()
              : 100L * t.getStackTrace().length;
    }
    return size;
  }

  private static long mdc(Map<String, String> mdc) {
    long size = 0;
    for (Map.Entry<String, String> e : mdc.entrySet()) {
      size += 6 + e.getKey().length() + e.getValue().length();
    }
    return size;
  }

  private static long length(@Nullable String text) {
    return text == null ? 0 : text.length();
  }
}
