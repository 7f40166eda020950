package dev.sluice.server;

import dev.sluice.Sluice;
import dev.sluice.api.RunOptions;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A server with demo history, for looking at the dashboard by hand: {@code UiDemo [port] [dir]}
 * fills {@code dir/sluice.db} (default {@code server/target/ui-demo}) with weeks of past runs and a
 * few real ones, then serves it on {@code port} (default 4200) until stopped. Given a {@code .db}
 * file instead of a directory, it serves that database as it is.
 */
public final class UiDemo {
  private UiDemo() {}

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 4200;
    Path given = Path.of(args.length > 1 ? args[1] : "target/ui-demo").toAbsolutePath();
    boolean file = given.toString().endsWith(".db");
    Path dir = file ? given.getParent() : given;
    Files.createDirectories(dir);
    String location = file ? given.toString() : dir.resolve("sluice.db").toString();
    boolean fresh = !file && !Files.exists(dir.resolve("sluice.db"));
    try (RunStore store = RunStores.open(location, Map.of());
        Sluice sluice =
            Sluice.builder()
                .executor("threadpool")
                .setting("home", dir.toString())
                .setting("store", location)
                .build()) {
      if (fresh) {
        System.out.println("past runs: " + DemoRuns.past(store, 30, 7));
        for (int i = 0; i < 3; i++) {
          var unused =
              sluice.run(
                  DemoRuns.ETL,
                  Map.of("day", "2026-12-0" + (4 + i)),
                  RunOptions.none().withName("nightly 2026-12-0" + (4 + i)).withTags("etl"));
        }
        var unused = sluice.run(DemoRuns.REPORT, Map.of(), RunOptions.none().withTags("reports"));
        sluice.runStore().orElseThrow().recorder().flush(Duration.ofSeconds(30));
      }
      try (SluiceServer server = SluiceServer.builder().store(store).port(port).start()) {
        System.out.println("dashboard at " + server.uri());
        server.join();
      }
    }
  }
}
