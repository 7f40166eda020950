package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.StateType;
import dev.sluice.api.internal.Progress;
import dev.sluice.api.internal.TerminalLine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The bytes the progress display writes; no terminal, no ticker (ticks are called by hand). */
class ProgressDisplayTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicReference<Optional<Progress>> now = new AtomicReference<>(Optional.empty());

  private String written() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static Optional<Progress> progress(int done) {
    Progress p = Progress.of("etl", 3, Duration.ofSeconds(done));
    for (int i = 0; i < done; i++) {
      p = p.plus(StateType.COMPLETED, true);
    }
    return Optional.of(p);
  }

  @Test
  void onATerminalOtherOutputClearsTheLineWhichComesBackAfterIt() {
    ProgressDisplay display =
        ProgressDisplay.onTerminal(console, new TerminalLine(80), now::get, null);
    PrintStream out = display.relay(console);

    display.tick(); // nothing to show before the run starts
    assertThat(written()).isEmpty();
    now.set(progress(1));
    display.tick();
    String line1 = "etl: 1/3 done, 0 running, 0 failed, 1 s elapsed";
    assertThat(written()).isEqualTo("\r" + line1);

    now.set(progress(2));
    out.print("a log line");
    display.tick(); // mid-line: the progress line must not be drawn into it
    out.println();
    String line2 = "etl: 2/3 done, 0 running, 0 failed, 2 s elapsed";
    assertThat(written())
        .isEqualTo(
            "\r"
                + line1
                + "\r"
                + " ".repeat(line1.length())
                + "\r"
                + "a log line\n"
                + "\r"
                + line2);

    display.close();
    assertThat(written()).endsWith("\r" + line2 + "\r" + " ".repeat(line2.length()) + "\r");
    display.tick();
    assertThat(written()).endsWith(" \r"); // closed: nothing more
  }

  @Test
  void elsewhereAPlainLineIsPrintedAtEachTickAndOutputIsUntouched() {
    ProgressDisplay display = ProgressDisplay.plain(console, now::get, Duration.ofHours(1));
    PrintStream out = display.relay(console);

    now.set(progress(1));
    out.println("a log line");
    display.tick();
    display.close();

    assertThat(out).isSameAs(console);
    assertThat(written())
        .isEqualTo("a log line\nprogress: etl: 1/3 done, 0 running, 0 failed, 1 s elapsed\n");
  }
}
