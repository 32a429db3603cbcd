package io.github.smartauthorizer.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the built deployment jar as a command-line tool in a fresh JVM with only the given AUTHORIZER_* variables. */
final class DeploymentJar {
  private DeploymentJar() {}

  /** What the process printed and returned. */
  record Result(int exit, String stdout, String stderr) {}

  /** Writes {@code events} (one JSON object each) to an events file in {@code workDir} and runs {@code invoke --events}. */
  static Result invokeEvents(Path workDir, Map<String, String> environment, List<String> events)
      throws IOException, InterruptedException {
    Path file = Files.writeString(workDir.resolve("events.jsonl"), String.join("\n", events) + "\n");
    return run(workDir, environment, "invoke", "--events", file.toString());
  }

  static Result run(Path workDir, Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    String jar = System.getProperty("smartauthorizer.lambdaJar", "../assembly/target/smart-authorizer-lambda.jar");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-jar", jar));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("AUTHORIZER_") || k.startsWith("AWS_"));
    env.putAll(environment);
    Path out = Files.createTempFile(workDir, "stdout", ".txt");
    Path err = Files.createTempFile(workDir, "stderr", ".txt");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the jar did not finish in 60 s");
    }
    return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
