package dev.sluice.client;

import static dev.sluice.client.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.RunHandle;
import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.FlowRunDetail;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import dev.sluice.api.store.StoredLogLine;
import dev.sluice.api.store.TaskRunDetail;
import dev.sluice.wire.journal.JournalDir;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End to end: runs recorded through a real server in this JVM (over a real SQLite store), by a real
 * engine or by hand, read back through the API and compared with the same records stored locally.
 */
class RemoteRunStoreTest {
  private static final Logger log = LoggerFactory.getLogger(RemoteRunStoreTest.class);

  @TempDir Path dir;

  private @Nullable TestServer server;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void stopEverything() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    stopServer();
  }

  /** Starts the server over {@code server.db} on {@code port} (0: any); its URL. */
  private String startServer(int port) throws Exception {
    server = new TestServer(dir.resolve("server.db"), port).start();
    return server.url();
  }

  private void stopServer() {
    if (server != null) {
      server.stop();
      server = null;
    }
  }

  private SluiceClient client(String url) {
    SluiceClient client = SluiceClient.builder().url(url).build();
    toClose.add(client);
    return client;
  }

  private static List<Path> files(Path directory) throws Exception {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.toList();
    }
  }

  private static long bytes(Path directory, String suffix) throws Exception {
    long total = 0;
    for (Path f : files(directory)) {
      if (f.toString().endsWith(suffix)) {
        total += Files.size(f);
      }
    }
    return total;
  }

  /** Every log line of a run, page by page. */
  private static List<StoredLogLine> allLogs(SluiceClient client, UUID run) {
    List<StoredLogLine> all = new ArrayList<>();
    long after = 0;
    while (true) {
      SluiceClient.LogPage page = client.logs(run, after, 10_000);
      if (page.items().isEmpty()) {
        return all;
      }
      all.addAll(page.items());
      after = page.next();
    }
  }

  private static List<String> lines(List<StoredLogLine> logs) {
    return logs.stream().map(l -> TestRecords.json(l.line())).toList();
  }

  /** A Sluice on the thread pool (the local executor would run a started flow before returning). */
  private Sluice sluice(String key, String value) {
    Sluice sluice =
        Sluice.builder()
            .executor("threadpool")
            .setting("home", dir.resolve("home").toString())
            .setting("api.journal-dir", dir.resolve("journal").toString())
            .setting(key, value)
            .build();
    toClose.add(sluice);
    return sluice;
  }

  static Flow<Integer> pipeline() {
    int[] calls = {0};
    return Flows.named("e2e")
        .version("3")
        .returning(
            f -> {
              var n = f.param("n", Integer.class);
              var flaky =
                  f.task(
                          "flaky",
                          n,
                          x -> {
                            log.warn("flaky got {}", x);
                            if (calls[0]++ == 0) {
                              throw new IllegalStateException("the first attempt fails");
                            }
                            return x * 2;
                          })
                      .retries(1);
              f.task(
                      "optional",
                      n,
                      x -> {
                        if (x >= 0) {
                          throw new IllegalStateException("the optional step fails");
                        }
                        return x;
                      })
                  .allowFailure();
              var list = f.task("list", flaky, x -> List.of(x, x + 1, x + 2));
              var squares =
                  f.map(
                      "square",
                      list,
                      x -> {
                        log.warn("squaring {}", x);
                        return x * x;
                      });
              return f.task("sum", squares, l -> l.stream().mapToInt(i -> i).sum());
            });
  }

  private void assertSameRun(TeeStoreProvider.Tee tee, SluiceClient client, UUID id)
      throws Exception {
    assertThat(tee.recorder().flush(Duration.ofSeconds(60))).isTrue();
    FlowRunDetail local = tee.local().history().flowRun(id).orElseThrow();
    FlowRunDetail remote = client.flowRun(id).orElseThrow();
    // One difference by design: a run recorded through the server names no lease there (its
    // process holds none in that database), so its owner has no instance id (docs/run-history.md).
    assertThat(remote.owner().instance()).isNull();
    assertThat(TestRecords.json(remote))
        .isEqualTo(
            TestRecords.json(local)
                .replace("\"instance\":\"" + local.owner().instance() + "\"", "\"instance\":null"));
    assertThat(TestRecords.json(client.taskRuns(id))).isEqualTo(TestRecords.json(local.taskRuns()));
    List<StoredLogLine> localLogs = tee.local().history().logs(id, 0, 10_000);
    assertThat(localLogs).isNotEmpty();
    assertThat(lines(allLogs(client, id))).isEqualTo(lines(localLogs));
  }

  @Test
  void aFlowRunRecordedThroughTheServerReadsBackAsTheSameRunRecordedLocally() throws Exception {
    String url = startServer(0);
    Sluice sluice =
        sluice("store", TeeStoreProvider.location(url, dir.resolve("local.db").toString()));

    FlowRun run = sluice.run(pipeline(), Map.of("n", 4));

    assertThat(run.state().name()).isEqualTo("Completed");
    TeeStoreProvider.Tee tee = (TeeStoreProvider.Tee) sluice.runStore().orElseThrow();
    SluiceClient client = client(url);
    assertSameRun(tee, client, run.id());
    FlowRunDetail detail = client.flowRun(run.id()).orElseThrow();
    assertThat(detail.taskRuns()).hasSize(8); // flaky, optional, list, map, square[0..2], sum
    assertThat(detail.taskRuns().get(0).history())
        .extracting(s -> s.name())
        .containsSubsequence("Running", "AwaitingRetry", "Retrying", "Completed");
    TaskRunDetail optional =
        detail.taskRuns().stream()
            .filter(t -> t.name().equals("optional"))
            .findFirst()
            .orElseThrow();
    assertThat(optional.state().name()).isEqualTo("Failed");
    assertThat(optional.error()).isNotNull();
    assertThat(optional.error().type()).isEqualTo(IllegalStateException.class.getName());
    assertThat(optional.error().stackTrace()).contains("at dev.sluice.client.RemoteRunStoreTest");
  }

  @Test
  void withApiUrlSetTheEngineRecordsThroughTheServer() throws Exception {
    String url = startServer(0);
    // The build turns run history off (sluice.store=off) unless a test sets a store in code; an
    // api.url wins over a store path.
    Sluice sluice =
        Sluice.builder()
            .executor("local")
            .setting("home", dir.resolve("home").toString())
            .setting("store", dir.resolve("not-used.db").toString())
            .setting("api.url", url)
            .build();
    toClose.add(sluice);

    FlowRun run = sluice.run(pipeline(), Map.of("n", 2));

    RunStore store = sluice.runStore().orElseThrow();
    assertThat(store.location()).isEqualTo(url + "/api/v1");
    assertThat(store.recorder().flush(Duration.ofSeconds(60))).isTrue();
    SluiceClient client = client(url);
    FlowRunDetail detail = client.flowRun(run.id()).orElseThrow();
    assertThat(detail.run().state().name()).isEqualTo("Completed");
    assertThat(detail.run().flowVersion()).isEqualTo("3");
    assertThat(detail.parametersJson()).isEqualTo("{\"n\":2}");
    assertThat(allLogs(client, run.id()))
        .extracting(l -> l.line().message())
        .contains("flaky got 2", "squaring 4");
    // and the store's own reads go through the server too
    assertThat(store.history().flowRun(run.id())).isPresent();
    assertThat(store.history().flows()).extracting(f -> f.name()).contains("e2e");
  }

  @Test
  void theServerStoppingMidRunLosesNothingAndDoublesNothing() throws Exception {
    String url = startServer(0);
    int port = server.port();
    Flow<Void> slow =
        Flows.named("slow")
            .define(
                f -> {
                  var previous = f.task("step 0", () -> 0);
                  for (int i = 1; i <= 8; i++) {
                    int step = i;
                    previous =
                        f.task(
                            "step " + i,
                            previous,
                            x -> {
                              log.warn("step {} starts", step);
                              Thread.sleep(150);
                              log.warn("step {} ends", step);
                              return x + 1;
                            });
                  }
                });
    Sluice sluice =
        sluice("store", TeeStoreProvider.location(url, dir.resolve("local.db").toString()));
    SluiceClient client = client(url);

    RunHandle handle = sluice.start(slow, Map.of());
    eventually(() -> client.flowRun(handle.id()).isPresent());
    stopServer();
    assertThat(handle.future()).isNotDone();
    Thread.sleep(700); // steps go on, their records wait
    startServer(port); // the same file, the same port
    FlowRun run = handle.await();

    assertThat(run.state().name()).isEqualTo("Completed");
    assertSameRun((TeeStoreProvider.Tee) sluice.runStore().orElseThrow(), client, run.id());
    assertThat(allLogs(client, run.id())).hasSize(16);
  }

  @Test
  void aCancelAskedOfTheServerStopsARunRecordedThroughIt() throws Exception {
    String url = startServer(0);
    Flow<Void> hanging =
        Flows.named("hanging")
            .define(
                f ->
                    f.task(
                        "wait",
                        () -> {
                          Thread.sleep(60_000);
                          return 1;
                        }));
    Sluice sluice =
        Sluice.builder()
            .executor("threadpool")
            .setting("home", dir.resolve("home").toString())
            .setting("store", dir.resolve("not-used.db").toString())
            .setting("api.url", url)
            .build();
    toClose.add(sluice);
    SluiceClient client = client(url);
    RunHandle handle = sluice.start(hanging, Map.of());
    eventually(
        () ->
            client.flowRun(handle.id()).map(d -> !d.taskRuns().isEmpty()).orElse(false)
                && client
                    .flowRun(handle.id())
                    .orElseThrow()
                    .taskRuns()
                    .get(0)
                    .state()
                    .name()
                    .equals("Running"));

    assertThat(client.cancel(handle.id())).isEqualTo(dev.sluice.api.store.CancelOutcome.REQUESTED);

    FlowRun run = handle.future().get(30, TimeUnit.SECONDS);
    assertThat(run.state().name()).isEqualTo("Cancelled");
    assertThat(sluice.runStore().orElseThrow().recorder().flush(Duration.ofSeconds(30))).isTrue();
    assertThat(client.flowRun(run.id()).orElseThrow().run().state().name()).isEqualTo("Cancelled");
    assertThat(client.cancel(run.id())).isEqualTo(dev.sluice.api.store.CancelOutcome.ALREADY_FINAL);
  }

  @Test
  void beyondTheQueueRecordsSpillToTheJournalWhileTheServerIsDownAndAllArriveInOrder()
      throws Exception {
    int port = TestServer.freePort();
    String url = "http://127.0.0.1:" + port;
    Path journal = dir.resolve("journal");
    RunStore store =
        RunStores.open(
            url,
            Settings.of(
                Map.of(
                    "api.queue", "50",
                    "api.journal-dir", journal.toString(),
                    "api.timeout", "PT10S")));
    toClose.add(store);
    UUID run = UUID.randomUUID();
    List<Object> records = TestRecords.run(run, 5_000);

    JournalingProcess.hand(store.recorder(), records);
    eventually(
        () -> {
          try {
            return bytes(journal, JournalDir.JOURNAL) > 0;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    startServer(port);

    assertThat(store.recorder().flush(Duration.ofSeconds(60))).isTrue();
    SluiceClient client = client(url);
    FlowRunDetail detail = client.flowRun(run).orElseThrow();
    assertThat(detail.run().state().name()).isEqualTo("Completed");
    assertThat(detail.history()).extracting(s -> s.name()).endsWith("Running", "Completed");
    assertThat(lines(allLogs(client, run)))
        .isEqualTo(
            TestRecords.json(
                records.stream().filter(r -> r instanceof dev.sluice.api.store.LogLine).toList()));
    assertThat(bytes(journal, JournalDir.JOURNAL)).isZero();
    store.close();
    assertThat(files(journal)).isEmpty();
  }

  @Test
  void aJournalLeftByAProcessThatEndedIsSentByTheNextStore() throws Exception {
    int port = TestServer.freePort();
    String url = "http://127.0.0.1:" + port;
    Path journal = dir.resolve("journal");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                JournalingProcess.class.getName(),
                url,
                journal.toString(),
                "300")
            .redirectError(dir.resolve("child.err").toFile())
            .start();
    String printed;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      printed = out.readLine();
    }
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(Files.readString(dir.resolve("child.err"))).isZero();
    UUID run = UUID.fromString(printed.substring("RUN ".length()));
    assertThat(files(journal))
        .extracting(p -> p.getFileName().toString())
        .anyMatch(n -> n.endsWith(JournalDir.JOURNAL))
        .anyMatch(n -> n.endsWith(JournalDir.OWNER));

    startServer(port);
    RunStore next = RunStores.open(url, Settings.of(Map.of("api.journal-dir", journal.toString())));
    toClose.add(next);
    SluiceClient client = client(url);

    eventually(
        () ->
            client.flowRun(run).map(d -> d.run().state().name().equals("Completed")).orElse(false)
                && allLogs(client, run).size() == 300);
    assertThat(lines(allLogs(client, run)))
        .isEqualTo(TestRecords.json(TestRecords.lines(run, 300)));
    eventually(
        () -> {
          try {
            return files(journal).isEmpty();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
