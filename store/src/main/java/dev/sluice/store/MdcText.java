package dev.sluice.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A log line's MDC as one text column: {@code key=value} lines in key order, with backslash,
 * newline and (in keys) {@code =} escaped. Small and line-oriented, so it stays readable in a SQL
 * shell.
 */
final class MdcText {
  private MdcText() {}

  static String encode(Map<String, String> mdc) {
    if (mdc.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(mdc).entrySet()) {
      escape(out, e.getKey(), true);
      out.append('=');
      escape(out, e.getValue(), false);
      out.append('\n');
    }
    return out.toString();
  }

  static Map<String, String> decode(String text) {
    Map<String, String> mdc = new LinkedHashMap<>();
    StringBuilder key = new StringBuilder();
    StringBuilder value = new StringBuilder();
    StringBuilder current = key;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        char next = text.charAt(++i);
        current.append(next == 'n' ? '\n' : next);
      } else if (c == '=' && current == key) {
        current = value;
      } else if (c == '\n') {
        mdc.put(key.toString(), value.toString());
        key.setLength(0);
        value.setLength(0);
        current = key;
      } else {
        current.append(c);
      }
    }
    return mdc;
  }

  private static void escape(StringBuilder out, String text, boolean isKey) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '=' -> out.append(isKey ? "\\=" : "=");
        default -> out.append(c);
      }
    }
  }
}
