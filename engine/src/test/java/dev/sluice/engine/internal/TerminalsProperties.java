package dev.sluice.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class TerminalsProperties {

  @Property(tries = 200)
  void onlyTheLastTerminalStepToEndEndsTheCount(
      @ForAll @Size(min = 1, max = 400) List<Boolean> terminal, @ForAll long seed) {
    boolean[] flags = new boolean[terminal.size()];
    List<Integer> steps = new ArrayList<>();
    for (int i = 0; i < flags.length; i++) {
      flags[i] = terminal.get(i);
      steps.add(i);
    }
    Collections.shuffle(steps, new Random(seed));
    long terminals = terminal.stream().filter(t -> t).count();

    Terminals.Countdown countdown = new Terminals(flags).start();
    List<Integer> lastOnes = new ArrayList<>();
    int endedTerminals = 0;
    for (int step : steps) {
      endedTerminals += flags[step] ? 1 : 0;
      if (countdown.ended(step)) {
        lastOnes.add(endedTerminals);
      }
    }

    // True once, when the last terminal step ends; never for a DAG with none (cannot happen).
    assertThat(lastOnes).isEqualTo(terminals == 0 ? List.of() : List.of((int) terminals));
  }

  @Property(tries = 20)
  void everyCountdownStartsAfresh(@ForAll @IntRange(min = 1, max = 300) int size) {
    boolean[] all = new boolean[size];
    java.util.Arrays.fill(all, true);
    Terminals terminals = new Terminals(all);
    for (int run = 0; run < 2; run++) {
      Terminals.Countdown countdown = terminals.start();
      int lastAt = -1;
      for (int i = 0; i < size; i++) {
        if (countdown.ended(i)) {
          lastAt = i;
        }
      }
      assertThat(lastAt).isEqualTo(size - 1);
    }
  }
}
