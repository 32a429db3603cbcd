package io.github.smartauthorizer.examples.sam;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command-line tool the tests use when it is installed (cfn-lint, python3 with the SAM translator, make): its
 * exit code and its output, with a time limit. The process is always ended before this returns.
 */
record ExternalTool(int exitCode, String stdout, String stderr) {

  /** Whether {@code command} runs and exits 0 (e.g. {@code cfn-lint --version}). */
  static boolean works(String... command) {
    try {
      return run(List.of(command), null, Map.of(), null, 60).exitCode() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  static ExternalTool run(List<String> command, String stdin, Map<String, String> environment, Path directory,
      long timeoutSeconds) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    Process process = builder.start();
    try {
      CompletableFuture<String> out = read(process.getInputStream());
      CompletableFuture<String> err = read(process.getErrorStream());
      try (OutputStream in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        throw new IOException(command + " did not finish within " + timeoutSeconds + " s");
      }
      return new ExternalTool(process.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(command + " interrupted", e);
    } finally {
      process.destroyForcibly();
    }
  }

  private static CompletableFuture<String> read(InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try (stream) {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    });
  }

  /** The command line and everything it printed, for a failure message. */
  String describe(List<String> command) {
    return String.join(" ", command) + " exited " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
  }
}
