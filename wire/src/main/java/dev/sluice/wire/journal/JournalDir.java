package dev.sluice.wire.journal;

import dev.sluice.api.internal.ProcessLiveness;
import dev.sluice.api.store.RunOwner;
import dev.sluice.wire.ApiJson;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of journals ({@code api.journal-dir}): {@code <source>.journal}, the batches one
 * store could not send yet, beside {@code <source>.owner}, which says which process wrote it and
 * for which server. A store writes the owner file before its journal's first line, and finds the
 * journals of stores that are gone when it opens ({@link #leftBehind}).
 */
public final class JournalDir {
  private static final Logger log = LoggerFactory.getLogger(JournalDir.class);

  public static final String JOURNAL = ".journal";
  public static final String OWNER = ".owner";

  /**
   * The sources of the stores open in this JVM. A journal this process wrote is left behind once
   * its store closed, although the process lives.
   */
  private static final Set<String> OPEN = ConcurrentHashMap.newKeySet();

  /**
   * What an owner file holds.
   *
   * @param host the host of the process that wrote the journal
   * @param pid its process id
   * @param processStart when it started, null when the platform does not say
   * @param url the API URL its batches are for
   */
  public record Owner(String host, long pid, @Nullable Instant processStart, String url) {
    public static Owner current(String url) {
      RunOwner self = RunOwner.current();
      return new Owner(self.host(), self.pid(), self.processStart(), url);
    }
  }

  private final Path dir;
  private final String url;

  public JournalDir(Path dir, String url) {
    this.dir = dir.toAbsolutePath();
    this.url = url;
  }

  public Path dir() {
    return dir;
  }

  public Path journal(String source) {
    return dir.resolve(source + JOURNAL);
  }

  public Path owner(String source) {
    return dir.resolve(source + OWNER);
  }

  /** A store of this JVM with {@code source} opened. */
  public static void opened(String source) {
    OPEN.add(source);
  }

  /** The store of {@code source} closed: its journal, if it left one, is for the next store. */
  public static void closed(String source) {
    OPEN.remove(source);
  }

  /** Creates the journal of {@code source}, writing its owner file first. */
  public Journal create(String source) throws IOException {
    Files.createDirectories(dir);
    writeOwner(source, Owner.current(url));
    return Journal.create(journal(source));
  }

  private void writeOwner(String source, Owner owner) throws IOException {
    Path file = owner(source);
    Path temp = dir.resolve(source + OWNER + ".tmp");
    Files.write(temp, ApiJson.writer().writeValueAsBytes(owner));
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Hands the journals {@link #leftBehind left behind} for this directory's store to the store at
   * {@code newUrl} (a database recovered from this one): their owner files name {@code newUrl} from
   * now on, so the next store opened there stores them. Journals of live processes are left.
   *
   * @return the journals handed over
   */
  public List<Path> handOver(String newUrl) throws IOException {
    List<Path> moved = new ArrayList<>();
    for (Path file : leftBehind("")) {
      String name = file.getFileName().toString();
      String source = name.substring(0, name.length() - JOURNAL.length());
      Optional<Owner> owner = readOwner(source);
      if (owner.isPresent()) {
        Owner was = owner.get();
        writeOwner(source, new Owner(was.host(), was.pid(), was.processStart(), newUrl));
        moved.add(file);
      }
    }
    return moved;
  }

  /** Deletes the journal of {@code source}, then its owner file. */
  public void delete(String source) throws IOException {
    Files.deleteIfExists(journal(source));
    Files.deleteIfExists(owner(source));
  }

  /**
   * The journals in this directory, oldest first, whose batches are for this store's server and
   * whose process is gone — it ran on this host and is no longer alive (or its pid now belongs to a
   * process started at another time), or it is this process and its store closed. Journals of live
   * processes, of other hosts and of other servers are left alone.
   */
  public List<Path> leftBehind(String self) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> found = new ArrayList<>();
    Map<Path, FileTime> modified = new HashMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + JOURNAL)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        String source = name.substring(0, name.length() - JOURNAL.length());
        if (source.equals(self) || !Files.isRegularFile(file)) {
          continue;
        }
        Optional<Owner> owner = readOwner(source);
        if (owner.isEmpty()) {
          log.warn(
              "the journal {} has no readable owner file {}, so which process and server it is for"
                  + " is unknown; it is left alone (delete it, or send it by hand)",
              file,
              owner(source).getFileName());
          continue;
        }
        if (owner.get().url().equals(url) && isGone(owner.get(), source)) {
          found.add(file);
          modified.put(file, lastModified(file));
        }
      }
    } catch (IOException e) {
      log.warn("cannot list the journals in {}: {}", dir, e.toString());
    }
    found.sort(Comparator.comparing(modified::get));
    return found;
  }

  private static FileTime lastModified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private Optional<Owner> readOwner(String source) {
    try {
      return Optional.of(
          ApiJson.reader().forType(Owner.class).readValue(Files.readAllBytes(owner(source))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      log.debug("cannot read {}: {}", owner(source), e.toString());
      return Optional.empty();
    }
  }

  /** Whether the process that owns {@code source}'s journal is known to be gone. */
  public static boolean isGone(Owner owner, String source) {
    RunOwner self = RunOwner.current();
    if (!owner.host().equals(self.host())) {
      return false;
    }
    Instant start = owner.processStart();
    Instant selfStart = self.processStart();
    if (owner.pid() == self.pid()
        && (start == null || selfStart == null || ProcessLiveness.sameStart(start, selfStart))) {
      return !OPEN.contains(source);
    }
    return ProcessLiveness.isKnownDead(new RunOwner(owner.host(), owner.pid(), start));
  }
}
