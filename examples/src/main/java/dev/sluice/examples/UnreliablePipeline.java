package dev.sluice.examples;

import dev.sluice.BatchJob;
import dev.sluice.Flows;
import dev.sluice.api.Flow;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed tutorial's pipeline in Java: an API call that fails half the time, retried up to 4 times
 * two seconds apart; the data is augmented with a message and written out.
 *
 * <p>Run it with {@code ./dev demo} (or {@code ./dev demo --msg="Now we're cooking!"}; {@code ./dev
 * demo --help} lists its parameters and options). It is a {@link BatchJob}: its exit code says how
 * the run ended (0 Completed, 1 Failed...), and {@code SLUICE_EXECUTOR=subprocess ./dev demo} runs
 * its tasks in worker JVMs, which find the flow in {@link #FLOW}.
 */
public final class UnreliablePipeline {
  private static final Logger log = LoggerFactory.getLogger(UnreliablePipeline.class);

  /** The pipeline. */
  public static final Flow<Void> FLOW =
      Flows.named("previously-unreliable-pipeline")
          .description("Call an unreliable API, augment its data, write the result")
          .define(
              f -> {
                var msg =
                    f.param("msg", String.class)
                        .withDefault("Hello")
                        .describedAs("the message written with the data");
                var data =
                    f.task("Get data from API", UnreliablePipeline::callUnreliableApi)
                        .retries(4)
                        .retryDelay(Duration.ofSeconds(2));
                var augmented =
                    f.task("Add message to data", data, msg, UnreliablePipeline::augment);
                f.task("Write results to database", augmented, UnreliablePipeline::write);
              });

  private UnreliablePipeline() {}

  /** Fails half the time, like the tutorial's API. */
  static Map<String, Object> callUnreliableApi() {
    if (ThreadLocalRandom.current().nextBoolean()) {
      throw new IllegalStateException("Our unreliable service failed");
    }
    return Map.of("data", 42);
  }

  static Map<String, Object> augment(Map<String, Object> data, String msg) {
    Map<String, Object> augmented = new HashMap<>(data);
    augmented.put("message", msg);
    return augmented;
  }

  static String write(Map<String, Object> data) {
    log.info("Wrote {} to database successfully!", data);
    return "Success!";
  }

  /** Runs the pipeline once as a batch job: prints its summary and exits with its outcome. */
  public static void main(String[] args) {
    BatchJob.run(FLOW, args);
  }
}
