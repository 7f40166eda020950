package dev.sluice.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package's {@code @CheckReturnValue} default at work: user code compiled with javac and Error
 * Prone (as in this build) fails when it drops a derived policy, the mistake of calling {@code
 * jitter} and expecting the policy to change.
 */
class CheckReturnValueTest {
  @TempDir Path dir;

  @Test
  void aDroppedRetryPolicyFailsTheBuild() throws IOException {
    List<Diagnostic<? extends JavaFileObject>> errors =
        compile(
            """
            import dev.sluice.api.RetryPolicy;

            class Snippet {
              void configure() {
                RetryPolicy.retries(3).jitter(0.2);
              }
            }
            """);

    assertThat(errors)
        .extracting(d -> d.getMessage(Locale.ROOT))
        .anySatisfy(m -> assertThat(m).contains("[CheckReturnValue]").contains("jitter"));
  }

  @Test
  void aKeptRetryPolicyCompiles() throws IOException {
    assertThat(
            compile(
                """
                import dev.sluice.api.RetryPolicy;

                class Snippet {
                  RetryPolicy configure() {
                    return RetryPolicy.retries(3).jitter(0.2);
                  }
                }
                """))
        .isEmpty();
  }

  /** Compiles {@code source} against this module with Error Prone on; returns the errors. */
  private List<Diagnostic<? extends JavaFileObject>> compile(String source) throws IOException {
    Path file = dir.resolve("Snippet.java");
    Files.writeString(file, source, UTF_8);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, UTF_8)) {
      List<String> options =
          List.of(
              "-d",
              dir.toString(),
              "-classpath",
              System.getProperty("java.class.path"),
              "-XDcompilePolicy=simple",
              "--should-stop=ifError=FLOW",
              "-Xplugin:ErrorProne");
      javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(file)).call();
    }
    return diagnostics.getDiagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .collect(Collectors.toList());
  }
}
