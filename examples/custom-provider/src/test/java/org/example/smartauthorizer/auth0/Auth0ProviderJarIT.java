package org.example.smartauthorizer.auth0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * function ({@code /opt/java/lib}): {@code AUTHORIZER_PROVIDER=auth0} selects it and the deployment jar's command-line
 * tool decides Auth0 tokens with it, in a fresh JVM. The two jars' paths come from {@code examples/pom.xml}.
 */
class Auth0ProviderJarIT {
  static final String ROLE = "arn:aws:iam::111122223333:role/HealthLakeSmart";
  static final String CLI = "io.github.smartauthorizer.assembly.SmartAuthorizerCli";

  @TempDir
  Path dir;

  private final LoopbackTenant tenant = new LoopbackTenant();

  @AfterEach
  void stopTenant() {
    tenant.close();
  }

  record Result(int exit, String stdout, String stderr) {}

  private Result run(List<String> classPath, Map<String, String> environment, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-cp", String.join(File.pathSeparator, classPath), CLI));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("AUTHORIZER_") || k.startsWith("AWS_"));
    builder.environment().put("AUTHORIZER_IAM_ROLE_ARN", ROLE);
    builder.environment().put("AUTHORIZER_PATIENT_CLAIM", "launch_response_patient");
    builder.environment().putAll(environment);
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

  private Map<String, String> auth0() {
    return Map.of("AUTHORIZER_PROVIDER", "auth0", "AUTHORIZER_ISSUER", tenant.issuer());
  }

  private static String jar(String property) {
    String jar = System.getProperty(property);
    assertTrue(jar != null && Files.isRegularFile(Path.of(jar)), property + ": " + jar);
    return jar;
  }

  private static String deploymentJar() {
    return jar("smartauthorizer.deploymentJar");
  }

  private static String providerJar() {
    return jar("smartauthorizer.providerJar");
  }

  @SafeVarargs
  private Path events(Map<String, Object>... claims) throws Exception {
    StringBuilder lines = new StringBuilder();
    for (Map<String, Object> c : claims) {
      lines.append(LoopbackTenant.event(tenant.token(c))).append('\n');
    }
    return Files.writeString(dir.resolve("events.jsonl"), lines);
  }

  @Test
  void theDeploymentJarDecidesAuth0TokensWithTheProviderFromItsOwnJar() throws Exception {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> idToken = tenant.claims(now);
    idToken.put("aud", "smart-app-client");
    Map<String, Object> machine = tenant.claims(now);
    machine.remove("scope");
    machine.put("sub", "smart-backend@clients");
    machine.put("permissions", List.of("system/Patient.rs"));
    Path events = events(tenant.claims(now), idToken, machine);

    java.util.Map<String, String> environment = new java.util.HashMap<>(auth0());
    environment.put("AUTHORIZER_METRICS", "on");
    Result result = run(List.of(deploymentJar(), providerJar()), environment, "invoke", "--events", events.toString());

    List<String> lines = result.stdout().strip().lines().toList();
    // Counted like a built-in provider: the metric line of the first decision carries the key fetch made at init.
    assertTrue(result.stderr().contains("\"JwksFetches\":1"), result.stderr());
    assertEquals(3, lines.size(), result.stderr());
    assertTrue(lines.get(0).contains("\"isAuthorized\":true"), result.stderr());
    assertTrue(lines.get(0).contains("\"iss\":\"" + tenant.issuer() + "\""), lines.get(0));
    assertTrue(lines.get(0).contains("\"scope\":\"openid fhirUser launch/patient patient/Observation.rs\""),
        lines.get(0));
    assertTrue(lines.get(0).contains("\"fhirUser\":\"Patient/456\""), lines.get(0));
    assertTrue(lines.get(0).contains("\"patient\":\"456\""), lines.get(0));
    assertTrue(lines.get(0).contains("\"iamRoleARN\":\"" + ROLE + "\""), lines.get(0));
    assertTrue(lines.get(1).contains("\"isAuthorized\":false"), lines.get(1));
    assertTrue(lines.get(2).contains("\"scope\":\"system/Patient.rs\""), lines.get(2));
    assertTrue(result.stderr().contains("\"provider\":\"auth0\""), result.stderr());
    assertTrue(result.stderr().contains("\"reason\":\"INVALID_AUDIENCE\""), result.stderr());
    assertEquals(1, result.exit(), "one event was denied");
  }

  @Test
  void asOneOfSeveralProvidersItGetsTheTokensOfItsIssuer() throws Exception {
    Path events = events(tenant.claims(Instant.now().getEpochSecond()));
    Map<String, String> environment = Map.of("AUTHORIZER_PROVIDERS", "tenant:auth0,staff:jwks",
        "AUTHORIZER_TENANT_ISSUER", tenant.issuer(),
        "AUTHORIZER_STAFF_ISSUER", tenant.server.uri("/staff").toString(),
        "AUTHORIZER_STAFF_JWKS_URI", tenant.server.uri("/staff/jwks").toString());

    Result result = run(List.of(deploymentJar(), providerJar()), environment, "invoke", "--events", events.toString());

    assertEquals(0, result.exit(), result.stdout() + result.stderr());
    assertTrue(result.stdout().contains("\"patient\":\"456\""), result.stdout());
  }

  @Test
  void checkReportsTheProviderAndItsKeys() throws Exception {
    Result result = run(List.of(deploymentJar(), providerJar()), auth0(), "check");

    assertEquals(0, result.exit(), result.stdout() + result.stderr());
    assertTrue(result.stdout().contains("provider:     auth0"), result.stdout());
    // Like a built-in provider: its diagnostics through the api, and no unknown-variable warning for what it reads.
    assertTrue(result.stdout().contains("validation:   JWTs verified locally against the issuer's JWKS"),
        result.stdout());
    assertTrue(result.stdout().matches("(?s).*state:\\s+1 verification key cached after 1 fetch.*"), result.stdout());
    assertTrue(!result.stdout().contains("warning:"), result.stdout());
    assertTrue(tenant.server.requests().contains("/.well-known/jwks.json"), "keys fetched at init");
  }

  @Test
  void withoutTheProviderJarTheNameIsAConfigurationError() throws Exception {
    Result result = run(List.of(deploymentJar()), auth0(), "check");

    assertEquals(2, result.exit());
    assertTrue(result.stderr().contains("AUTHORIZER_PROVIDER expects one of the providers found on the class path"),
        result.stderr());
    assertTrue(result.stderr().contains("'auth0'"), result.stderr());
  }
}
