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
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
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
 * and browser paths are given, so Selenium Manager is never asked. A test that needs the browser is
 * skipped, with a message saying what to install, when either binary is missing.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/lib/chromium/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final String MISSING =
      "browser tests need Chromium and its driver: install Debian's chromium and chromium-driver"
          + " (apt-get install chromium chromium-driver, or .ci/chromium); missing: ";

  // Selenium looks for a DevTools binding of this Chromium's version, which the tests do not use
  // (selenium-devtools is not a dependency), and warns at every start; kept quiet (held, so the
  // logger's level is not collected).
  private static final java.util.logging.Logger CDP_FINDER =
      java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  static {
    CDP_FINDER.setLevel(Level.SEVERE);
  }

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

  /**
   * A fresh headless browser (its own profile), viewport 1280×800, for pages under {@code base}.
   */
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
    Browser browser = new Browser(driver, base, profile);
    browser.resize(width, height);
    return browser;
  }

  /** Opens {@code path} (e.g. {@code /runs}) and waits until the page has drawn. */
  Browser go(String path) {
    driver.get(base.resolve(path).toString());
    try {
      awaitReady();
    } catch (org.openqa.selenium.TimeoutException e) {
      // The server runs in this JVM: its threads (virtual ones too) say what the page waits for.
      try {
        java.lang.management.ManagementFactory.getPlatformMXBean(
                com.sun.management.HotSpotDiagnosticMXBean.class)
            .dumpThreads(
                Path.of("target/stalled-page-threads-" + System.nanoTime() + ".txt")
                    .toAbsolutePath()
                    .toString(),
                com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
      } catch (IOException io) {
        // diagnostics only
      }
      throw new AssertionError(
          path
              + " did not finish drawing; the page says: "
              + driver.findElement(By.tagName("main")).getText()
              + "; console: "
              + consoleErrors(),
          e);
    }
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
        .ignoring(StaleElementReferenceException.class) // the page redrew what was read
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

  /** Makes the pages see {@code prefers-color-scheme: dark} (or light) from now on. */
  void colorScheme(String scheme) {
    driver.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
  }

  /**
   * Sizes the window so that its viewport (what the page sees) is {@code width × height}. Below the
   * window's smallest width (500 px in headless Chromium) the viewport is emulated, as a phone's is
   * in DevTools.
   */
  void resize(int width, int height) {
    driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    driver.manage().window().setSize(new Dimension(width, height));
    long extraWidth = js("return window.outerWidth - window.innerWidth");
    long extraHeight = js("return window.outerHeight - window.innerHeight");
    if (extraWidth > 0 || extraHeight > 0) {
      driver
          .manage()
          .window()
          .setSize(new Dimension(width + (int) extraWidth, height + (int) extraHeight));
    }
    long seen = js("return window.innerWidth");
    if (seen != width) {
      driver.executeCdpCommand(
          "Emulation.setDeviceMetricsOverride",
          Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
    }
    long now = js("return window.innerWidth");
    if (now != width) {
      throw new AssertionError("the viewport is " + now + " px wide, not " + width);
    }
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
