package dev.sluice.store;

import dev.sluice.wire.journal.Batch;
import dev.sluice.wire.journal.Journal;
import dev.sluice.wire.journal.JournalDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records the writer keeps on disk while its database cannot take them, in the journal format
 * the client's sender uses ({@link Journal}: one record batch a line, with its source and sequence;
 * {@link JournalDir}: beside each journal, which process wrote it and for which store). The journal
 * goes in the first of {@link Database#journalDirs} where it can be written — somewhere else than a
 * full disk, if there is such a place.
 *
 * <p>A line is written to the database as a record batch of its source ({@link
 * dev.sluice.api.store.IngestBatch}), so a line committed once is never stored twice, even when the
 * process dies before its journal is emptied. When a store opens, the journals that gone processes
 * left for the same database are read first, in the order they were written. Writer thread only.
 */
final class KeptAside {
  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

  /** A line taken from a journal, to be written. */
  record Taken(Batch batch, @Nullable Other other, long offset) {}

  /** A journal a gone process left. */
  record Other(Journal journal, JournalDir dir, String source) {}

  private final Database database;
  private final String source;
  private final List<JournalDir> dirs = new ArrayList<>();
  private final ArrayDeque<Other> others = new ArrayDeque<>();
  private @Nullable JournalDir ownDir;
  private @Nullable Journal own;

  KeptAside(Database database, String source) {
    this.database = database;
    this.source = source;
    JournalDir.opened(source);
    for (Path dir : database.journalDirs) {
      JournalDir journals = new JournalDir(dir, database.display());
      dirs.add(journals);
      for (Path file : journals.leftBehind(source)) {
        adopt(journals, file);
      }
    }
  }

  private void adopt(JournalDir dir, Path file) {
    String name = file.getFileName().toString();
    String other = name.substring(0, name.length() - JournalDir.JOURNAL.length());
    try {
      Journal journal = Journal.open(file);
      log.info(
          "storing the {} batches of records an earlier Sluice process kept in {} for the run"
              + " store {}",
          journal.untakenBatches(),
          file,
          database.display());
      others.addLast(new Other(journal, dir, other));
    } catch (IOException e) {
      log.warn("cannot read the journal {} an earlier process left: {}", file, e.toString());
    }
  }

  /** Whether journals of gone processes are still to be written. */
  boolean hasOthers() {
    return !others.isEmpty();
  }

  /** Whether this store's own journal holds lines not taken yet. */
  boolean hasOwnUntaken() {
    return own != null && own.hasUntaken();
  }

  /** The next line to write: of the journals gone processes left, then of this store's. */
  @Nullable Taken next() {
    while (!others.isEmpty()) {
      Other other = others.getFirst();
      if (other.journal().hasUntaken()) {
        try {
          Journal.Entry entry = other.journal().take();
          return new Taken(entry.batch(), other, entry.offset());
        } catch (IOException e) {
          log.error("{}; it is skipped", e.getMessage());
          continue;
        }
      }
      finish(others.removeFirst());
    }
    Journal journal = own;
    while (journal != null && journal.hasUntaken()) {
      try {
        Journal.Entry entry = journal.take();
        return new Taken(entry.batch(), null, entry.offset());
      } catch (IOException e) {
        log.error("{}; it is skipped, and its records are lost", e.getMessage());
      }
    }
    return null;
  }

  private void finish(Other other) {
    try {
      other.journal().delete();
      other.dir().delete(other.source());
      log.info("stored the records an earlier process kept in {}", other.journal().file());
    } catch (IOException e) {
      log.warn("cannot delete {}: {}", other.journal().file(), e.toString());
    }
  }

  /** A line of this store's journal was committed: empties the file when none is left. */
  void ownCommitted() {
    Journal journal = own;
    if (journal != null && !journal.hasUntaken()) {
      try {
        journal.clear();
      } catch (IOException e) {
        log.warn("cannot empty the journal {}: {}", journal.file(), e.toString());
      }
    }
  }

  /**
   * Appends {@code batches}, in order, to this store's journal, created in the first directory
   * where that works.
   *
   * @throws IOException when no directory takes them; nothing was written then
   */
  void append(List<Batch> batches) throws IOException {
    Journal journal = own;
    if (journal != null) {
      journal.append(batches);
      return;
    }
    IOException failure = null;
    for (JournalDir dir : dirs) {
      Journal created = null;
      try {
        created = dir.create(source);
        created.append(batches);
        own = created;
        ownDir = dir;
        return;
      } catch (IOException | RuntimeException e) {
        if (created != null) {
          try {
            created.delete();
            dir.delete(source);
          } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        IOException io = e instanceof IOException i ? i : new IOException(e);
        if (failure == null) {
          failure = io;
        } else {
          failure.addSuppressed(io);
        }
      }
    }
    throw failure != null ? failure : new IOException("no journal directory");
  }

  /** Marks the first untaken line of this store's journal taken (its batch is in hand). */
  long skipOwn() {
    Journal journal = own;
    return journal == null ? -1 : journal.skip();
  }

  /** The journal file records go to (or would), for messages. */
  Path ownFile() {
    Journal journal = own;
    if (journal != null) {
      return journal.file();
    }
    return dirs.get(0).journal(source);
  }

  /** Where the journal would go, for messages: the directories tried in order. */
  List<Path> directories() {
    return dirs.stream().map(JournalDir::dir).toList();
  }

  /**
   * At close: keeps this store's untaken lines (and {@code inHand}, a line taken but not committed)
   * in its journal for the next store of the same database, or deletes the journal when none is
   * left; closes the journals of others not finished, which stay for the next store.
   *
   * @return the lines' record count left in this store's journal
   */
  long close(@Nullable Taken inHand) {
    long left = 0;
    Journal journal = own;
    if (journal != null) {
      try {
        Taken ownInHand = inHand != null && inHand.other() == null ? inHand : null;
        left = journal.untakenElements() + (ownInHand != null ? ownInHand.batch().elements() : 0);
        if (left == 0) {
          journal.delete();
          if (ownDir != null) {
            ownDir.delete(source);
          }
        } else {
          journal.compactFrom(
              ownInHand != null ? ownInHand.offset() : journal.firstUntakenOffset());
          journal.close();
        }
      } catch (IOException e) {
        log.error("cannot finish the journal {}: {}", journal.file(), e.toString());
      }
    }
    for (Other other : others) {
      try {
        other.journal().close();
      } catch (IOException e) {
        log.debug("cannot close {}: {}", other.journal().file(), e.toString());
      }
    }
    JournalDir.closed(source);
    return left;
  }
}
