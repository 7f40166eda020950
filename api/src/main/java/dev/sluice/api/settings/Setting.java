package dev.sluice.api.settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One declared setting: its key, how its text is parsed and checked, its default, what it does,
 * whether it is secret and whether the config file may set it. Declare each setting once, as a
 * constant of the module that reads it, list it in that module's {@link SettingsCatalog}, and read
 * it with {@link Settings#get(Setting)}.
 *
 * <p>A key is written without the {@code sluice.} prefix, e.g. {@code store.busy-timeout-ms}. A
 * <em>pattern</em> key ends with a free part in angle brackets, e.g. {@code concurrency.<tag>}: it
 * declares every key with that prefix ({@code concurrency.gpu}, {@code concurrency.db}).
 *
 * <p>The environment variable of a key is {@code SLUICE_} followed by the key with {@code .},
 * {@code -} (and any other character that is not a letter or digit) as {@code _}, camelCase split
 * with {@code _}, in upper case: {@code store.capture-logs} is {@code SLUICE_STORE_CAPTURE_LOGS},
 * {@code executor.jvmOptions} is {@code SLUICE_EXECUTOR_JVM_OPTIONS}. See {@link
 * #environmentName(String)}.
 *
 * {@snippet :
 * public static final Setting<Integer> BUSY_TIMEOUT =
 *     Setting.positiveInt("store.busy-timeout-ms")
 *         .defaultValue(30_000)
 *         .description("SQLite store: how long a writer waits for another process's lock, in ms")
 *         .build();
 * }
 *
 * @param <T> the type of its values
 */
public final class Setting<T> {
  private static final Pattern KEY =
      Pattern.compile("[a-z][A-Za-z0-9-]*(\\.[a-z][A-Za-z0-9-]*)*(\\.<[a-z]+>)?");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern ANY_FREE_PART = Pattern.compile("\\S(.*\\S)?");

  private final String key;
  private final @Nullable String prefix;
  private final Function<String, T> parser;
  private final String expected;
  private final @Nullable T defaultValue;
  private final String defaultText;
  private final String description;
  private final boolean secret;
  private final boolean fileAllowed;
  private final Pattern freePart;
  private final String example;

  private Setting(Builder<T> builder) {
    this.key = builder.key;
    int free = key.indexOf('<');
    this.prefix = free < 0 ? null : key.substring(0, free);
    this.parser = builder.parser;
    this.expected = builder.expected;
    this.defaultValue = builder.defaultValue;
    this.defaultText =
        builder.defaultText != null
            ? builder.defaultText
            : builder.defaultValue != null ? String.valueOf(builder.defaultValue) : "none";
    this.description = Objects.requireNonNull(builder.description, "description of " + key);
    this.secret = builder.secret;
    this.fileAllowed = builder.fileAllowed;
    this.freePart = builder.freePart;
    this.example = exampleOf(builder);
    parse(example); // a declaration whose own example does not parse is a bug, found at once
  }

  private static <T> String exampleOf(Builder<T> builder) {
    if (builder.example != null) {
      return builder.example;
    }
    // Prefer an example that differs from the default, so it shows that a source was read.
    for (String candidate : builder.candidates) {
      if (builder.defaultValue == null
          || !builder.defaultValue.equals(builder.parser.apply(candidate))) {
        return candidate;
      }
    }
    throw new IllegalArgumentException(
        "the setting '" + builder.key + "' needs an example value: call Builder.example");
  }

  /** A setting whose value is its text, stripped of surrounding white space. */
  public static Builder<String> text(String key) {
    return new Builder<>(key, "text", value -> value).candidates("example");
  }

  /** A file or directory path. */
  public static Builder<Path> path(String key) {
    return new Builder<>(key, "a file system path", Path::of).candidates("/srv/sluice");
  }

  /** {@code true} or {@code false}, in any case; nothing else ({@code yes}, {@code 1}) is taken. */
  public static Builder<Boolean> bool(String key) {
    return new Builder<>(
            key,
            "true or false",
            value ->
                switch (value.toLowerCase(Locale.ROOT)) {
                  case "true" -> true;
                  case "false" -> false;
                  default -> throw new IllegalArgumentException();
                })
        .candidates("true", "false");
  }

  /** A whole number {@code >= 1}. */
  public static Builder<Integer> positiveInt(String key) {
    return new Builder<Integer>(key, "a whole number", Integer::valueOf)
        .check(n -> n >= 1, "a whole number >= 1")
        .candidates("8", "9");
  }

  /** A duration: ISO-8601 such as {@code PT5S}, or a whole number of milliseconds. */
  public static Builder<Duration> duration(String key) {
    return new Builder<Duration>(
            key,
            "a duration such as PT5S, or a number of milliseconds",
            value ->
                value.startsWith("P") || value.startsWith("p")
                    ? Duration.parse(value)
                    : Duration.ofMillis(Long.parseLong(value)))
        .check(d -> !d.isNegative(), "a duration >= 0, such as PT5S, or a number of milliseconds")
        .candidates("PT10S", "PT20S");
  }

  /**
   * A size in bytes: a whole number with an optional unit {@code k}, {@code m} or {@code g} (powers
   * of 1024) and an optional {@code b}, in any case: {@code 1048576}, {@code 512k}, {@code 64MB}.
   */
  public static Builder<Long> bytes(String key) {
    return new Builder<>(key, "a size in bytes such as 67108864, 512k or 64MB", Setting::parseBytes)
        .candidates("256MB", "1g");
  }

  /** One of {@code words}, in any case; the value is the word in lower case. */
  public static Builder<String> oneOf(String key, String... words) {
    List<String> allowed = List.of(words);
    return new Builder<String>(key, "one of " + String.join(", ", allowed), Setting::lowerCase)
        .check(allowed::contains, "one of " + String.join(", ", allowed))
        .candidates(words);
  }

  /** Words separated by white space, e.g. JVM options {@code -Xmx256m -Dfile.encoding=UTF-8}. */
  public static Builder<List<String>> words(String key) {
    return new Builder<List<String>>(
            key,
            "words separated by spaces",
            value ->
                value.isEmpty()
                    ? List.<String>of()
                    : List.copyOf(Arrays.asList(WHITESPACE.split(value))))
        .candidates("-Xmx256m -Xss1m");
  }

  /**
   * A setting with its own parser; give it an {@link Builder#example}.
   *
   * @param expected what a good value looks like, for messages, e.g. {@code "a JDBC URL"}
   * @param parser turns the stripped text into a value; throws any {@link RuntimeException} for a
   *     bad one
   */
  public static <T> Builder<T> of(String key, String expected, Function<String, T> parser) {
    return new Builder<>(key, expected, parser);
  }

  private static String lowerCase(String value) {
    return value.toLowerCase(Locale.ROOT);
  }

  private static long parseBytes(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    if (v.endsWith("b")) {
      v = v.substring(0, v.length() - 1);
    }
    long unit =
        v.isEmpty()
            ? 1
            : switch (v.charAt(v.length() - 1)) {
              case 'k' -> 1L << 10;
              case 'm' -> 1L << 20;
              case 'g' -> 1L << 30;
              default -> 1;
            };
    long n = Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1).strip());
    if (n < 0) {
      throw new IllegalArgumentException("negative");
    }
    return Math.multiplyExact(n, unit);
  }

  /**
   * The environment variable that sets {@code key}: {@code SLUICE_} and the key in upper case, with
   * every character that is not a letter or digit as {@code _} and a {@code _} where camelCase
   * starts a word. {@code store.capture-logs} → {@code SLUICE_STORE_CAPTURE_LOGS}, {@code
   * executor.startTimeoutSeconds} → {@code SLUICE_EXECUTOR_START_TIMEOUT_SECONDS}, {@code
   * concurrency.gpu} → {@code SLUICE_CONCURRENCY_GPU}.
   */
  public static String environmentName(String key) {
    StringBuilder name = new StringBuilder("SLUICE_");
    char previous = '.';
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (isAsciiLetterOrDigit(c)) {
        boolean wordStarts =
            c >= 'A' && c <= 'Z' && ((previous >= 'a' && previous <= 'z') || isDigit(previous));
        if (wordStarts) {
          name.append('_');
        }
        name.append(Character.toUpperCase(c));
      } else {
        name.append('_');
      }
      previous = c;
    }
    return name.toString();
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * The key, e.g. {@code store.busy-timeout-ms}, or a pattern such as {@code concurrency.<tag>}.
   */
  public String key() {
    return key;
  }

  /** Whether the key ends with a free part, like {@code concurrency.<tag>}. */
  public boolean isPattern() {
    return prefix != null;
  }

  /**
   * The fixed start of a pattern key, e.g. {@code concurrency.}; the whole key for a plain one.
   * Shell completion offers it.
   */
  public String prefix() {
    return prefix == null ? key : prefix;
  }

  /**
   * Whether this setting declares {@code concreteKey}: the key itself, or for a pattern the prefix
   * followed by a free part it accepts ({@code concurrency.gpu} for {@code concurrency.<tag>}).
   */
  public boolean matches(String concreteKey) {
    return prefix == null
        ? key.equals(concreteKey)
        : concreteKey.length() > prefix.length()
            && concreteKey.startsWith(prefix)
            && freePart.matcher(concreteKey.substring(prefix.length())).matches();
  }

  /**
   * The environment variable of this setting; for a pattern, the prefix's variable with the free
   * part in angle brackets, e.g. {@code SLUICE_CONCURRENCY_<TAG>}.
   */
  public String environmentName() {
    if (prefix == null) {
      return environmentName(key);
    }
    return environmentPrefix() + key.substring(prefix.length()).toUpperCase(Locale.ROOT);
  }

  /**
   * The start of the environment variables a pattern declares, e.g. {@code SLUICE_CONCURRENCY_}.
   */
  String environmentPrefix() {
    return environmentName(prefix());
  }

  /**
   * Parses and checks a value's text (stripped of surrounding white space).
   *
   * @throws IllegalArgumentException saying what is expected; {@link Settings} adds the key and the
   *     source the text came from
   */
  public T parse(String text) {
    String value = text.strip();
    try {
      return Objects.requireNonNull(parser.apply(value), "parser result");
    } catch (CheckFailed e) {
      throw new IllegalArgumentException(e.getMessage() + ", was '" + shown(value) + "'", e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "expected " + expected + ", was '" + shown(value) + "'", e);
    }
  }

  private String shown(String value) {
    return secret ? "***" : value;
  }

  /**
   * A good value's text, different from the default where the type allows: what help shows and what
   * the tests that read every setting from every source set.
   */
  public String example() {
    return example;
  }

  /** What a good value looks like, e.g. {@code "a whole number >= 1"}. */
  public String expected() {
    return expected;
  }

  /** The value that applies when no source sets one; empty when the reader computes it. */
  public Optional<T> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** The default as people read it, e.g. {@code 30000} or {@code number of processors}. */
  public String defaultText() {
    return defaultText;
  }

  /** What the setting does. */
  public String description() {
    return description;
  }

  /** Whether {@code sluice config view} and error messages mask the value (a password). */
  public boolean isSecret() {
    return secret;
  }

  /**
   * Whether {@code config.properties} may set it; false for {@code home}, which says where that
   * file lives.
   */
  public boolean fileAllowed() {
    return fileAllowed;
  }

  @Override
  public String toString() {
    return key;
  }

  /** A failed {@link Builder#check}: its message is what was expected. */
  private static final class CheckFailed extends RuntimeException {
    CheckFailed(String expected) {
      super("expected " + expected, null, false, false);
    }
  }

  /**
   * Builds a {@link Setting}; start with one of the factories of {@link Setting}, e.g. {@link
   * Setting#positiveInt(String)}.
   *
   * @param <T> the type of the setting's values
   */
  public static final class Builder<T> {
    private final String key;
    private Function<String, T> parser;
    private String expected;
    private @Nullable T defaultValue;
    private @Nullable String defaultText;
    private @Nullable String description;
    private boolean secret;
    private boolean fileAllowed = true;
    private Pattern freePart = ANY_FREE_PART;
    private @Nullable String example;
    private List<String> candidates = List.of();

    private Builder(String key, String expected, Function<String, T> parser) {
      if (!KEY.matcher(key).matches()) {
        throw new IllegalArgumentException(
            "a setting key is words of letters, digits and dashes separated by dots, optionally"
                + " ending with a free part such as .<tag>; was '"
                + key
                + "'");
      }
      this.key = key;
      this.expected = expected;
      this.parser = parser;
    }

    /** The value when no source sets one. */
    public Builder<T> defaultValue(T value) {
      this.defaultValue = Objects.requireNonNull(value, "value");
      return this;
    }

    /**
     * How the default reads in {@code sluice config} and the docs, when it is computed by the
     * reader (e.g. {@code "number of processors"}) or reads better than the value.
     */
    public Builder<T> defaultText(String text) {
      this.defaultText = Objects.requireNonNull(text, "text");
      return this;
    }

    /** What the setting does, one line; shown by {@code sluice config} and in the docs. */
    public Builder<T> description(String text) {
      this.description = Objects.requireNonNull(text, "text");
      return this;
    }

    /**
     * A check on parsed values.
     *
     * @param expected what a good value looks like, for messages, e.g. {@code "a number >= 1"}
     */
    public Builder<T> check(Predicate<? super T> valid, String expected) {
      Function<String, T> parse = this.parser;
      this.parser =
          text -> {
            T value = parse.apply(text);
            if (!valid.test(value)) {
              throw new CheckFailed(expected);
            }
            return value;
          };
      this.expected = expected;
      return this;
    }

    /** A good value's text; the factories give one unless the parser is the declaration's own. */
    public Builder<T> example(String text) {
      this.example = Objects.requireNonNull(text, "text");
      return this;
    }

    private Builder<T> candidates(String... texts) {
      this.candidates = List.of(texts);
      return this;
    }

    /** Masks the value in {@code sluice config view} and in messages. */
    public Builder<T> secret() {
      this.secret = true;
      return this;
    }

    /**
     * The free parts a pattern key accepts, e.g. {@code [A-Za-z0-9_-]+} for tags; by default any
     * text without surrounding white space.
     */
    public Builder<T> freePart(String regex) {
      this.freePart = Pattern.compile(regex);
      return this;
    }

    /** Refuses the setting in {@code config.properties} (for {@code home}). */
    public Builder<T> notInFile() {
      this.fileAllowed = false;
      return this;
    }

    /** The setting; a description is required. */
    public Setting<T> build() {
      return new Setting<>(this);
    }
  }
}
