package dev.sluice.api.store;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Serial;
import java.io.StringWriter;
import java.util.Objects;

/**
 * An error rebuilt from its record — its type's name, message and stack trace as text — for a state
 * that travelled from another process (a run recorded through the server). A store records it as
 * the original: {@link #typeOf} and {@link #stackTraceOf} give the remote type and text, so a run
 * recorded remotely reads back exactly like one recorded locally.
 */
public final class RecordedException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final String type;
  private final String stackTrace;

  /**
   * An error of class {@code type} (its fully qualified name) with {@code message} (empty when
   * none) and {@code stackTrace}, the text {@link #stackTraceOf} gave for the original.
   */
  public RecordedException(String type, String message, String stackTrace) {
    super(message, null, false, false);
    this.type = Objects.requireNonNull(type, "type");
    this.stackTrace = Objects.requireNonNull(stackTrace, "stackTrace");
  }

  /** The fully qualified class name of the original error. */
  public String type() {
    return type;
  }

  /** The class name a store records for {@code error}: the original's for a recorded one. */
  public static String typeOf(Throwable error) {
    return error instanceof RecordedException r ? r.type : error.getClass().getName();
  }

  /** The message a store records for {@code error}, empty when it has none. */
  public static String messageOf(Throwable error) {
    String message = error.getMessage();
    return message == null ? "" : message;
  }

  /** The text a store records for {@code error}: its stack trace, causes included. */
  public static String stackTraceOf(Throwable error) {
    if (error instanceof RecordedException r) {
      return r.stackTrace;
    }
    StringWriter out = new StringWriter();
    try (PrintWriter writer = new PrintWriter(out)) {
      error.printStackTrace(writer);
    }
    return out.toString();
  }

  @Override
  public String toString() {
    String message = getMessage();
    return message == null || message.isEmpty() ? type : type + ": " + message;
  }

  @Override
  public void printStackTrace(PrintWriter writer) {
    writer.print(stackTrace);
  }

  @Override
  public void printStackTrace(PrintStream stream) {
    stream.print(stackTrace);
  }
}
