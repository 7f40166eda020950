package dev.sluice.cli;

import dev.sluice.Sluice;
import java.nio.file.Path;

/** A {@link Sluice} that records its runs into {@code home}'s default SQLite history. */
final class Recording {
  private Recording() {}

  static Sluice sluice(Path home) {
    return builder(home).build();
  }

  static Sluice.Builder builder(Path home) {
    // Code settings win over the build's -Dsluice.store=off, which keeps other tests off ~/.sluice.
    return Sluice.builder()
        .executor("threadpool")
        .setting("home", home.toString())
        .setting("store", home.resolve("sluice.db").toString());
  }
}
