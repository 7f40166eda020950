package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flows;
import dev.sluice.Sluice;
import dev.sluice.api.Flow;
import dev.sluice.api.FlowRun;
import dev.sluice.api.RunHandle;
import dev.sluice.api.store.RunStore;
import dev.sluice.api.store.RunStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * A server that needs a token: the dashboard asks for it once (a keyboard-reachable form), keeps it
 * in the tab (sessionStorage, never the URL), sends it as a header, and asks again after a 401.
 */
class DashboardTokenTest {
  @TempDir Path home;

  @Test
  void thePageAsksForTheTokenKeepsItInTheTabAndAsksAgainAfterA401() {
    Browser.assumeInstalled();
    try (RunStore store = RunStores.open(home.resolve("sluice.db").toString(), Map.of());
        SluiceServer server = SluiceServer.builder().store(store).port(0).start();
        Browser browser = Browser.open(server.uri())) {
      String token = ServerTokens.create(store.tokens(), "ui", Scope.READ).token();
      browser.driver.get(server.uri().resolve("/flows").toString());

      // Asked at once, the input focused: a token typed and Enter pressed is all it takes.
      WebElement dialog = browser.find("#token-dialog[open]");
      assertThat(dialog.getText()).contains("This server needs a token");
      WebElement input = browser.find("#token-input");
      assertThat(browser.driver.switchTo().activeElement()).isEqualTo(input);
      input.sendKeys("slc_not-a-token", Keys.ENTER);
      // A wrong token is refused: the prompt comes back and says so.
      browser.await(
          d ->
              d.findElement(By.id("token-reason")).getText().contains("was refused")
                  && d.findElement(By.id("token-dialog")).getAttribute("open") != null);
      browser.find("#token-input").sendKeys(token, Keys.ENTER);
      browser.awaitReady();
      assertThat(browser.find("main h1").getText()).isEqualTo("Flows");
      assertThat(browser.find("#token-dialog").getAttribute("open")).isNull();
      // The store is empty: the page says what to do.
      assertThat(browser.find("main .empty").getText())
          .contains("No flows recorded yet")
          .contains("./dev demo");
      String kept = browser.js("return sessionStorage.getItem('sluice.api-token')");
      assertThat(kept).isEqualTo(token);
      assertThat(browser.driver.getCurrentUrl()).doesNotContain(token).doesNotContain("slc_");

      // Another page of the same tab uses the kept token without asking.
      browser.find("nav a[data-nav=runs]").click();
      browser.await(d -> d.findElement(By.cssSelector("main h1")).getText().equals("Flow runs"));
      assertThat(browser.find("#token-dialog").getAttribute("open")).isNull();

      // Revoked on the server: the next call is a 401 and the prompt is back.
      assertThat(store.tokens().revoke("ui")).isTrue();
      browser.find("nav a[data-nav=dashboard]").click();
      browser.find("#token-dialog[open]");
      assertThat(browser.find("#token-reason").getText()).contains("was refused");
      // Closing it leaves a page that says what is missing, with a way back to the prompt.
      browser.find("#token-cancel").click();
      assertThat(browser.find("main .empty h2").getText()).isEqualTo("This server needs a token");
      String second = ServerTokens.create(store.tokens(), "ui-2", Scope.READ).token();
      browser.find("main .empty button").click();
      browser.find("#token-input").sendKeys(second, Keys.ENTER);
      browser.await(d -> d.findElement(By.cssSelector("main h1")).getText().equals("Dashboard"));
      browser.await(
          d -> d.findElement(By.cssSelector("#history")).getText().contains("./dev demo"));
      assertThat(browser.find("#history").getText()).contains("No runs yet");

      // The console shows the refused calls (401) and nothing else.
      List<String> errors = browser.consoleErrors();
      assertThat(errors).allMatch(e -> e.contains("401"), "only 401 answers");
    }
  }

  /** A read token sees the Cancel button, but pressing it says which scope is missing. */
  @Test
  void aReadTokenIsToldItMayNotCancelAndTheRunGoesOn() throws Exception {
    Browser.assumeInstalled();
    String location = home.resolve("sluice.db").toString();
    CountDownLatch started = new CountDownLatch(1);
    Flow<Void> slow =
        Flows.named("slow-token")
            .define(
                f ->
                    f.action(
                        "wait",
                        () -> {
                          started.countDown();
                          Thread.sleep(60_000);
                        }));
    try (RunStore store = RunStores.open(location, Map.of());
        SluiceServer server = SluiceServer.builder().store(store).port(0).start();
        Sluice sluice =
            Sluice.builder()
                .executor("threadpool")
                .setting("home", home.toString())
                .setting("store", location)
                .build();
        Browser browser = Browser.open(server.uri())) {
      String token = ServerTokens.create(store.tokens(), "reader", Scope.READ).token();
      RunHandle handle = sluice.start(slow, Map.of());
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
      sluice.runStore().orElseThrow().recorder().flush(Duration.ofSeconds(30));

      browser.driver.get(server.uri().resolve("/runs/" + handle.id()).toString());
      browser.find("#token-input").sendKeys(token, Keys.ENTER);
      browser.awaitReady();
      browser.find("#cancel-run").click();
      browser.await(
          d -> d.findElement(By.id("cancel-note")).getText().contains("needs the run scope"));
      assertThat(browser.find("#cancel-run").isEnabled()).as("it can be pressed again").isTrue();
      assertThat(browser.find("#token-dialog").getAttribute("open"))
          .as("a 403 is not a 401: the token is kept, no prompt")
          .isNull();
      assertThat(handle.future()).as("the run goes on").isNotDone();

      assertThat(handle.cancel("test over")).isTrue();
      FlowRun done = handle.await();
      assertThat(done.state().name()).isEqualTo("Cancelled");
      // The console shows the calls before the token was given (401) and the refused cancel (403).
      List<String> errors = browser.consoleErrors();
      assertThat(errors).allMatch(e -> e.contains("401") || e.contains("403"), "401 or 403 only");
      assertThat(errors).anyMatch(e -> e.contains("/cancel") && e.contains("403"));
    }
  }
}
