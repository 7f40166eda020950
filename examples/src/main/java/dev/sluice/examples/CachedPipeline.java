package dev.sluice.examples;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.CachePolicy;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * Caching a slow task: {@code train model} takes two seconds, is cached by its inputs and code, and
 * its results are kept on disk for a day. The example runs the flow twice, each time with a new
 * Sluice (as two separate program runs would): the first run computes, the second ends {@code
 * Cached} at once, read back from the disk cache. Run it again and both are Cached; edit the body
 * of {@link #train} (or pass another {@code --epochs}) and it computes again.
 *
 * <p>Run it with {@code ./dev example CachedPipeline [--epochs N] [--cache-dir DIR]}; the cache
 * lives in {@code $SLUICE_HOME/cache} ({@code ~/.sluice/cache}) unless a directory is given.
 */
public final class CachedPipeline {
  /** A trained model: what the slow task returns, and the cache stores as JSON. */
  public record Model(int epochs, List<Double> weights, double loss) {}

  /** The pipeline. */
  public static final Flow<String> FLOW =
      Flows.named("cached-training")
          .description("Train a model slowly, once; report on it every time")
          .returning(
              f -> {
                var epochs = f.param("epochs", Integer.class).withDefault(3);
                var data = f.task("load data", CachedPipeline::load);
                var model =
                    f.task("train model", data, epochs, CachedPipeline::train)
                        .cache(CachePolicy.inputs(), CachePolicy.code())
                        .cacheFor(Duration.ofDays(1));
                return f.task("report", model, CachedPipeline::report);
              });

  private CachedPipeline() {}

  static List<Double> load() {
    return IntStream.range(0, 8).mapToObj(i -> i * 0.5).toList();
  }

  /** The slow step: two seconds of "training". */
  static Model train(List<Double> data, Integer epochs) throws InterruptedException {
    Thread.sleep(2_000);
    double scale = 1.0 / (1 + epochs);
    List<Double> weights = data.stream().map(x -> Math.round(x * scale * 1000) / 1000.0).toList();
    return new Model(epochs, weights, Math.round(scale * 10_000) / 10_000.0);
  }

  static String report(Model model) {
    return "model after " + model.epochs() + " epochs, loss " + model.loss();
  }

  /** Runs the flow twice, each with a fresh Sluice sharing the disk cache, printing summaries. */
  public static void main(String[] args) {
    Map<String, Object> parameters = new java.util.HashMap<>();
    @Nullable Path cacheDir = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--epochs") && i + 1 < args.length) {
        parameters.put("epochs", args[++i]);
      } else if (args[i].equals("--cache-dir") && i + 1 < args.length) {
        cacheDir = Path.of(args[++i]);
      } else {
        System.err.println("usage: CachedPipeline [--epochs N] [--cache-dir DIR]");
        System.exit(2);
      }
    }
    for (int round = 1; round <= 2; round++) {
      FlowRun run = runOnce(cacheDir, parameters);
      System.out.println();
      System.out.println("Run " + round + ": " + run.result());
      System.out.print(run.summary());
      if (!run.state().isCompleted()) {
        System.exit(1);
      }
    }
  }

  /** One run with a new Sluice, so the second run finds the result on disk, not in memory. */
  static FlowRun runOnce(@Nullable Path cacheDir, Map<String, Object> parameters) {
    Sluice.Builder builder = Sluice.builder();
    if (cacheDir != null) {
      builder.cacheDirectory(cacheDir);
    }
    try (Sluice sluice = builder.build()) {
      return sluice.run(FLOW, parameters);
    }
  }
}
