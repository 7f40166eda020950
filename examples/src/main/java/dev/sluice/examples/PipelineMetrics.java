package dev.sluice.examples;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.micrometer.SluiceMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Micrometer metrics of a run: a task that fails twice before it succeeds, then the meters Sluice
 * reported (run counts by final state, durations, the retry waits). Run it with {@code ./dev
 * example PipelineMetrics}. In an application, pass its own registry instead of the simple one.
 */
public final class PipelineMetrics {
  private static final AtomicInteger calls = new AtomicInteger();

  /** The pipeline. */
  public static final Flow<Void> FLOW =
      Flows.named("metered")
          .define(
              f -> {
                var data =
                    f.task("fetch", PipelineMetrics::fetch)
                        .retries(2)
                        .retryDelay(Duration.ofMillis(100));
                f.task("count", data, String::length);
              });

  private PipelineMetrics() {}

  static String fetch() throws IOException {
    if (calls.incrementAndGet() < 3) {
      throw new IOException("the service is busy");
    }
    return "payload";
  }

  /** Runs the flow and prints the meters. */
  public static void main(String[] args) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Sluice sluice =
        Sluice.builder()
            .discoverListeners(false) // this registry only, not also the global one
            .listener(SluiceMetrics.listener(registry))
            .build()) {
      sluice.run(FLOW);
    }
    System.out.println(registry.getMetersAsString());
  }
}
