package dev.sluice.store;

import dev.sluice.api.settings.Settings;
import dev.sluice.api.store.RunStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;

/**
 * Where a store lives and how to connect to it, and the checks made before anything is written: a
 * file that is not an SQLite database, a database of another application or of a newer Sluice, an
 * unreachable server — each is refused with a message naming the database and the fix, and the file
 * is left as it was.
 */
final class Database {
  /** The header every SQLite 3 database file starts with. */
  private static final byte[] SQLITE_HEADER =
      "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

  final Dialect dialect;
  private final String url;
  private final Properties properties;
  private final String display;
  private final int busyTimeoutMillis;

  /** Where records this database cannot take now are kept, in order of preference. */
  final List<Path> journalDirs;

  /** Whether {@link #prepare} succeeded. */
  private volatile boolean prepared;

  /** How this store's process holds and judges leases (the lease settings). */
  final Leases.Timing leaseTiming;

  /** The driver of a server database, brought by its artifact; null for SQLite. */
  private final @Nullable Driver driver;

  private Database(
      Dialect dialect,
      String url,
      Properties properties,
      String display,
      int busyTimeoutMillis,
      @Nullable Driver driver,
      Settings settings) {
    List<Path> dirs = new ArrayList<>();
    settings.find(StoreSettings.JOURNAL_DIR).ifPresent(dirs::add);
    dirs.add(settings.home().resolve("journal"));
    dirs.add(
        Path.of(System.getProperty("java.io.tmpdir"))
            .resolve("sluice-journal-" + System.getProperty("user.name", "user")));
    this.journalDirs = dirs.stream().map(d -> d.toAbsolutePath().normalize()).distinct().toList();
    this.dialect = dialect;
    this.url = url;
    this.properties = properties;
    this.display = display;
    this.busyTimeoutMillis = busyTimeoutMillis;
    this.leaseTiming = Leases.Timing.of(settings);
    this.driver = driver;
  }

  /** An SQLite file, given as a path or a {@code jdbc:sqlite:} URL. */
  static Database sqlite(String location, Settings settings) {
    String path =
        location.startsWith("jdbc:sqlite:")
            ? location.substring("jdbc:sqlite:".length())
            : location;
    Path file = Path.of(path).toAbsolutePath().normalize();
    int busy = settings.get(StoreSettings.BUSY_TIMEOUT);
    return new Database(
        Dialect.SQLITE,
        "jdbc:sqlite:" + file,
        new Properties(),
        file.toString(),
        busy,
        null,
        settings);
  }

  /**
   * A PostgreSQL server, reached with {@code driver} (sluice-store-postgres brings it); {@code
   * user} and {@code password} may come from the settings.
   */
  static Database postgresql(String url, Settings settings, Driver driver) {
    Properties properties = new Properties();
    settings.find(StoreSettings.USER).ifPresent(user -> properties.setProperty("user", user));
    settings
        .find(StoreSettings.PASSWORD)
        .ifPresent(password -> properties.setProperty("password", password));
    String display = PASSWORD.matcher(url).replaceAll("$1***");
    int timeout = settings.get(StoreSettings.CONNECT_TIMEOUT);
    properties.setProperty("connectTimeout", String.valueOf(timeout));
    properties.setProperty("loginTimeout", String.valueOf(timeout));
    properties.setProperty("ApplicationName", "sluice");
    return new Database(Dialect.POSTGRESQL, url, properties, display, 0, driver, settings);
  }

  /** The file path or the URL without its password, for messages. */
  String display() {
    return display;
  }

  /** A new connection, in auto-commit mode, set up for this database. */
  Connection connect() throws SQLException {
    if (dialect == Dialect.SQLITE) {
      SQLiteConfig config = new SQLiteConfig();
      config.setBusyTimeout(busyTimeoutMillis);
      Connection connection = config.createConnection(url);
      try (Statement statement = connection.createStatement()) {
        // NORMAL is durable against a process crash in WAL mode (only an OS crash may lose the
        // last transactions), and much faster than FULL.
        statement.execute("PRAGMA synchronous=NORMAL");
        // 16 MiB of page cache (the default is 2 MiB): the writer's index pages stay in memory.
        statement.execute("PRAGMA cache_size=-16384");
      }
      return connection;
    }
    Connection connection = driver == null ? null : driver.connect(url, properties);
    if (connection == null) {
      throw new SQLException("the " + driver + " driver does not accept the URL " + display);
    }
    return connection;
  }

  /**
   * A read-only connection to this SQLite file, for checks and recovery: nothing it does can change
   * the file.
   */
  Connection connectReadOnly() throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(busyTimeoutMillis);
    return config.createConnection(url);
  }

  /**
   * Checks the database, switches SQLite to WAL mode and applies pending migrations; refuses
   * (changing nothing, and leaving no {@code -wal} or {@code -shm} file that was not there before)
   * a database it must not touch. Everything up to the switch to WAL mode only reads: the schema
   * check ({@link SchemaCheck}) and SQLite's time-bounded {@code quick_check} ({@link
   * IntegrityCheck}).
   */
  void prepare() {
    prepareChecked();
    prepared = true;
  }

  boolean isPrepared() {
    return prepared;
  }

  /** {@link #prepare} unless done: for a store that opened while its database could not be. */
  void prepareOnce() {
    if (!prepared) {
      prepare();
    }
  }

  private void prepareChecked() {
    if (dialect != Dialect.SQLITE) {
      try (Connection connection = connect()) {
        Migrations.apply(this, connection);
      } catch (SQLException e) {
        throw cannotOpen(e);
      }
      return;
    }
    checkSqliteFile();
    List<Path> sidecars = absentSidecars(); // made by this open, if at all: removed on refusal
    try {
      try (Connection connection = connect()) {
        SchemaCheck.verify(this, connection);
        IntegrityCheck.atOpen(this, connection);
        enableWal(connection);
        Migrations.apply(this, connection);
      } catch (SQLException e) {
        throw cannotOpen(e);
      }
    } catch (RuntimeException e) {
      try {
        deleteSidecars(sidecars);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The {@code -wal}, {@code -shm} and {@code -journal} files not beside the SQLite file now. */
  List<Path> absentSidecars() {
    Path file = Path.of(display);
    List<Path> absent = new ArrayList<>();
    for (String suffix : List.of("-wal", "-shm", "-journal")) {
      Path sidecar = file.resolveSibling(file.getFileName() + suffix);
      if (!Files.exists(sidecar)) {
        absent.add(sidecar);
      }
    }
    return absent;
  }

  /**
   * Deletes those of {@code sidecars} (from {@link #absentSidecars}) that appeared since, once the
   * connections that made them are closed: only while they hold nothing — a database nothing was
   * written to has an empty new {@code -wal}.
   */
  static void deleteSidecars(List<Path> sidecars) throws IOException {
    IOException failure = null;
    for (Path sidecar : sidecars) {
      try {
        if (!sidecar.toString().endsWith("-wal")
            || !Files.exists(sidecar)
            || Files.size(sidecar) == 0) {
          Files.deleteIfExists(sidecar);
        }
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Refuses a directory or a file that is not an SQLite database; creates missing parents. */
  void checkSqliteFile() {
    Path file = Path.of(display);
    try {
      if (Files.isDirectory(file)) {
        throw new RunStoreException(
            "the run store "
                + file
                + " is a directory; set sluice.store to a file path (e.g. "
                + file.resolve("sluice.db")
                + ")");
      }
      if (Files.exists(file) && Files.size(file) > 0) {
        byte[] header = new byte[SQLITE_HEADER.length];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
          read = in.readNBytes(header, 0, header.length);
        }
        if (read < header.length || !Arrays.equals(header, SQLITE_HEADER)) {
          throw new RunStoreException(
              "the run store "
                  + file
                  + " is not an SQLite database (it does not start with the SQLite header); Sluice"
                  + " leaves it untouched. Move it away, or point sluice.store (SLUICE_STORE) at"
                  + " another file, or set it to 'off'");
        }
      } else if (!Files.exists(file)) {
        Path parent = file.getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
      }
    } catch (IOException e) {
      throw new RunStoreException(
          "cannot use the run store "
              + file
              + ": "
              + e
              + "; check the directory exists and is writable, or point sluice.store elsewhere",
          e);
    }
  }

  private void enableWal(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("PRAGMA journal_mode=WAL")) {
      String mode = rs.next() ? rs.getString(1) : "";
      if (!"wal".equals(mode.toLowerCase(Locale.ROOT))) {
        throw new RunStoreException(
            "the run store "
                + display
                + " cannot use SQLite's WAL mode (it stays in '"
                + mode
                + "' mode; network file systems do not support WAL); put the file on a local disk");
      }
    }
  }

  /** A failure to open or check the database, explained. */
  RunStoreException cannotOpen(SQLException e) {
    String message = String.valueOf(e.getMessage());
    if (dialect == Dialect.POSTGRESQL) {
      return new RunStoreException(
          "cannot open the run store at "
              + display
              + ": "
              + message
              + ". Check that the PostgreSQL server is running and reachable and that the user"
              + " and password (sluice.store.user / sluice.store.password, or in the URL) are"
              + " right; or set sluice.store to a file path for a local SQLite store, or to"
              + " 'off'",
          e);
    }
    String lower = message.toLowerCase(Locale.ROOT);
    if (lower.contains("sqlite_full") || lower.contains("disk is full")) {
      return new RunStoreException(
          "cannot write the run store " + display + ": its disk is full (" + message + ")", e);
    }
    if (lower.contains("malformed")
        || lower.contains("corrupt")
        || lower.contains("not a database")) {
      return new RunStoreException(
          "the run store "
              + display
              + " is corrupt ("
              + message
              + "); Sluice does not repair or overwrite it. Restore it from a backup, or copy what"
              + " can be read to a new file (sluice store recover --db "
              + display
              + " --to NEW.db) and point sluice.store (SLUICE_STORE) at it, or move it away so"
              + " Sluice starts a new one",
          e);
    }
    return new RunStoreException(
        "cannot open the run store "
            + display
            + ": "
            + message
            + "; check the file and its directory are readable and writable, or point"
            + " sluice.store (SLUICE_STORE) at another file, or set it to 'off'",
        e);
  }
}
