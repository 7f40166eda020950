package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.store.RunOwner;
import org.junit.jupiter.api.Test;

class OwnerLivenessTest {
  private final RunOwner self = RunOwner.current();

  @Test
  void thisProcessIsAlive() {
    assertThat(OwnerLiveness.isKnownDead(self)).isFalse();
  }

  @Test
  void aProcessOfThisHostThatEndedIsDead() throws Exception {
    Process gone =
        new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    gone.waitFor();
    assertThat(OwnerLiveness.isKnownDead(new RunOwner(self.host(), gone.pid(), null))).isTrue();
  }

  @Test
  void aReusedPidIsDeadForTheOwnerThatStartedEarlier() {
    assertThat(self.processStart()).isNotNull();
    RunOwner earlier = new RunOwner(self.host(), self.pid(), self.processStart().minusSeconds(60));
    assertThat(OwnerLiveness.isKnownDead(earlier)).isTrue();
  }

  @Test
  void anOwnerOnAnotherHostIsNeverKnownDead() {
    assertThat(OwnerLiveness.isKnownDead(new RunOwner("elsewhere.example", Long.MAX_VALUE, null)))
        .isFalse();
  }
}
