package dev.sluice.server;

import java.util.Locale;

/**
 * What an API token allows. Every scope reads; {@code run} also starts and cancels runs, {@code
 * agent} also records runs and claims work, {@code admin} does everything (tokens, settings).
 */
public enum Scope {
  /** Every GET. */
  READ,
  /** Start and cancel runs. */
  RUN,
  /** Record runs through the server and claim work. */
  AGENT,
  /** Everything, tokens included. */
  ADMIN;

  /** Whether a token of this scope may make a call that needs {@code needed}. */
  public boolean allows(Scope needed) {
    return this == ADMIN || needed == READ || needed == this;
  }

  /** The scope's name as tokens and the command line spell it: {@code read}, {@code run}... */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The scope named {@code word}, in any case.
   *
   * @throws IllegalArgumentException naming the scopes when it is none of them
   */
  public static Scope of(String word) {
    for (Scope s : values()) {
      if (s.word().equalsIgnoreCase(word.strip())) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "'" + word + "' is not a token scope; use read, run, agent or admin");
  }
}
