package dev.sluice.store;

import dev.sluice.api.store.LogCapture;
import dev.sluice.api.store.LogCaptureProvider;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches a capture to the logging backend the application bound to SLF4J. SLF4J itself has no
 * hook for this, so each supported backend gets its own: a Logback appender on the root logger, or
 * a {@code java.util.logging} handler on the root logger (slf4j-jdk14). Any other binding is
 * reported at WARN and not captured; no provider at all (SLF4J drops every line) is reported once
 * on stderr. Either way the engine records its own run messages itself. Lines go to a {@link
 * LogCaptureProvider.Sink}: this store's writer ({@link JdbcRunStore#captureLogs}), or another
 * store's recorder through {@link StoreLogCaptureProvider}.
 */
final class LogCaptures {
  private static final Logger log = LoggerFactory.getLogger(LogCaptures.class);

  /** SLF4J's binding when no provider is on the class path. */
  static final String NO_PROVIDER = "org.slf4j.helpers.NOPLoggerFactory";

  /** The backends a capture attaches to, by the dependency to add. */
  static final String BACKENDS =
      "ch.qos.logback:logback-classic (Logback), org.apache.logging.log4j:log4j-slf4j2-impl with"
          + " log4j-core (Log4j 2) or org.slf4j:slf4j-jdk14 (java.util.logging)";

  private static final AtomicBoolean WARNED_NO_PROVIDER = new AtomicBoolean();

  private LogCaptures() {}

  /** Attaches a capture of the lines of {@code sink}'s runs to the bound backend. */
  static LogCapture install(LogCaptureProvider.Sink sink) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    String binding = factory.getClass().getName();
    if (binding.startsWith("ch.qos.logback.classic.")
        && present("ch.qos.logback.core.UnsynchronizedAppenderBase")) {
      return LogbackCapture.install(factory, sink);
    }
    if (binding.equals("org.apache.logging.slf4j.Log4jLoggerFactory")
        && present("org.apache.logging.log4j.core.LoggerContext")) {
      return Log4j2Capture.install(sink);
    }
    if (binding.equals("org.slf4j.jul.JDK14LoggerFactory")) {
      return JulCapture.install(sink);
    }
    if (binding.equals(NO_PROVIDER)) {
      // SLF4J drops every line, this warning included: say it where the user sees it, once.
      if (WARNED_NO_PROVIDER.compareAndSet(false, true)) {
        System.err.println(
            "sluice: WARN task log lines are not recorded in the run history: no SLF4J provider is"
                + " on the class path. Add one, e.g. "
                + BACKENDS
                + ". Sluice's own run messages (failed attempts, retries, final states) are"
                + " recorded anyway.");
      }
      return new Inactive(binding);
    }
    log.warn(
        "the run store cannot capture log lines from the SLF4J binding {}; task logs are not"
            + " stored with their runs, only Sluice's own run messages. Use a supported backend: {}",
        binding,
        BACKENDS);
    return new Inactive(binding);
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, LogCaptures.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** A backend that cannot be captured. */
  record Inactive(String backend) implements LogCapture {
    @Override
    public boolean active() {
      return false;
    }

    @Override
    public void close() {}
  }
}
