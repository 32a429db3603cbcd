package org.example.smartauthorizer.nestedpatient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.providers.shared.JwksLoopback;
import io.github.smartauthorizer.providers.shared.JwsAlgorithm;
import io.github.smartauthorizer.providers.shared.JwsSigner;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestRequests;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built provider jar next to the built deployment jar on one class path, as a Lambda layer puts it beside the
 * function: the deployment jar's command-line tool decides a token whose patient sits in {@code context.patient},
 * with {@code nested-patient-jwks} and, for contrast, with the built-in {@code jwks}. The two jars' paths come from
 * {@code examples/pom.xml}.
 */
class NestedPatientProviderJarIT {
  static final String ROLE = "arn:aws:iam::111122223333:role/HealthLakeSmart";
  static final String CLI = "io.github.smartauthorizer.assembly.SmartAuthorizerCli";

  @TempDir
  Path dir;

  private final JwksLoopback server = new JwksLoopback();
  private final JwsSigner signer = JwsSigner.generate(JwsAlgorithm.RS256, "key-1");

  NestedPatientProviderJarIT() {
    server.serve(TestKeys.jwks(signer.publicJwk()));
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  record Result(int exit, String stdout, String stderr) {}

  private Result run(List<String> classPath, String provider, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-cp", String.join(File.pathSeparator, classPath), CLI));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("AUTHORIZER_") || k.startsWith("AWS_"));
    builder.environment().putAll(Map.of(
        "AUTHORIZER_PROVIDER", provider,
        "AUTHORIZER_ISSUER", server.uri("/issuer").toString(),
        "AUTHORIZER_JWKS_URI", server.jwksUri().toString(),
        "AUTHORIZER_IAM_ROLE_ARN", ROLE));
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the tool did not finish in 60 s");
    }
    return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static String jar(String property) {
    String jar = System.getProperty(property);
    assertTrue(jar != null && Files.isRegularFile(Path.of(jar)), property + ": " + jar);
    return jar;
  }

  private static List<String> classPath() {
    return List.of(jar("smartauthorizer.deploymentJar"), jar("smartauthorizer.providerJar"));
  }

  /** An event carrying a patient-scoped token whose patient id is nested: {@code "context":{"patient":"123"}}. */
  private Path event() throws Exception {
    long now = Instant.now().getEpochSecond();
    String token = signer.sign(Map.of("iss", server.uri("/issuer").toString(), "sub", "user-123",
        "aud", TestRequests.DATASTORE_ENDPOINT, "iat", now, "exp", now + 3600,
        "scope", "launch/patient patient/Observation.rs", "context", Map.of("patient", "123")));
    return Files.writeString(dir.resolve("event.json"), TestKeys.json(Map.of("datastoreEndpoint",
        TestRequests.DATASTORE_ENDPOINT, "operationName", "SearchWithGet", "bearerToken", token)));
  }

  @Test
  void theDeploymentJarMapsTheNestedPatientWithTheProviderFromItsOwnJar() throws Exception {
    Result result = run(classPath(), "nested-patient-jwks", "invoke", "--event", event().toString());

    assertEquals(0, result.exit(), result.stdout() + result.stderr());
    assertTrue(result.stdout().contains("\"isAuthorized\":true"), result.stdout());
    assertTrue(result.stdout().contains("\"patient\":\"123\""), result.stdout());
    assertTrue(result.stderr().contains("\"provider\":\"nested-patient-jwks\""), result.stderr());
  }

  @Test
  void theBuiltInJwksProviderFindsNoPatientInTheSameToken() throws Exception {
    Result result = run(classPath(), "jwks", "invoke", "--event", event().toString());

    assertEquals(1, result.exit(), result.stdout() + result.stderr());
    assertTrue(result.stdout().contains("\"isAuthorized\":false"), result.stdout());
    assertTrue(result.stderr().contains("\"reason\":\"MISSING_CLAIM\""), result.stderr());
  }

  @Test
  void checkReportsTheProvider() throws Exception {
    Result result = run(classPath(), "nested-patient-jwks", "check");

    assertEquals(0, result.exit(), result.stdout() + result.stderr());
    assertTrue(result.stdout().contains("provider:     nested-patient-jwks"), result.stdout());
  }
}
