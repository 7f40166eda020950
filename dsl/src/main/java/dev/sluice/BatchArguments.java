package dev.sluice;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.api.Flow;
import dev.sluice.api.spi.Parameter;
import dev.sluice.wire.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The command line of a {@link BatchJob}, parsed by hand (so a batch job's class path holds no
 * command-line library): the flow's parameters as {@code --name=value}, {@code --name value} or
 * {@code -Pname=value} (a boolean parameter alone means true) and from {@code --params-file}, and
 * the job's own options. Values stay strings — or JSON values from the file — for the engine to
 * coerce; a name that is no parameter is passed on too, so the engine's report names it with the
 * other parameter problems. Problems of the command line itself are collected, not thrown, so they
 * can be reported together with those.
 *
 * @param parameters the parameters by name: the file's, then the command line's over them
 * @param executor the executor named with {@code --executor}, or null
 * @param quiet {@code --quiet}: print nothing but errors
 * @param json {@code --json}: print one JSON object
 * @param help {@code --help} or {@code -h}
 * @param problems what is wrong with the command line, each naming the argument
 */
record BatchArguments(
    Map<String, @Nullable Object> parameters,
    @Nullable String executor,
    boolean quiet,
    boolean json,
    boolean help,
    List<String> problems) {

  static final String PARAMS_FILE = "params-file";
  static final String EXECUTOR = "executor";

  BatchArguments {
    parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    problems = List.copyOf(problems);
  }

  /** Parses {@code args} for a run of {@code flow}. */
  static BatchArguments parse(Flow<?> flow, List<String> args) {
    return new Parser(flow, args).parse();
  }

  private static final class Parser {
    private final Flow<?> flow;
    private final List<String> args;
    private final Map<String, @Nullable Object> given = new LinkedHashMap<>();
    private final Map<String, String> spelled = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private @Nullable String executor;
    private @Nullable String paramsFile;
    private boolean quiet;
    private boolean json;
    private boolean help;
    private int next;

    Parser(Flow<?> flow, List<String> args) {
      this.flow = flow;
      this.args = args;
    }

    BatchArguments parse() {
      while (next < args.size()) {
        String arg = args.get(next++);
        if (arg.equals("-h") || arg.equals("--help")) {
          help = true;
        } else if (arg.startsWith("-P")) {
          gradleStyle(arg);
        } else if (arg.startsWith("--") && arg.length() > 2) {
          option(arg);
        } else if (arg.startsWith("-") && arg.length() > 1) {
          problems.add("unknown option '" + arg + "'; see --help");
        } else {
          problems.add(
              "unexpected argument '"
                  + arg
                  + "'; give parameters as --NAME=VALUE (see --help for this flow's)");
        }
      }
      if (quiet && json) {
        problems.add("--quiet and --json exclude each other; choose one");
      }
      Map<String, @Nullable Object> parameters = new LinkedHashMap<>();
      if (paramsFile != null) {
        parameters.putAll(readParamsFile(paramsFile));
      }
      parameters.putAll(given);
      return new BatchArguments(parameters, executor, quiet, json, help, problems);
    }

    /** {@code -Pname=value}: always a parameter, even one named like an option. */
    private void gradleStyle(String arg) {
      String body = arg.substring(2);
      int eq = body.indexOf('=');
      if (eq > 0) {
        parameter(body.substring(0, eq), body.substring(eq + 1), arg);
      } else if (eq < 0 && !body.isEmpty() && isBoolean(body)) {
        parameter(body, "true", arg);
      } else if (eq < 0 && !body.isEmpty()) {
        problems.add("'" + arg + "' needs a value: " + arg + "=VALUE");
      } else {
        problems.add("'" + arg + "' names no parameter: give -PNAME=VALUE");
      }
    }

    private void option(String arg) {
      String body = arg.substring(2);
      int eq = body.indexOf('=');
      String name = eq < 0 ? body : body.substring(0, eq);
      @Nullable String inline = eq < 0 ? null : body.substring(eq + 1);
      if (name.isEmpty()) {
        problems.add("'" + arg + "' names no parameter: give --NAME=VALUE");
        return;
      }
      switch (name) {
        case EXECUTOR -> executor = valueOf(arg, inline, "NAME");
        case PARAMS_FILE -> paramsFile = valueOf(arg, inline, "FILE");
        case "quiet" -> quiet = flag(arg, inline);
        case "json" -> json = flag(arg, inline);
        case "help" -> help = flag(arg, inline);
        default -> parameterOption(arg, name, inline);
      }
    }

    private void parameterOption(String arg, String name, @Nullable String inline) {
      if (inline != null) {
        parameter(name, inline, arg);
        return;
      }
      @Nullable String following = next < args.size() ? args.get(next) : null;
      if (isBoolean(name)) {
        // --verbose alone is true; --verbose false is allowed too.
        if (following != null
            && (following.equalsIgnoreCase("true") || following.equalsIgnoreCase("false"))) {
          next++;
          parameter(name, following.toLowerCase(Locale.ROOT), arg + " " + following);
        } else {
          parameter(name, "true", arg);
        }
      } else if (following != null && !following.startsWith("--") && !following.startsWith("-P")) {
        next++;
        parameter(name, following, arg + " " + following);
      } else if (flow.parameter(name).isPresent()) {
        problems.add("'" + arg + "' needs a value: --" + name + "=VALUE");
      } else {
        // Not a parameter: the engine's report says so, listing the flow's parameters.
        parameter(name, "", arg);
      }
    }

    private void parameter(String name, String value, String as) {
      String before = spelled.put(name, as);
      if (before != null) {
        problems.add(
            "parameter '"
                + name
                + "' is given twice ('"
                + before
                + "' and '"
                + as
                + "'); give it once");
        return;
      }
      given.put(name, value);
    }

    private @Nullable String valueOf(String arg, @Nullable String inline, String label) {
      if (inline != null) {
        if (inline.isBlank()) {
          problems.add("'" + arg + "' needs a value: " + arg + label);
          return null;
        }
        return inline;
      }
      if (next < args.size() && !args.get(next).startsWith("-")) {
        return args.get(next++);
      }
      problems.add("'" + arg + "' needs a value: " + arg + " " + label);
      return null;
    }

    private boolean flag(String arg, @Nullable String inline) {
      if (inline != null) {
        problems.add("'" + arg + "' takes no value; write " + arg.substring(0, arg.indexOf('=')));
      }
      return true;
    }

    private boolean isBoolean(String name) {
      Optional<Parameter<?>> p = flow.parameter(name);
      return p.isPresent()
          && (p.get().rawType() == boolean.class || p.get().rawType() == Boolean.class);
    }

    /** The parameters of a JSON object in {@code file}, or none and a problem saying why. */
    private Map<String, @Nullable Object> readParamsFile(String file) {
      String text;
      try {
        text = Files.readString(Path.of(file));
      } catch (IOException | RuntimeException e) {
        problems.add(
            "--params-file "
                + file
                + " cannot be read ("
                + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + ")");
        return Map.of();
      }
      try {
        Object value = Json.reader().forType(Object.class).readValue(text);
        if (value instanceof Map<?, ?> map) {
          Map<String, @Nullable Object> parameters = new LinkedHashMap<>();
          map.forEach((k, v) -> parameters.put(String.valueOf(k), v));
          return parameters;
        }
        problems.add(
            "--params-file "
                + file
                + " holds "
                + (value == null ? "null" : "a JSON " + kind(value))
                + ", not a JSON object of parameters such as {\"name\": \"value\"}");
      } catch (JsonProcessingException e) {
        problems.add(
            "--params-file " + file + " is not valid JSON: " + e.getOriginalMessage().strip());
      }
      return Map.of();
    }

    private static String kind(Object value) {
      return value instanceof List<?> ? "array" : value instanceof String ? "string" : "value";
    }
  }
}
