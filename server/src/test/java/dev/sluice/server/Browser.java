package dev.sluice.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The machine's Chromium, headless, driven by its chromedriver (Debian's {@code chromium} and
 * {@code chromium-driver}; {@code .ci/chromium} installs them). Nothing is downloaded: the driver
 * and browser paths are given, so Selenium Manager is never asked. A test that needs the browser
 * is skipped, with a message saying what to install, when either binary is missing.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/lib/chromium/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final String MISSING =
      "browser tests need Chromium and its driver: install Debian's chromium and chromium-driver"
          + " (apt-get install chromium chromium-driver, or .ci/chromium); missing: ";

  final ChromeDriver driver;
  private final URI base;
  private final Path profile;

  private Browser(ChromeDriver driver, URI base, Path profile) {
    this.driver = driver;
    this.base = base;
    this.profile = profile;
  }

  /** Skips the calling test (JUnit assumption) when Chromium or chromedriver is missing. */
  static void assumeInstalled() {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(CHROMIUM)) {
      missing.add(CHROMIUM.toString());
    }
    if (!Files.isExecutable(DRIVER)) {
      missing.add(DRIVER.toString());
    }
    if (!missing.isEmpty()) {
      System.err.println("SKIPPED: " + MISSING + String.join(", ", missing));
    }
    assumeTrue(missing.isEmpty(), () -> MISSING + String.join(", ", missing));
  }

  /** A fresh headless browser (its own profile) at 1280×800, for pages under {@code base}. */
  static Browser open(URI base) {
    return open(base, 1280, 800);
  }

  static Browser open(URI base, int width, int height) {
    assumeInstalled();
    // Both paths given: Selenium skips its manager (no lookup, no download).
    System.setProperty("webdriver.chrome.driver", DRIVER.toString());
    Path profile;
    try {
      profile = Files.createTempDirectory("sluice-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--window-size=" + width + "," + height,
        "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return new Browser(driver, base, profile);
  }

  /** Opens {@code path} (e.g. {@code /runs}) and waits until the page has drawn. */
  Browser go(String path) {
    driver.get(base.resolve(path).toString());
    awaitReady();
    return this;
  }

  /** Waits for the app to finish drawing the current page (body[data-ready] changes). */
  void awaitReady() {
    await(d -> d.findElements(By.cssSelector("body[data-ready]")).isEmpty() ? null : true);
  }

  /** Waits (up to 20 s) until {@code condition} gives a value that is not null or false. */
  <T> T await(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(20))
        .pollingEvery(Duration.ofMillis(50))
        .until(condition);
  }

  WebElement find(String css) {
    return await(d -> d.findElements(By.cssSelector(css)).stream().findFirst().orElse(null));
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  @SuppressWarnings("unchecked")
  <T> T js(String script, Object... args) {
    return (T) ((JavascriptExecutor) driver).executeScript(script, args);
  }

  void resize(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** The console's SEVERE entries since the last call (errors, failed loads, CSP refusals). */
  List<String> consoleErrors() {
    List<String> errors = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
        errors.add(e.getMessage());
      }
    }
    return errors;
  }

  /** Saves a screenshot of the window as a PNG. */
  void screenshot(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files
            .sorted(java.util.Comparator.reverseOrder())
            .forEach(
                p -> {
                  try {
                    Files.deleteIfExists(p);
                  } catch (IOException e) {
                    // a profile file still held by the browser's exit; the temp dir keeps it
                  }
                });
      } catch (IOException e) {
        // nothing to clean
      }
    }
  }
}
