package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DSL's promise that mis-typed wiring does not compile, checked with the real compiler. */
class TypedWiringTest {

  @TempDir static Path classes;

  private static List<Diagnostic<? extends JavaFileObject>> compile(String body) {
    String source =
        """
        import dev.sluice.*;
        import dev.sluice.api.*;
        import java.util.List;
        class Snippet {
          Flow<Void> flow = Flows.named("snippet").define(f -> {
            %s
          });
        }
        """
            .formatted(body);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    JavaFileObject file =
        new SimpleJavaFileObject(URI.create("string:///Snippet.java"), JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
          }
        };
    List<String> options =
        List.of(
            "-proc:none",
            "-d",
            classes.toString(),
            "-classpath",
            System.getProperty("java.class.path"));
    compiler.getTask(new StringWriter(), null, diagnostics, options, null, List.of(file)).call();
    List<Diagnostic<? extends JavaFileObject>> errors =
        diagnostics.getDiagnostics().stream()
            .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
            .toList();
    return errors;
  }

  /** The line of the snippet's body line {@code bodyLine} (from 1) in the compiled source. */
  private static final int BODY_START = 6;

  /**
   * Asserts that {@code body} fails to compile with one error: javac's "no suitable method" for the
   * wiring call on {@code bodyLine}, whose explanation names the mismatch ({@code fragments}).
   */
  private static void assertRejected(String body, int bodyLine, String... fragments) {
    List<Diagnostic<? extends JavaFileObject>> errors = compile(body);
    assertThat(errors).hasSize(1);
    Diagnostic<? extends JavaFileObject> error = errors.get(0);
    assertThat(error.getCode()).isEqualTo("compiler.err.cant.apply.symbols");
    assertThat(error.getLineNumber()).isEqualTo(BODY_START + bodyLine - 1);
    assertThat(error.getMessage(Locale.ROOT).replaceAll("\\s+", " ")).contains(fragments);
  }

  @Test
  void wellTypedWiringCompiles() {
    assertThat(
            compile(
                """
                var n = f.param("n", Integer.class);
                var text = f.task("text", n, x -> "#" + x);
                var length = f.task("length", text, String::length);
                var items = f.task("items", () -> List.of(1, 2));
                var doubled = f.map("double", items, x -> x * 2);
                f.action("print", length, doubled.outcome(), (l, o) -> System.out.println(l + " " + o));
                """))
        .isEmpty();
  }

  @Test
  void passingAnIntegerWhereAStringIsExpectedDoesNotCompile() {
    assertRejected(
        """
        var n = f.task("n", () -> 42);
        f.task("shout", n, (String s) -> s.toUpperCase());
        """,
        2,
        "no suitable method found for task",
        "equality constraints: java.lang.Integer",
        "upper bounds: java.lang.String");
  }

  @Test
  void usingAResultAsTheWrongTypeDoesNotCompile() {
    assertRejected(
        """
        var n = f.task("n", () -> 42);
        f.task("length", n, String::length);
        """,
        2,
        "no suitable method found for task",
        "equality constraints: java.lang.Integer",
        "upper bounds: java.lang.String");
  }

  @Test
  void mappingOverSomethingThatIsNotIterableDoesNotCompile() {
    assertRejected(
        """
        var n = f.task("n", () -> 42);
        f.map("each", n, x -> x);
        """,
        2,
        "no suitable method found for map",
        "dev.sluice.TaskHandle<java.lang.Integer> cannot be converted to dev.sluice.Ref<? extends java.lang.Iterable");
  }

  @Test
  void anOutcomeIsNotItsValue() {
    assertRejected(
        """
        var n = f.task("n", () -> 42);
        f.task("plus", n.outcome(), (Integer x) -> x + 1);
        """,
        2,
        "no suitable method found for task",
        "equality constraints: dev.sluice.api.Outcome<java.lang.Integer>",
        "upper bounds: java.lang.Integer");
  }
}
