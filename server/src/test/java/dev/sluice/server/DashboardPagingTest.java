package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * The runs list over a month of history in a real browser: 50 a page, newest first, older and newer
 * pages by cursor (in the URL, so a page is a link), and the time range narrowing it to the runs
 * started in that window.
 */
class DashboardPagingTest {
  @TempDir Path home;

  @Test
  void theRunsListPagesNewestFirstAndItsTimeRangeNarrowsIt() {
    Browser.assumeInstalled();
    try (RunStore store = RunStores.open(home.resolve("sluice.db").toString(), Map.of());
        SluiceServer server = SluiceServer.builder().store(store).port(0).start();
        Browser browser = Browser.open(server.uri())) {
      int written = DemoRuns.past(store, 30, 11);
      assertThat(written).isGreaterThan(150);
      Http http = new Http(server.uri());

      browser.go("/runs");
      List<String> first = rows(browser, 50);
      List<Instant> firstStarts = starts(http, first);
      assertThat(firstStarts).as("newest first").isSortedAccordingTo((a, b) -> b.compareTo(a));

      browser.find("#page-older").click();
      browser.await(d -> !rowIds(browser).equals(first) && rowIds(browser).size() == 50);
      List<String> second = rowIds(browser);
      assertThat(browser.driver.getCurrentUrl()).contains("cursor=");
      assertThat(new HashSet<>(second)).doesNotContainAnyElementsOf(first);
      Instant oldestOfFirst = firstStarts.get(firstStarts.size() - 1);
      assertThat(starts(http, second))
          .as("the older page starts where the first ended")
          .allMatch(at -> !at.isAfter(oldestOfFirst))
          .isSortedAccordingTo((a, b) -> b.compareTo(a));
      assertThat(browser.find("#runs-status").getText()).contains("page 2");

      browser.find("#page-newer").click();
      browser.await(d -> rowIds(browser).equals(first));
      assertThat(browser.find("#page-newer").isEnabled())
          .as("no newer page than the first")
          .isFalse();

      new Select(browser.find("#filter-range")).selectByValue("24h");
      Instant dayAgo = Instant.now().minus(Duration.ofHours(24)).minusSeconds(60);
      browser.await(
          d -> {
            List<String> ids = rowIds(browser);
            return !ids.isEmpty() && ids.size() < 50;
          });
      List<String> lastDay = rowIds(browser);
      assertThat(starts(http, lastDay)).allMatch(at -> at.isAfter(dayAgo));
      assertThat(browser.driver.getCurrentUrl()).contains("range=24h");
      long inWindow =
          starts(http, first).stream().filter(at -> at.isAfter(dayAgo.plusSeconds(120))).count();
      assertThat((long) lastDay.size())
          .as("every run of the first page started in the window is still listed")
          .isGreaterThanOrEqualTo(inWindow);
      assertThat(browser.consoleErrors()).isEmpty();
    }
  }

  private static List<String> rows(Browser browser, int expected) {
    browser.await(d -> rowIds(browser).size() == expected);
    return rowIds(browser);
  }

  private static List<String> rowIds(Browser browser) {
    return browser.driver.findElements(By.cssSelector("#runs tbody tr")).stream()
        .map(r -> r.getAttribute("data-id"))
        .toList();
  }

  private static List<Instant> starts(Http http, List<String> ids) {
    Set<String> seen = new HashSet<>();
    return ids.stream()
        .peek(id -> assertThat(seen.add(id)).as("listed once: " + id).isTrue())
        .map(
            id ->
                Instant.parse(
                    http.get("/api/v1/flow-runs/" + id)
                        .json()
                        .get("run")
                        .get("startTime")
                        .asText()))
        .toList();
  }
}
