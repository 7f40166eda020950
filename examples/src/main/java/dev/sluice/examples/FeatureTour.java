package dev.sluice.examples;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.Outcome;
import dev.sluice.api.RetryPolicy;
import dev.sluice.api.RunListener;
import dev.sluice.api.RunOptions;
import dev.sluice.api.TaskRunEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One flow that uses every feature of the core DSL: parameters, typed tasks, a mapped step with a
 * bound on parallelism, a sub-flow, a condition, an optional step, an outcome edge that handles a
 * failure, an order-only edge, retries with backoff, a listener, and the DAG as Mermaid.
 *
 * <p>Run it with {@code ./dev mvn -q -pl examples -am package -DskipTests} and then {@code java -cp
 * "examples/target/classes:$(cat examples/target/classpath.txt)" dev.sluice.examples.FeatureTour}.
 */
public final class FeatureTour {
  private static final Logger log = LoggerFactory.getLogger(FeatureTour.class);

  /** A reusable child flow: normalizes one city name. */
  static final Flow<String> NORMALIZE =
      Flows.named("normalize")
          .returning(
              f -> {
                var city = f.param("city", String.class);
                return f.task("trim and capitalize", city, FeatureTour::capitalize);
              });

  private static final AtomicInteger weatherCalls = new AtomicInteger();

  /** The tour. */
  static final Flow<String> FLOW =
      Flows.named("feature-tour")
          .description("Fetch the weather for some cities and report it")
          .onCompletion(
              run -> log.info("hook: the tour completed in {} ms", run.duration().toMillis()))
          .returning(
              f -> {
                // Typed parameters, coerced from strings: "3" becomes 3.
                var cities = f.param("cities", String.class).withDefault(" oslo, lima ,cairo");
                var parallel = f.param("parallel", int.class).withDefault(2);
                var verbose = f.param("verbose", boolean.class).withDefault(false);

                // A task with one typed upstream.
                var names = f.task("split", cities, FeatureTour::split);

                // A sub-flow used as a step: its own flow run, linked to this one.
                var firstName = f.task("first", names, l -> l.get(0));
                var first = f.subflow("normalize first", NORMALIZE).with("city", firstName);

                // One task run per element, each with its own retries; at most 2 at once.
                var temperatures =
                    f.map("fetch temperature", names, FeatureTour::temperature)
                        .maxParallel(2)
                        .retryPolicy(
                            RetryPolicy.retries(3)
                                .exponentialBackoff(
                                    Duration.ofMillis(50), 2.0, Duration.ofSeconds(1))
                                .retryOn(IOException.class));

                // An optional step: if it fails, the flow does not.
                var forecast =
                    f.task("fetch forecast", names, FeatureTour::forecast).allowFailure();

                // An outcome edge: the report runs whatever happened to the forecast.
                var report =
                    f.task(
                        "report",
                        first,
                        temperatures,
                        forecast.outcome(),
                        (city, temps, outlook) ->
                            city
                                + " first; temperatures "
                                + temps
                                + "; forecast: "
                                + switch (outlook) {
                                  case Outcome.Success<String> s -> s.value();
                                  case Outcome.Failure<String> e ->
                                      "unavailable (" + e.error().getMessage() + ")";
                                  case Outcome.Skipped<String> s -> "skipped";
                                });

                // A condition: only runs when verbose is true; otherwise Skipped.
                f.action("details", temperatures, t -> log.info("every reading: {}", t))
                    .onlyIf(verbose);

                // An order-only edge: waits for the report without taking its value.
                f.action("cleanup", () -> log.info("cleaning up")).waitFor(report);

                // Parameters can feed any task; this one is unused by the others.
                f.action("show parallelism", parallel, p -> log.info("parallel = {}", p));
                return report;
              });

  private FeatureTour() {}

  static List<String> split(String cities) {
    return List.of(cities.split(",")).stream().map(String::strip).toList();
  }

  static String capitalize(String city) {
    String c = city.strip();
    return c.isEmpty() ? c : Character.toUpperCase(c.charAt(0)) + c.substring(1);
  }

  /** Fails the first call with an IOException, so the tour shows a retry. */
  static int temperature(String city) throws IOException {
    if (weatherCalls.incrementAndGet() == 1) {
      throw new IOException("weather service timed out for " + city);
    }
    return Math.abs(city.hashCode() % 35);
  }

  static String forecast(List<String> cities) {
    throw new IllegalStateException("the forecast service is down");
  }

  /** Runs the tour and prints its summary and its DAG. */
  public static void main(String[] args) {
    RunListener retries =
        new RunListener() {
          @Override
          public void onTaskRunStateChanged(TaskRunEvent e) {
            if (e.state().name().equals("Retrying")) {
              log.info("listener: {} starts attempt {}", e.taskName(), e.attempt());
            }
          }
        };
    try (Sluice sluice = Sluice.builder().listener(retries).build()) {
      // A name and tags for people and filters; an idempotency key so a retried start of the same
      // tour, while this one runs, returns this run instead of starting a second one.
      RunOptions options =
          RunOptions.none()
              .withName("the feature tour")
              .withTags("demo", "tour")
              .withIdempotencyKey("feature-tour");
      FlowRun run = sluice.run(FLOW, Map.of("verbose", "true"), options);
      System.out.println();
      System.out.println("Run '" + run.runName().orElseThrow() + "' tagged " + run.tags());
      System.out.println("Result: " + run.result());
      System.out.print(run.summary());
      System.out.println();
      System.out.println("The DAG in Mermaid:");
      System.out.print(FLOW.toMermaid());
    }
  }
}
