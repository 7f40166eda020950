package dev.sluice;

import dev.sluice.api.internal.Progress;
import dev.sluice.api.internal.TerminalLine;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Shows a run's progress while it runs: on a terminal, one line redrawn in place at the bottom of
 * the output, which other output (a task's {@code System.out}, a log line) clears before it is
 * written and which comes back after it; elsewhere, a plain line now and then. A daemon thread
 * redraws it; {@link #close()} stops it and clears the line.
 */
final class ProgressDisplay implements AutoCloseable {
  /** How often the terminal line is redrawn, so its clock ticks. */
  static final Duration TERMINAL_INTERVAL = Duration.ofMillis(250);

  /** How often a plain progress line is printed when the output is no terminal. */
  static final Duration PLAIN_INTERVAL = Duration.ofSeconds(30);

  private final PrintStream target;
  private final @Nullable TerminalLine line;
  private final Supplier<Optional<Progress>> progress;
  private final @Nullable Thread ticker;
  private boolean atLineStart = true; // guarded by this
  private boolean closed; // guarded by this

  private ProgressDisplay(
      PrintStream target,
      @Nullable TerminalLine line,
      Supplier<Optional<Progress>> progress,
      @Nullable Duration interval) {
    this.target = target;
    this.line = line;
    this.progress = progress;
    if (interval == null) {
      this.ticker = null;
      return;
    }
    long millis = interval.toMillis();
    this.ticker =
        Thread.ofPlatform()
            .daemon()
            .name("sluice-progress")
            .start(
                () -> {
                  try {
                    while (true) {
                      Thread.sleep(millis);
                      tick();
                    }
                  } catch (InterruptedException e) {
                    // closed
                  }
                });
  }

  /** Shows nothing. */
  static ProgressDisplay none(PrintStream out) {
    return new ProgressDisplay(out, null, Optional::empty, null);
  }

  /** Redraws the progress line on {@code console}, a terminal, every {@code interval}. */
  static ProgressDisplay onTerminal(
      PrintStream console,
      TerminalLine line,
      Supplier<Optional<Progress>> progress,
      @Nullable Duration interval) {
    return new ProgressDisplay(console, line, progress, interval);
  }

  /** Prints a plain progress line to {@code out} every {@code interval}. */
  static ProgressDisplay plain(
      PrintStream out, Supplier<Optional<Progress>> progress, Duration interval) {
    return new ProgressDisplay(out, null, progress, interval);
  }

  /**
   * A stream that writes to {@code stream} — the terminal, or another stream shown on it — after
   * clearing the progress line, and redraws the line after each line written. Without a terminal
   * line, {@code stream} itself.
   */
  PrintStream relay(PrintStream stream) {
    if (line == null) {
      return stream;
    }
    OutputStream relay =
        new OutputStream() {
          @Override
          public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] bytes, int offset, int length) {
            if (length > 0) {
              written(stream, bytes, offset, length);
            }
          }

          @Override
          public void flush() {
            stream.flush();
          }
        };
    return new PrintStream(relay, true, stream.charset());
  }

  private synchronized void written(PrintStream stream, byte[] bytes, int offset, int length) {
    TerminalLine shown = line;
    if (shown != null && shown.isShown()) {
      target.print(shown.clear());
      target.flush();
    }
    stream.write(bytes, offset, length);
    stream.flush();
    atLineStart = bytes[offset + length - 1] == '\n';
    if (atLineStart) {
      draw();
    }
  }

  /** Draws (on a terminal) or prints (elsewhere) the progress as it is now. */
  synchronized void tick() {
    if (closed) {
      return;
    }
    if (line != null) {
      if (atLineStart) {
        draw();
      }
      return;
    }
    progress.get().ifPresent(p -> target.println("progress: " + p.line()));
    target.flush();
  }

  private void draw() {
    TerminalLine drawn = line;
    if (closed || drawn == null) {
      return;
    }
    Optional<Progress> now = progress.get();
    if (now.isPresent()) {
      target.print(drawn.draw(now.get().line()));
      target.flush();
    }
  }

  /** Stops redrawing and clears the line. */
  @Override
  public void close() {
    Thread thread = ticker;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      closed = true;
      if (line != null) {
        target.print(line.clear());
        target.flush();
      }
    }
  }
}
