package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.api.Flow;
import dev.sluice.api.TypeRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line of a batch job: every spelling of a parameter, the options, the problems. */
class BatchArgumentsTest {
  static final Flow<Void> FLOW =
      Flows.named("args")
          .define(
              f -> {
                var msg = f.param("msg", String.class).withDefault("Hello");
                var n = f.param("n", int.class);
                var verbose = f.param("verbose", boolean.class).withDefault(false);
                var ids = f.param("ids", new TypeRef<List<Integer>>() {}).withDefault(List.of());
                var executor = f.param("executor", String.class).withDefault("");
                f.task("t", msg, n, verbose, (a, b, c) -> a + b + c).waitFor(ids).waitFor(executor);
              });

  private static BatchArguments parse(String... args) {
    return BatchArguments.parse(FLOW, List.of(args));
  }

  @Test
  void parametersAreGivenAsEqualsAsASeparateValueOrGradleStyle() {
    BatchArguments parsed = parse("--msg=Hi there", "--n", "-5", "-Pids=[1,2]");

    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.parameters())
        .containsExactlyInAnyOrderEntriesOf(Map.of("msg", "Hi there", "n", "-5", "ids", "[1,2]"));
  }

  @Test
  void aBooleanParameterAloneIsTrueAndMayTakeAnExplicitValue() {
    assertThat(parse("--verbose", "--n=1").parameters()).containsEntry("verbose", "true");
    assertThat(parse("--verbose", "false", "--n=1").parameters()).containsEntry("verbose", "false");
    assertThat(parse("-Pverbose").parameters()).containsEntry("verbose", "true");
    assertThat(parse("--verbose=FALSE").parameters()).containsEntry("verbose", "FALSE");
  }

  @Test
  void theJobsOptionsAreNotParametersUnlessGivenWithP() {
    BatchArguments parsed =
        parse("--executor", "local", "--quiet", "-Pexecutor=mine", "--n=1", "--help");

    assertThat(parsed.executor()).isEqualTo("local");
    assertThat(parsed.quiet()).isTrue();
    assertThat(parsed.json()).isFalse();
    assertThat(parsed.help()).isTrue();
    assertThat(parsed.parameters()).containsEntry("executor", "mine").doesNotContainKey("quiet");
    assertThat(parse("--executor=threadpool", "--json").executor()).isEqualTo("threadpool");
    assertThat(parse("-h").help()).isTrue();
  }

  @Test
  void aParamsFileGivesParametersThatTheCommandLineOverrides(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("params.json");
    Files.writeString(file, "{\"msg\": \"from file\", \"n\": 3, \"ids\": [4, 5]}");

    BatchArguments parsed = parse("--params-file", file.toString(), "--n=7");

    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.parameters())
        .containsEntry("msg", "from file")
        .containsEntry("n", "7")
        .containsEntry("ids", List.of(4, 5));
    assertThat(parse("--params-file=" + file).parameters()).containsEntry("n", 3);
  }

  @Test
  void everyProblemOfTheCommandLineIsCollectedNamingItsArgument(@TempDir Path dir)
      throws Exception {
    Path array = dir.resolve("array.json");
    Files.writeString(array, "[1]");
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"msg\": ");

    BatchArguments parsed =
        parse(
            "stray",
            "-x",
            "--msg=a",
            "--msg",
            "b",
            "--quiet",
            "--json",
            "--json=yes",
            "--executor",
            "-Pn",
            "--=3",
            "--params-file",
            dir.resolve("missing.json").toString());

    assertThat(parsed.problems())
        .anySatisfy(p -> assertThat(p).startsWith("unexpected argument 'stray'"))
        .anySatisfy(p -> assertThat(p).startsWith("unknown option '-x'"))
        .anySatisfy(
            p -> assertThat(p).contains("parameter 'msg' is given twice ('--msg=a' and '--msg b')"))
        .anySatisfy(p -> assertThat(p).startsWith("--quiet and --json exclude each other"))
        .anySatisfy(p -> assertThat(p).startsWith("'--json=yes' takes no value"))
        .anySatisfy(p -> assertThat(p).startsWith("'--executor' needs a value"))
        .anySatisfy(p -> assertThat(p).startsWith("'-Pn' needs a value: -Pn=VALUE"))
        .anySatisfy(p -> assertThat(p).startsWith("'--=3' names no parameter"))
        .anySatisfy(p -> assertThat(p).contains("missing.json cannot be read"));
    assertThat(parse("--params-file", array.toString()).problems())
        .singleElement()
        .asString()
        .contains("holds a JSON array, not a JSON object of parameters");
    assertThat(parse("--params-file", broken.toString()).problems())
        .singleElement()
        .asString()
        .contains("broken.json is not valid JSON");
  }

  @Test
  void aNameThatIsNoParameterIsPassedOnForTheEnginesReport() {
    BatchArguments parsed = parse("--colour", "--size", "3", "--n");

    assertThat(parsed.parameters()).containsKeys("colour", "size");
    assertThat(parsed.parameters()).containsEntry("size", "3");
    assertThat(parsed.problems()).containsExactly("'--n' needs a value: --n=VALUE");
  }
}
