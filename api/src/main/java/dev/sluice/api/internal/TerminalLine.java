package dev.sluice.api.internal;

import java.io.Console;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * One line at the bottom of a terminal that is redrawn in place (a progress line): what to print to
 * draw it, replacing what was drawn before, and to clear it before other output. It only builds
 * strings — carriage returns and spaces, no escape sequences — so it can be tested without a
 * terminal; the caller writes them. Not thread-safe: callers serialize their output anyway.
 */
public final class TerminalLine {
  private final int width;
  private int shown;

  /** A line on a terminal {@code width} columns wide (at least 20). */
  public TerminalLine(int width) {
    this.width = Math.max(20, width);
  }

  /** A line as wide as the terminal {@link #columns} says. */
  public static TerminalLine forTerminal(Map<String, String> environment) {
    return new TerminalLine(columns(environment));
  }

  /**
   * Whether this process's standard input and output are a terminal: {@link System#console()} is
   * there and, on JDK 22 and later (where it is there for redirected streams too), says it is a
   * terminal.
   */
  public static boolean isTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal"); // JDK 22+
      return Boolean.TRUE.equals(isTerminal.invoke(console));
    } catch (NoSuchMethodException e) {
      return true; // before JDK 22 a console exists only for a terminal
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /** The terminal's width from {@code COLUMNS} when the shell exports it, else 80. */
  static int columns(Map<String, String> environment) {
    try {
      return Integer.parseInt(environment.getOrDefault("COLUMNS", "80").strip());
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  /**
   * What draws {@code text} over the line drawn before: a carriage return, the text cut to fit one
   * row (so the terminal never wraps it, which would break the redraw), spaces over the rest of the
   * previous line. The cursor is left at the end of the line.
   */
  public String draw(String text) {
    String fitted = text.replace('\n', ' ').replace('\r', ' ');
    int room = width - 1; // the last column would wrap on some terminals
    if (fitted.length() > room) {
      fitted = fitted.substring(0, room - 1) + "…";
    }
    String padding = " ".repeat(Math.max(0, shown - fitted.length()));
    shown = fitted.length();
    return "\r" + fitted + padding;
  }

  /**
   * What erases the line and puts the cursor at its start, so other output begins on a clean row;
   * empty when nothing is drawn.
   */
  public String clear() {
    if (shown == 0) {
      return "";
    }
    String erase = "\r" + " ".repeat(shown) + "\r";
    shown = 0;
    return erase;
  }

  /** Whether a line is drawn (and not cleared since). */
  public boolean isShown() {
    return shown > 0;
  }
}
