package dev.sluice.cli;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.RunHandle;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process for {@link CrashedRunTest}: starts a recorded flow whose task never ends, prints the
 * run's id, and waits to be killed.
 */
final class HangingFlow {
  private static final Logger log = LoggerFactory.getLogger(HangingFlow.class);

  private HangingFlow() {}

  public static void main(String[] args) throws Exception {
    Flow<Void> flow =
        Flows.named("hanging")
            .define(
                f ->
                    f.action(
                        "hang",
                        () -> {
                          log.info("about to hang");
                          Thread.sleep(Long.MAX_VALUE);
                        }));
    // A short lease: once this process is killed, the commands see it expire within a second.
    Sluice sluice =
        Recording.builder(Path.of(args[0]))
            .setting("store.lease-heartbeat", "PT0.2S")
            .setting("store.lease-timeout", "PT1S")
            .build();
    RunHandle handle = sluice.start(flow, Map.of());
    System.out.println(handle.id());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
