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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard in a real browser (Debian's Chromium, headless) against a real server over a real
 * SQLite store, with runs made by a real engine: every page loads without a console error; a run is
 * followed live on its open page; a failure shows red in the chart and its error on its page;
 * filters narrow the runs list; user strings are shown as text and never run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {
  private static final Logger log = LoggerFactory.getLogger(DashboardBrowserTest.class);

  @TempDir static Path home;
  RunStore store;
  SluiceServer server;
  Sluice sluice;
  Browser browser;

  static final Flow<Integer> ETL = ApiContract.ETL;
  static final Flow<Void> BROKEN = ApiContract.BROKEN;

  @BeforeAll
  void start() {
    Browser.assumeInstalled();
    String location = home.resolve("sluice.db").toString();
    store = RunStores.open(location, Map.of());
    server = SluiceServer.builder().store(store).port(0).start();
    sluice =
        Sluice.builder()
            .executor("threadpool")
            .setting("home", home.toString())
            .setting("store", location)
            .build();
    browser = Browser.open(server.uri());
  }

  @AfterEach
  void noConsoleErrors() {
    if (browser != null) {
      assertThat(browser.consoleErrors()).as("the browser console's errors").isEmpty();
    }
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (sluice != null) {
      sluice.close();
      server.close();
      store.close();
    }
  }

  void flush() {
    sluice.runStore().orElseThrow().recorder().flush(Duration.ofSeconds(30));
  }

  FlowRun run(Flow<?> flow, Map<String, Object> params, RunOptions options) {
    FlowRun run = sluice.run(flow, params, options);
    flush();
    return run;
  }

  private String h1() {
    return browser.find("main h1").getText();
  }

  @Test
  void everyPageLoadsWithoutConsoleErrorsAtDesktopAndPhoneWidth() {
    FlowRun ok = run(ETL, Map.of("n", 3), RunOptions.none().withName("pages-ok"));
    var unused = run(BROKEN, Map.of(), RunOptions.none());
    String id = ok.id().toString();
    Map<String, String> pages =
        Map.ofEntries(
            Map.entry("/", "Dashboard"),
            Map.entry("/?range=1h", "Dashboard"),
            Map.entry("/?range=30d", "Dashboard"),
            Map.entry("/flows", "Flows"),
            Map.entry("/flows/etl", "etl"),
            Map.entry("/runs", "Flow runs"),
            Map.entry("/runs?state=Failed", "Flow runs"),
            Map.entry("/runs/" + id, "pages-ok"),
            Map.entry("/runs/" + id + "?tab=timeline", "pages-ok"),
            Map.entry("/runs/" + id + "?tab=tasks", "pages-ok"),
            Map.entry("/runs/" + id + "?tab=parameters", "pages-ok"),
            Map.entry("/runs/" + id + "?tab=details", "pages-ok"),
            Map.entry("/deployments", "Deployments"),
            Map.entry("/work-queues", "Work queues"),
            Map.entry("/agents", "Agents"));
    for (int[] size : new int[][] {{1280, 800}, {390, 844}}) {
      browser.resize(size[0], size[1]);
      for (var page : pages.entrySet()) {
        browser.go(page.getKey());
        assertThat(h1()).as(page.getKey()).isEqualTo(page.getValue());
        assertThat(browser.consoleErrors()).as(page.getKey() + " console").isEmpty();
        long overflow =
            browser.js(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(overflow)
            .as(page.getKey() + " at " + size[0] + " px: no sideways scroll")
            .isLessThanOrEqualTo(0);
      }
    }
    browser.resize(1280, 800);
    browser.go("/no/such/page");
    assertThat(browser.find("main h2").getText()).isEqualTo("Page not found");
    browser.go("/runs/" + UUID.randomUUID());
    assertThat(browser.find("main h2").getText()).isEqualTo("Not found");
    // The 404 answers of the two pages above are the only errors the console may have.
    assertThat(browser.consoleErrors()).allMatch(e -> e.contains("404"));
  }

  @Test
  void pagesAreKeyboardReachable() {
    FlowRun ok = run(ETL, Map.of("n", 4), RunOptions.none().withName("keyboard-run"));
    browser.go("/runs?q=keyboard-run");
    browser.await(d -> d.findElements(By.cssSelector("#runs a.run-link")).size() == 1);
    // Tab from the top of the page to the run's link, then Enter opens it (no mouse).
    browser.js("document.activeElement.blur(); window.scrollTo(0, 0)");
    WebElement body = browser.driver.findElement(By.tagName("body"));
    body.sendKeys(Keys.TAB);
    assertThat(active().getText()).isEqualTo("Skip to content");
    for (int i = 0; i < 60 && !active().getText().equals("keyboard-run"); i++) {
      active().sendKeys(Keys.TAB);
    }
    assertThat(active().getText()).isEqualTo("keyboard-run");
    active().sendKeys(Keys.ENTER);
    browser.await(d -> d.getCurrentUrl().endsWith("/runs/" + ok.id()));
    browser.awaitReady();
    // The tabs follow the arrow keys.
    WebElement logsTab = browser.find("[role=tab][data-tab=logs]");
    logsTab.sendKeys(Keys.ARROW_RIGHT);
    assertThat(active().getAttribute("data-tab")).isEqualTo("timeline");
    assertThat(browser.find("#panel-timeline").isDisplayed()).isTrue();
    // A node of the graph is a button: Enter selects its step.
    WebElement node = browser.find("svg.dag .node[data-step='double']");
    node.sendKeys(Keys.ENTER);
    browser.await(d -> node.getAttribute("class").contains("selected"));
  }

  private WebElement active() {
    return browser.driver.switchTo().activeElement();
  }

  @Test
  void aRunIsFollowedLiveOnItsOpenPage() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    Flow<Void> live =
        Flows.named("live-run")
            .define(
                f -> {
                  var first = f.task("first", () -> 1);
                  var held =
                      f.task(
                          "held",
                          first,
                          x -> {
                            log.info("waiting for the go");
                            if (!go.await(60, TimeUnit.SECONDS)) {
                              throw new IllegalStateException("no go within 60 s");
                            }
                            log.info("went ahead");
                            return x + 1;
                          });
                  f.action("last", held, x -> log.info("last step saw {}", x));
                });
    RunHandle handle = sluice.start(live, Map.of(), RunOptions.none().withName("followed"));
    try {
      // Open the page once the run is recorded.
      browser.await(
          d -> {
            flush();
            return new Http(server.uri()).get("/api/v1/flow-runs/" + handle.id()).status() == 200;
          });
      browser.go("/runs/" + handle.id());
      browser.js("window.__sameDocument = 42");
      awaitNodeState("held", "st-running");
      awaitLogLine("waiting for the go");
      assertThat(browser.find("#cancel-run").isDisplayed()).isTrue();
      assertThat(browser.find("#run-head .badge").getAttribute("data-state")).isEqualTo("Running");

      go.countDown();
      var unused = handle.await();
      flush();
      awaitNodeState("held", "st-completed");
      awaitNodeState("last", "st-completed");
      awaitLogLine("went ahead");
      awaitLogLine("last step saw 2");
      browser.await(
          d -> "Completed".equals(browser.find("#run-head .badge").getAttribute("data-state")));
      assertThat(browser.all("#cancel-run")).as("no cancel button on a finished run").isEmpty();
      long same = browser.js("return window.__sameDocument");
      assertThat(same).as("the page was never reloaded").isEqualTo(42);
    } finally {
      go.countDown();
    }
  }

  @Test
  void theListsAndTheDashboardUpdateAsRunsStartAndEnd() {
    var unused = run(ETL, Map.of("n", 5), RunOptions.none().withName("before"));
    browser.go("/runs");
    browser.js("window.__sameDocument = 7");
    FlowRun later = run(ETL, Map.of("n", 6), RunOptions.none().withName("arrives-later"));
    awaitRows(rows -> !rows.isEmpty() && rows.get(0).equals(later.id()));
    assertThat(browser.find("#runs tbody tr").getAttribute("data-state")).isEqualTo("Completed");

    browser.find("nav a[data-nav=dashboard]").click();
    browser.await(d -> d.findElement(By.cssSelector("main h1")).getText().equals("Dashboard"));
    browser.find("#history-chart");
    int before = Integer.parseInt(tileCount("completed"));
    FlowRun another = run(ETL, Map.of("n", 7), RunOptions.none().withName("counted"));
    browser.await(d -> Integer.parseInt(tileCount("completed")) == before + 1);

    browser.find("nav a[data-nav=flows]").click();
    browser.await(
        d -> !d.findElements(By.cssSelector("tr[data-flow='etl'] svg.spark rect")).isEmpty());
    int bars = browser.all("tr[data-flow='etl'] svg.spark rect").size();
    assertThat(bars).isBetween(3, 20);
    var ignored = run(ETL, Map.of("n", 8), RunOptions.none());
    browser.await(
        d ->
            d.findElements(By.cssSelector("tr[data-flow='etl'] svg.spark rect")).size()
                == Math.min(20, bars + 1));
    long same = browser.js("return window.__sameDocument");
    assertThat(same).as("followed without reloading").isEqualTo(7);
    assertThat(another.state().name()).isEqualTo("Completed");
  }

  /**
   * Regression: a page left open its change-feed stream, the browser kept the connection (six per
   * server), and the seventh page's calls waited forever.
   */
  @Test
  void aPageLeftClosesItsStreams() {
    for (int i = 0; i < 10; i++) {
      browser.go(i % 2 == 0 ? "/runs" : "/");
      // Its change feed is open (the "Live" mark shows) before the next page is loaded.
      browser.await(d -> browser.<Boolean>js("return !document.getElementById('live').hidden"));
    }
    browser.go("/flows");
    assertThat(h1()).isEqualTo("Flows");
  }

  @Test
  void theCancelButtonStopsARunningRun() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Flow<Void> slow =
        Flows.named("slow-ui")
            .define(
                f ->
                    f.action(
                        "wait",
                        () -> {
                          started.countDown();
                          Thread.sleep(60_000);
                        }));
    RunHandle handle = sluice.start(slow, Map.of());
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    flush();
    browser.go("/runs/" + handle.id());
    browser.find("#cancel-run").click();
    FlowRun done = handle.await();
    assertThat(done.state().name()).isEqualTo("Cancelled");
    flush();
    browser.await(
        d -> "Cancelled".equals(browser.find("#run-head .badge").getAttribute("data-state")));
  }

  @Test
  void aTaskRunsLinesAreOneClickFromItsRow() {
    Flow<Void> chatty =
        Flows.named("chatty")
            .define(
                f -> {
                  var alpha =
                      f.task(
                          "alpha",
                          () -> {
                            for (int i = 0; i < 3; i++) {
                              log.info("alpha says {}", i);
                            }
                            return 1;
                          });
                  f.action(
                      "beta",
                      alpha,
                      x -> {
                        for (int i = 0; i < 3; i++) {
                          log.info("beta says {}", i);
                        }
                      });
                });
    FlowRun done = run(chatty, Map.of(), RunOptions.none().withName("chatty-run"));
    browser.go("/runs/" + done.id());
    awaitLogLineCount(6);
    browser.find("[role=tab][data-tab=tasks]").click();
    WebElement beta =
        browser.all("#task-runs tbody tr").stream()
            .filter(r -> r.findElement(By.cssSelector("td.name")).getText().equals("beta"))
            .findFirst()
            .orElseThrow();
    beta.findElement(By.cssSelector("td.name button")).click();

    // The logs tab opens with only beta's lines, and the task filter says so.
    browser.await(
        d ->
            "true".equals(browser.find("[role=tab][data-tab=logs]").getAttribute("aria-selected")));
    browser.await(d -> shownLogTasks().equals(List.of("beta", "beta", "beta")));
    assertThat(new Select(browser.find("#log-task")).getFirstSelectedOption().getText())
        .isEqualTo("Only beta");
    assertThat(browser.driver.getCurrentUrl()).doesNotContain("tab=tasks");
  }

  private List<String> shownLogTasks() {
    return browser.all("#log-lines .log-row .tk").stream()
        .filter(WebElement::isDisplayed)
        .map(WebElement::getText)
        .filter(t -> !t.isEmpty())
        .toList();
  }

  private void awaitLogLineCount(int atLeast) {
    browser.await(
        d ->
            d.findElements(By.cssSelector("#log-lines .log-row .msg")).stream()
                    .filter(e -> e.getText().contains(" says "))
                    .count()
                >= atLeast);
  }

  private void awaitNodeState(String step, String cls) {
    browser.await(
        d -> {
          var nodes = d.findElements(By.cssSelector("svg.dag .node[data-step='" + step + "']"));
          return !nodes.isEmpty() && nodes.get(0).getAttribute("class").contains(cls);
        });
  }

  private void awaitLogLine(String text) {
    browser.await(
        d ->
            d.findElements(By.cssSelector("#log-lines .log-row .msg")).stream()
                .anyMatch(e -> e.getText().contains(text)));
  }

  @Test
  void aFailureShowsRedInTheChartAndItsErrorOnTheRunPage() {
    FlowRun failed = run(BROKEN, Map.of(), RunOptions.none().withName("red-run"));
    browser.go("/");
    browser.await(d -> Integer.parseInt(tileCount("failed")) >= 1);
    // The chart is a canvas: count its pixels of the theme's "failed" red.
    long red =
        browser.js(
            "const c = document.getElementById('history-chart');"
                + "const hex = getComputedStyle(document.documentElement)"
                + "  .getPropertyValue('--st-failed').trim().slice(1);"
                + "const [r, g, b] = [0, 2, 4].map(i => parseInt(hex.slice(i, i + 2), 16));"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + "let n = 0;"
                + "for (let i = 0; i < d.length; i += 4) {"
                + "  if (Math.abs(d[i] - r) < 8 && Math.abs(d[i + 1] - g) < 8"
                + "      && Math.abs(d[i + 2] - b) < 8 && d[i + 3] > 200) n++;"
                + "}"
                + "return n;");
    assertThat(red).as("red pixels in the run-history chart").isGreaterThan(30);
    WebElement item = browser.find("#latest-failures li[data-id='" + failed.id() + "']");
    assertThat(item.findElement(By.cssSelector(".error-line")).getText())
        .contains("the disk is full");

    item.findElement(By.cssSelector("a.run-link")).click();
    browser.await(d -> d.getCurrentUrl().endsWith("/runs/" + failed.id()));
    browser.awaitReady();
    assertThat(browser.find("#run-message .callout.error").getText()).contains("the disk is full");
    awaitNodeState("explode", "st-failed");
    browser.find("[role=tab][data-tab=tasks]").click();
    WebElement row = browser.find("#task-runs tr[data-state='Failed']");
    WebElement summary = row.findElement(By.cssSelector("td.error summary"));
    assertThat(summary.getText()).isEqualTo("IllegalStateException: the disk is full");
    WebElement stack = row.findElement(By.cssSelector("td.error pre.stack"));
    assertThat(stack.isDisplayed()).as("the stack trace is folded").isFalse();
    summary.click();
    browser.await(d -> stack.isDisplayed());
    assertThat(stack.getText()).contains("IllegalStateException").contains("at ");
  }

  private String tileCount(String group) {
    var tiles = browser.all("#state-counts .tile[data-group='" + group + "'] .n");
    return tiles.isEmpty() ? "0" : tiles.get(0).getText().replaceAll("[^0-9]", "");
  }

  @Test
  void filtersNarrowTheRunsList() {
    FlowRun tagged =
        run(ETL, Map.of("n", 1), RunOptions.none().withName("f-tagged").withTags("filter-tag"));
    FlowRun plain = run(ETL, Map.of("n", 2), RunOptions.none().withName("f-plain"));
    FlowRun broken = run(BROKEN, Map.of(), RunOptions.none().withName("f-boom"));
    browser.go("/runs");
    awaitRows(rows -> rows.containsAll(List.of(tagged.id(), plain.id(), broken.id())));

    new Select(browser.find("#filter-flow")).selectByValue("broken");
    awaitRows(rows -> rows.contains(broken.id()) && !rows.contains(plain.id()));
    assertThat(browser.all("#runs tbody tr").stream().map(r -> r.getAttribute("data-state")))
        .containsOnly("Failed");

    browser.find("#filter-clear").click();
    awaitRows(rows -> rows.contains(plain.id()));
    browser.find("label[for='filter-state-failed']").click();
    awaitRows(rows -> rows.contains(broken.id()) && !rows.contains(plain.id()));
    assertThat(browser.driver.getCurrentUrl()).contains("state=Failed");

    browser.find("#filter-clear").click();
    browser.find("#filter-tags").sendKeys("filter-tag");
    awaitRows(rows -> rows.equals(List.of(tagged.id())));

    browser.find("#filter-clear").click();
    browser.find("#filter-q").sendKeys("f-boo");
    awaitRows(rows -> rows.equals(List.of(broken.id())));
    assertThat(browser.driver.getCurrentUrl()).contains("q=f-boo");

    // The filtered list is a link: opened afresh, it shows the same.
    browser.driver.navigate().refresh();
    browser.awaitReady();
    awaitRows(rows -> rows.equals(List.of(broken.id())));
    assertThat(browser.find("#filter-q").getAttribute("value")).isEqualTo("f-boo");

    browser.find("#filter-q").clear();
    browser.find("#filter-q").sendKeys("no-such-run-anywhere");
    browser.await(d -> browser.find("#runs").getText().contains("No runs match these filters"));
  }

  private void awaitRows(java.util.function.Predicate<List<UUID>> condition) {
    browser.await(
        d -> {
          List<UUID> ids =
              d.findElements(By.cssSelector("#runs tbody tr")).stream()
                  .map(r -> UUID.fromString(r.getAttribute("data-id")))
                  .toList();
          return condition.test(ids);
        });
  }

  /** Markup in every string a user controls is shown as text; nothing of it runs. */
  @Test
  void userStringsAreShownAsTextAndNeverRun() {
    String img = "\"><img src=x onerror=\"window.__xss=1\">";
    String script = "<script>window.__xss=2</script>";
    String flowName = "x" + img + "<b>flow";
    Flow<Void> evil =
        Flows.named(flowName)
            .description(script + " described")
            .define(
                f -> {
                  var p = f.param("p" + img, String.class).withDefault("unused");
                  f.action(
                      script + "task",
                      p,
                      v -> {
                        log.info("logged " + v + " " + img + " " + script);
                        log.warn("multi\nline " + script, new IllegalStateException(img));
                        throw new IllegalStateException("error " + script + img);
                      });
                });
    FlowRun run =
        run(
            evil,
            Map.of("p" + img, img + script),
            RunOptions.none().withName(script + " run " + img).withTags("t" + img));
    String encodedFlow = URLEncoder.encode(flowName, StandardCharsets.UTF_8).replace("+", "%20");
    List<String> pages =
        List.of(
            "/",
            "/flows",
            "/flows/" + encodedFlow,
            "/runs",
            "/runs?q=" + URLEncoder.encode(script, StandardCharsets.UTF_8),
            "/runs/" + run.id(),
            "/runs/" + run.id() + "?tab=tasks",
            "/runs/" + run.id() + "?tab=parameters",
            "/runs/" + run.id() + "?tab=details",
            "/runs/" + run.id() + "?tab=timeline");
    for (String page : pages) {
      browser.go(page);
      assertNothingRan(page);
    }
    browser.go("/runs/" + run.id());
    assertThat(h1()).isEqualTo(script + " run " + img);
    awaitLogLine("logged");
    assertThat(browser.find("#log-lines").getText()).contains(img).contains(script);
    // The whole line, opened, is text too.
    browser.all("#log-lines .log-row").stream()
        .filter(r -> r.getText().contains("multi"))
        .findFirst()
        .orElseThrow()
        .click();
    assertThat(browser.find("#log-detail").getText()).contains("line " + script).contains(img);
    assertNothingRan("the log line's detail");
    browser.find("[role=tab][data-tab=tasks]").click();
    browser.find("#task-runs td.error summary").click();
    assertThat(browser.find("#task-runs td.error").getText()).contains(script + img);
    browser.find("[role=tab][data-tab=parameters]").click();
    assertThat(browser.find("#parameters").getText()).contains("p" + img).contains(img + script);
    assertNothingRan("the run page's tabs");
    browser.go("/flows/" + encodedFlow);
    assertThat(h1()).isEqualTo(flowName);
    assertNothingRan("the flow page");
  }

  private void assertNothingRan(String where) {
    Object flag = browser.js("return window.__xss === undefined ? null : window.__xss");
    assertThat(flag).as(where + ": an injected script ran").isNull();
    long images =
        browser.js(
            "return document.querySelectorAll('img:not([src^=\"/ui/\"]), script:not([src])').length");
    assertThat(images).as(where + ": injected elements").isZero();
    assertThat(browser.consoleErrors()).as(where + " console").isEmpty();
  }
}
