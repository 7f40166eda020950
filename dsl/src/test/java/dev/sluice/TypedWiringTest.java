package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.URI;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** The DSL's promise that mis-typed wiring does not compile, checked with the real compiler. */
class TypedWiringTest {

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
            System.getProperty("java.io.tmpdir"),
            "-classpath",
            System.getProperty("java.class.path"));
    compiler.getTask(new StringWriter(), null, diagnostics, options, null, List.of(file)).call();
    return diagnostics.getDiagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .toList();
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
    assertThat(
            compile(
                """
                var n = f.task("n", () -> 42);
                f.task("shout", n, (String s) -> s.toUpperCase());
                """))
        .isNotEmpty();
  }

  @Test
  void usingAResultAsTheWrongTypeDoesNotCompile() {
    assertThat(
            compile(
                """
                var n = f.task("n", () -> 42);
                f.task("length", n, String::length);
                """))
        .isNotEmpty();
  }

  @Test
  void mappingOverSomethingThatIsNotIterableDoesNotCompile() {
    assertThat(
            compile(
                """
                var n = f.task("n", () -> 42);
                f.map("each", n, x -> x);
                """))
        .isNotEmpty();
  }

  @Test
  void anOutcomeIsNotItsValue() {
    assertThat(
            compile(
                """
                var n = f.task("n", () -> 42);
                f.task("plus", n.outcome(), (Integer x) -> x + 1);
                """))
        .isNotEmpty();
  }
}
