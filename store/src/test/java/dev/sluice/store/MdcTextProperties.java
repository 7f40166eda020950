package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** A log line's MDC survives its text encoding, whatever its keys and values hold. */
class MdcTextProperties {
  @Property
  void decodingAnEncodedMdcGivesItBack(
      @ForAll @Size(max = 8)
          Map<
                  @StringLength(min = 1, max = 12) @Chars({'a', 'b', '=', '\\', '\n', 'n', ' '})
                  String,
                  @StringLength(max = 12) @Chars({'x', '=', '\\', '\n', 'n', 'é', '\t'}) String>
              mdc) {
    assertThat(MdcText.decode(MdcText.encode(mdc))).isEqualTo(mdc);
  }
}
