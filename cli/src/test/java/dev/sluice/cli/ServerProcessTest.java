package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice server start} as a real process: it prints where it listens, answers, and a SIGTERM
 * stops it with its store closed cleanly; a second server on the busy port is one line and exit
 * code 1.
 */
class ServerProcessTest {
  @TempDir Path home;

  private Process start(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SluiceCli.class.getName());
    command.add("server");
    command.add("start");
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("SLUICE_HOME", home.toString());
    builder.environment().remove("SLUICE_STORE");
    builder.environment().remove("SLUICE_API_URL");
    builder.redirectError(Files.createTempFile(home, "err", ".txt").toFile());
    return builder.start();
  }

  @Test
  void startsAnswersAndStopsOnSigterm() throws Exception {
    Process server = start("--port", "0");
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    // The tests' logging configuration may print library lines before the banner.
    String first = out.readLine();
    while (first != null && !first.startsWith("Sluice server at ")) {
      first = out.readLine();
    }
    assertThat(first).isNotNull();
    Matcher m = Pattern.compile("Sluice server at (http://127\\.0\\.0\\.1:(\\d+))").matcher(first);
    assertThat(m.matches()).as(first).isTrue();
    String api = out.readLine();
    assertThat(api).startsWith("API: " + m.group(1) + "/api/v1");

    HttpResponse<String> health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(m.group(1) + "/api/v1/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);

    Process busy = start("--port", m.group(2));
    assertThat(busy.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(busy.exitValue()).isEqualTo(1);

    server.toHandle().destroy(); // SIGTERM
    assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("the server stops on SIGTERM").isTrue();
    assertThat(server.exitValue()).isEqualTo(143);
    // The store was closed cleanly: SQLite's WAL was checkpointed and removed on close.
    assertThat(home.resolve("sluice.db")).exists();
    assertThat(home.resolve("sluice.db-wal")).doesNotExist();
  }
}
