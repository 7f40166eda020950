package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.RunHandle;
import dev.sluice.api.RunOptions;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * Renders the README's pictures of the dashboard from a month of demo history and real runs: {@code
 * dashboard.png}, {@code flow-run.png} (graph and timeline) and {@code flow-run-logs.png}, plus
 * phone-width and dark variants. They go to {@code target/screenshots/}; to refresh the ones
 * committed under docs/images, run
 *
 * <pre>
 * ./dev mvn -pl server -am verify -Dfmt.skip -Dtest=DashboardScreenshotsTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dsluice.screenshots=../docs/images
 * </pre>
 */
class DashboardScreenshotsTest {
  @TempDir Path home;

  @Test
  void rendersTheReadmesScreenshots() throws Exception {
    Browser.assumeInstalled();
    Path out = Path.of(System.getProperty("sluice.screenshots", "target/screenshots"));
    Path extra = Path.of("target/screenshots");
    String location = home.resolve("sluice.db").toString();
    CountDownLatch done = new CountDownLatch(1);
    Flow<Void> training =
        Flows.named("ml-train")
            .version("13")
            .description("Retrains the churn model")
            .define(
                f -> {
                  var features = f.task("features", () -> 12);
                  f.action("train", features, n -> done.await(60, TimeUnit.SECONDS));
                });
    try (RunStore store = RunStores.open(location, Map.of());
        Sluice sluice =
            Sluice.builder()
                .executor("threadpool")
                .setting("home", home.toString())
                .setting("store", location)
                .build();
        SluiceServer server = SluiceServer.builder().store(store).port(0).start()) {
      assertThat(DemoRuns.past(store, 30, 7)).isGreaterThan(500);
      FlowRun etl = null;
      for (int day = 4; day <= 6; day++) {
        etl =
            sluice.run(
                DemoRuns.ETL,
                Map.of("day", "2026-12-0" + day),
                RunOptions.none().withName("nightly 2026-12-0" + day).withTags("etl", "nightly"));
      }
      var unused = sluice.run(DemoRuns.REPORT, Map.of(), RunOptions.none().withTags("reports"));
      RunHandle running =
          sluice.start(training, Map.of(), RunOptions.none().withName("retrain after deploy"));
      sluice.runStore().orElseThrow().recorder().flush(Duration.ofSeconds(30));
      try (Browser browser = Browser.open(server.uri(), 1280, 800)) {
        browser.go("/");
        browser.await(d -> !d.findElements(By.cssSelector("#running-now li")).isEmpty());
        settle(browser);
        browser.screenshot(out.resolve("dashboard.png"));
        String lightBackground =
            browser.js("return getComputedStyle(document.body).backgroundColor");

        browser.resize(1280, 900);
        browser.go("/runs/" + etl.id() + "?tab=timeline");
        browser.find(".tl-row .seg");
        settle(browser);
        browser.screenshot(out.resolve("flow-run.png"));

        browser.resize(1280, 1000);
        browser.go("/runs/" + etl.id());
        browser.await(d -> d.findElements(By.cssSelector("#log-lines .log-row")).size() > 10);
        browser.all("#log-lines .log-row").stream()
            .filter(r -> r.getText().contains("WARN"))
            .findFirst()
            .ifPresent(r -> r.click());
        settle(browser);
        browser.screenshot(out.resolve("flow-run-logs.png"));

        browser.resize(1280, 800);
        browser.go("/flows");
        browser.find("svg.spark rect");
        settle(browser);
        browser.screenshot(extra.resolve("flows.png"));
        browser.go("/flows/nightly-etl");
        browser.find("svg.dag .node");
        settle(browser);
        browser.screenshot(extra.resolve("flow.png"));

        browser.resize(390, 844);
        browser.go("/");
        settle(browser);
        browser.screenshot(extra.resolve("dashboard-phone.png"));
        browser.go("/runs/" + etl.id() + "?tab=timeline");
        settle(browser);
        browser.screenshot(extra.resolve("flow-run-phone.png"));

        browser.colorScheme("dark");
        browser.resize(1280, 800);
        browser.go("/");
        settle(browser);
        assertThat(browser.<String>js("return getComputedStyle(document.body).backgroundColor"))
            .as("the dark theme follows the system")
            .isNotEqualTo("rgb(255, 255, 255)")
            .isNotEqualTo(lightBackground);
        browser.screenshot(extra.resolve("dashboard-dark.png"));
        browser.resize(1280, 1000);
        browser.go("/runs/" + etl.id());
        browser.await(d -> d.findElements(By.cssSelector("#log-lines .log-row")).size() > 10);
        settle(browser);
        browser.screenshot(extra.resolve("flow-run-logs-dark.png"));
        assertThat(browser.consoleErrors()).isEmpty();
      } finally {
        done.countDown();
        var ended = running.await();
      }
    }
    for (String name : new String[] {"dashboard.png", "flow-run.png", "flow-run-logs.png"}) {
      assertThat(Files.size(out.resolve(name))).as(name).isGreaterThan(10_000);
    }
  }

  /** Lets the last frame paint (fonts, the chart's first draw). */
  private static void settle(Browser browser) throws InterruptedException {
    browser.js("return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
    Thread.sleep(300);
  }
}
