package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting and stopping: a busy port, an exposed address, and no thread left behind. */
class LifecycleTest {
  @TempDir Path home;

  @Test
  void aPortInUseIsOneClearError() {
    try (RunStore store = RunStores.open(home.resolve("s.db").toString(), Map.of());
        SluiceServer first = SluiceServer.builder().store(store).port(0).start()) {
      assertThatThrownBy(() -> SluiceServer.builder().store(store).port(first.port()).start())
          .isInstanceOf(ServerStartException.class)
          .hasMessageContaining(":" + first.port())
          .hasMessageContaining("in use")
          .hasMessageContaining("--port");
    }
  }

  @Test
  void anyAddressWithoutATokenIsRefusedUnlessInsecure() {
    try (RunStore store = RunStores.open(home.resolve("s.db").toString(), Map.of())) {
      assertThatThrownBy(() -> SluiceServer.builder().store(store).host("0.0.0.0").port(0).start())
          .isInstanceOf(ServerStartException.class)
          .hasMessageContaining("without a token")
          .hasMessageContaining("--insecure");
      try (SluiceServer open =
          SluiceServer.builder().store(store).host("0.0.0.0").port(0).insecure(true).start()) {
        assertThat(open.port()).isPositive();
      }
      var unused = ServerTokens.create(store.tokens(), "admin", Scope.ADMIN);
      try (SluiceServer guarded =
          SluiceServer.builder().store(store).host("0.0.0.0").port(0).start()) {
        assertThat(guarded.port()).isPositive();
      }
    }
  }

  @Test
  void aStoppedServerLeavesNoLiveThreadAndAnswersNoMore() throws Exception {
    try (RunStore store = RunStores.open(home.resolve("s.db").toString(), Map.of())) {
      SluiceServer server = SluiceServer.builder().store(store).port(0).start();
      Http http = new Http(server.uri());
      assertThat(http.get("/api/v1/health").status()).isEqualTo(200);
      server.close();
      assertThatThrownBy(() -> http.get("/api/v1/health"))
          .isInstanceOf(java.io.UncheckedIOException.class);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (serverThreads() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(Thread.getAllStackTraces().keySet())
          .filteredOn(t -> t.getName().startsWith("sluice-server") && t.isAlive())
          .isEmpty();
    }
  }

  private static long serverThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("sluice-server") && t.isAlive())
        .count();
  }
}
