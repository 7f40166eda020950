package dev.sluice.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.TaskFunction0;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code fingerprints of real compiled code: each variant of a class is compiled with javac and
 * loaded in its own class loader, as a changed program would be in a later JVM.
 */
class CodeFingerprintTest {
  @TempDir Path dir;

  private static final String TEMPLATE =
      """
      package gen;
      import dev.sluice.TaskFunction1;
      import java.util.stream.Stream;
      public class Job {
        static final int FACTOR = %s;
        %s
        public static TaskFunction1<Integer, Integer> lambda() { return x -> x * FACTOR + 1; }
        public static TaskFunction1<Integer, String> ref() { return Job::describe; }
        public static TaskFunction1<Integer, Integer> nested() {
          return x -> Stream.of(x).map(y -> y + %s).findFirst().get();
        }
        static String describe(Integer x) { return "%s" + x; }
      }
      """;

  record Variant(String lambda, String ref, String nested, Object lambdaType, Object refType) {}

  private int compiled;

  private Variant compile(String factor, String extra, String inner, String text) throws Exception {
    Path out = dir.resolve("v" + compiled++);
    Path src = out.resolve("src/gen/Job.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, TEMPLATE.formatted(factor, extra, inner, text));
    Path classes = Files.createDirectories(out.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status =
        javac.run(
            null,
            null,
            null,
            "-classpath",
            System.getProperty("java.class.path"),
            "-d",
            classes.toString(),
            src.toString());
    assertThat(status).as("javac").isZero();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Class<?> job = loader.loadClass("gen.Job");
      CodeFingerprint.Code lambda = CodeFingerprint.of(job.getMethod("lambda").invoke(null));
      CodeFingerprint.Code ref = CodeFingerprint.of(job.getMethod("ref").invoke(null));
      CodeFingerprint.Code nested = CodeFingerprint.of(job.getMethod("nested").invoke(null));
      return new Variant(
          lambda.hash(), ref.hash(), nested.hash(), lambda.resultType(), ref.resultType());
    }
  }

  @Test
  void changingABodyOrAConstantChangesTheFingerprintAndNothingElseDoes() throws Exception {
    Variant base = compile("3", "", "1", "n=");
    Variant again = compile("3", "", "1", "n=");
    Variant reformatted = compile("3", "// a comment\n\n  ", "1", "n=");
    Variant moreLambdas =
        compile("3", "static Runnable before() { return () -> System.out.println(1); }", "1", "n=");
    Variant otherFactor = compile("4", "", "1", "n=");
    Variant otherText = compile("3", "", "1", "m=");
    Variant otherInner = compile("3", "", "2", "n=");

    assertThat(again).isEqualTo(base);
    assertThat(reformatted).isEqualTo(base);
    assertThat(moreLambdas.lambda()).isEqualTo(base.lambda());
    assertThat(moreLambdas.ref()).isEqualTo(base.ref());

    // a constant the lambda uses (inlined by javac) changes its fingerprint only
    assertThat(otherFactor.lambda()).isNotEqualTo(base.lambda());
    assertThat(otherFactor.ref()).isEqualTo(base.ref());
    // a string constant in the referenced method changes the method reference's fingerprint
    assertThat(otherText.ref()).isNotEqualTo(base.ref());
    assertThat(otherText.lambda()).isEqualTo(base.lambda());
    // a lambda inside the task's lambda is part of its code
    assertThat(otherInner.nested()).isNotEqualTo(base.nested());
    assertThat(otherInner.lambda()).isEqualTo(base.lambda());
  }

  @Test
  void theResultTypeIsTheImplementingMethodsReturnType() throws Exception {
    Variant base = compile("3", "", "1", "n=");
    assertThat(base.lambdaType()).isEqualTo(Integer.class);
    assertThat(base.refType()).isEqualTo(String.class);
    TaskFunction0<List<String>> listOf = CodeFingerprintTest::names;
    assertThat(CodeFingerprint.of(listOf).resultType().getTypeName())
        .isEqualTo("java.util.List<java.lang.String>");
    TaskFunction0<Integer> primitive = () -> 42;
    assertThat(CodeFingerprint.of(primitive).resultType()).isEqualTo(Integer.class);
  }

  static List<String> names() {
    return List.of("a");
  }

  @Test
  void anObjectThatIsNotALambdaIsFingerprintedByItsClassFile() {
    Runnable plain =
        new Runnable() {
          @Override
          public void run() {}
        };
    CodeFingerprint.Code code = CodeFingerprint.of(plain);
    assertThat(code.hash()).matches("[0-9a-f]{64}");
    assertThat(code.resultType()).isEqualTo(Object.class);
  }
}
