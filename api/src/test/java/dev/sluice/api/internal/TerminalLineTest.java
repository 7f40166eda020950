package dev.sluice.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a redrawn line prints: the terminal's behaviour is not tested, the strings are. */
class TerminalLineTest {
  @Test
  void aLineIsDrawnFromTheStartAndAShorterOneCoversTheRestOfTheLongerOne() {
    TerminalLine line = new TerminalLine(80);

    assertThat(line.isShown()).isFalse();
    assertThat(line.draw("12/20 done")).isEqualTo("\r12/20 done");
    assertThat(line.isShown()).isTrue();
    assertThat(line.draw("13/20")).isEqualTo("\r13/20     ");
    assertThat(line.draw("14/20 done!")).isEqualTo("\r14/20 done!");
  }

  @Test
  void clearingErasesWhatIsDrawnAndLeavesTheCursorAtTheStart() {
    TerminalLine line = new TerminalLine(80);

    assertThat(line.clear()).isEmpty();
    var unused = line.draw("abc");
    assertThat(line.clear()).isEqualTo("\r   \r");
    assertThat(line.isShown()).isFalse();
    assertThat(line.clear()).isEmpty();
    assertThat(line.draw("x")).isEqualTo("\rx"); // nothing left of "abc" to cover
  }

  @Test
  void aLineTooWideIsCutSoTheTerminalNeverWrapsIt() {
    TerminalLine line = new TerminalLine(20);

    String drawn = line.draw("a-very-long-flow-name: 1/3 done");

    assertThat(drawn).isEqualTo("\ra-very-long-flow-n…");
    assertThat(drawn.length() - 1).isEqualTo(19);
    assertThat(line.draw("two\nlines")).isEqualTo("\rtwo lines          ");
  }

  @Test
  void theWidthComesFromColumnsWhenTheShellExportsIt() {
    assertThat(TerminalLine.columns(Map.of("COLUMNS", "132"))).isEqualTo(132);
    assertThat(TerminalLine.columns(Map.of("COLUMNS", "wide"))).isEqualTo(80);
    assertThat(TerminalLine.columns(Map.of())).isEqualTo(80);
  }
}
