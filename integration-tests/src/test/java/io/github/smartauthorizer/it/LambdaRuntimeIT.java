package io.github.smartauthorizer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.json.StrictJson;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment jar under the real AWS Lambda Runtime Interface Client ({@code AWSLambda}, the loop of Lambda's
 * managed Java runtimes, with its native HTTP client), against a loopback Runtime API. As Lambda does with a jar
 * upload, the jar is unpacked into the task root ({@code user.dir}) and the client's own class path holds only the
 * client: the function's classes come from the artifact, found by the handler string of
 * {@code examples/sam/template.yaml}. The events are {@code examples/sam/events}.
 */
class LambdaRuntimeIT {
  static final String ROLE = "arn:aws:iam::111122223333:role/HealthLakeSmart";
  static final String ISSUER_ID = "smart";
  static final String PLACEHOLDER = "REPLACE_WITH_AN_ACCESS_TOKEN";
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final Pattern HANDLER = Pattern.compile("(?m)^\\s*Handler:\\s*(\\S+)\\s*$");
  static final List<String> RUNTIME_CLIENT_JARS = List.of("aws-lambda-java-runtime-interface-client",
      "aws-lambda-java-serialization", "aws-lambda-java-core", "utils-lite");

  static MockOAuth2Server issuer;
  static Path samDir;
  static String handler;

  @TempDir
  Path taskRoot;

  @BeforeAll
  static void start() throws IOException {
    issuer = new MockOAuth2Server();
    issuer.start(InetAddress.getLoopbackAddress(), 0);
    samDir = Path.of(System.getProperty("smartauthorizer.samDir", "../examples/sam"));
    Matcher matcher = HANDLER.matcher(Files.readString(samDir.resolve("template.yaml")));
    assertTrue(matcher.find(), "a Handler in the template");
    handler = matcher.group(1);
  }

  @AfterAll
  static void stop() {
    issuer.shutdown();
  }

  /** A running runtime: the client's JVM and what it printed. */
  record Runtime(Process process, Path stdout, Path stderr) implements AutoCloseable {
    String output() throws IOException {
      return Files.readString(stdout, StandardCharsets.UTF_8) + Files.readString(stderr, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private Runtime startRuntime(LambdaRuntimeApi api, String handlerString, Map<String, String> authorizerEnvironment)
      throws IOException {
    unpackDeploymentJar();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = List.of(java, "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
        "-cp", runtimeClientClassPath(), "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
        handlerString);
    ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("AUTHORIZER_") || k.startsWith("AWS_") || k.startsWith("_"));
    env.put("AWS_LAMBDA_RUNTIME_API", api.address());
    env.put("_HANDLER", handlerString);
    env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
    env.put("AWS_LAMBDA_FUNCTION_NAME", "smart-authorizer-authorizer");
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/smart-authorizer-authorizer");
    env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/01/01/[1]0123456789abcdef");
    env.put("AWS_REGION", "us-east-1");
    env.putAll(authorizerEnvironment);
    Path out = taskRoot.resolveSibling(taskRoot.getFileName() + "-stdout.txt");
    Path err = taskRoot.resolveSibling(taskRoot.getFileName() + "-stderr.txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    return new Runtime(process, out, err);
  }

  /** Lambda unpacks an uploaded jar into the task root, whose classes its class loader then loads. */
  private void unpackDeploymentJar() throws IOException {
    Path jar = Path.of(System.getProperty("smartauthorizer.lambdaJar", "../assembly/target/smart-authorizer-lambda.jar"));
    assertTrue(Files.isRegularFile(jar), "the deployment jar " + jar + " (mvn install first)");
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        Path target = taskRoot.resolve(entry.getName()).normalize();
        assertTrue(target.startsWith(taskRoot), entry.getName());
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(zip, target);
        }
      }
    }
  }

  /** The Runtime Interface Client and its dependencies, taken from this test's class path; nothing of ours. */
  private static String runtimeClientClassPath() {
    String testClassPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> jars = new ArrayList<>();
    for (String entry : testClassPath.split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (RUNTIME_CLIENT_JARS.stream().anyMatch(name::startsWith) && name.endsWith(".jar")) {
        jars.add(entry);
      }
    }
    assertEquals(RUNTIME_CLIENT_JARS.size(), jars.size(), "the runtime client's jars on the test class path: " + jars);
    return String.join(File.pathSeparator, jars);
  }

  private static Map<String, String> authorizerEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("AUTHORIZER_PROVIDER", "jwks");
    env.put("AUTHORIZER_ISSUER", issuer.issuerUrl(ISSUER_ID).toString());
    env.put("AUTHORIZER_JWKS_URI", issuer.jwksUrl(ISSUER_ID).toString());
    env.put("AUTHORIZER_IAM_ROLE_ARN", ROLE);
    return env;
  }

  private static byte[] sampleEvent(String name, String token) throws IOException {
    String event = Files.readString(samDir.resolve("events").resolve(name), StandardCharsets.UTF_8);
    return (token == null ? event : event.replace(PLACEHOLDER, token)).getBytes(StandardCharsets.UTF_8);
  }

  private static String token(String endpoint) {
    return issuer.issueToken(ISSUER_ID, "smart-app", new DefaultOAuth2TokenCallback(ISSUER_ID, "patient-456", "JWT",
        List.of(endpoint), Map.of("scope", "launch/patient patient/Observation.rs", "patient", "456"), 600))
        .serialize();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> payload(LambdaRuntimeApi.Result result) throws Exception {
    assertFalse(result.error(), "the runtime reported an error instead of a response: " + result.body());
    Map<String, Object> response = StrictJson.parseObject(result.body().getBytes(StandardCharsets.UTF_8));
    assertEquals(ROLE, response.get("iamRoleARN"));
    return (Map<String, Object>) response.get("authPayload");
  }

  @Test
  void theDeploymentJarAnswersHealthLakeEventsUnderTheRuntimeClient() throws Exception {
    String endpoint = (String) StrictJson.parseObject(sampleEvent("search-with-get.json", null))
        .get("datastoreEndpoint");
    try (LambdaRuntimeApi api = new LambdaRuntimeApi();
        Runtime runtime = startRuntime(api, handler, authorizerEnvironment())) {
      assertTrue(api.awaitFirstPoll(TIMEOUT), "the runtime never asked for an event: " + runtime.output());

      String allowed = api.invoke(sampleEvent("search-with-get.json", token(endpoint)));
      String placeholder = api.invoke(sampleEvent("read-resource.json", null));
      String noToken = api.invoke(sampleEvent("missing-token.json", null));
      String garbage = api.invoke("not json at all".getBytes(StandardCharsets.UTF_8));
      String allowedAgain = api.invoke(sampleEvent("read-resource.json", token(endpoint)));

      Map<String, Object> allow = payload(api.await(allowed, TIMEOUT));
      assertEquals(Boolean.TRUE, allow.get("isAuthorized"), runtime.output());
      assertEquals(endpoint, allow.get("aud"));
      assertEquals("launch/patient patient/Observation.rs", allow.get("scope"));
      assertEquals("456", allow.get("patient"));
      Map<String, ReasonCode> denials = new LinkedHashMap<>();
      denials.put(placeholder, ReasonCode.MALFORMED_TOKEN);
      denials.put(noToken, ReasonCode.INVALID_REQUEST);
      denials.put(garbage, ReasonCode.INVALID_REQUEST);
      for (String denied : denials.keySet()) {
        Map<String, Object> deny = payload(api.await(denied, TIMEOUT));
        assertEquals(Boolean.FALSE, deny.get("isAuthorized"), "a deny is a response, never a runtime error");
        assertEquals("", deny.get("scope"));
      }
      assertEquals(Boolean.TRUE, payload(api.await(allowedAgain, TIMEOUT)).get("isAuthorized"));
      assertTrue(api.initErrors().isEmpty(), api.initErrors().toString());

      // Each request's decision line, found by Lambda's request id, with its outcome and reason.
      String output = runtime.output();
      DecisionLog.assertAllowed(DecisionLog.ofRequest(output, allowed));
      denials.forEach((denied, reason) -> DecisionLog.assertDenied(DecisionLog.ofRequest(output, denied), reason));
      DecisionLog.assertAllowed(DecisionLog.ofRequest(output, allowedAgain));
      assertTrue(output.contains("\"Namespace\":\"SmartAuthorizer\""), "EMF metrics are on in Lambda: " + output);
      assertFalse(output.contains(PLACEHOLDER), "the token is never logged");
    }
  }

  @Test
  void aMisconfiguredFunctionStartsAndDeniesEveryRequestInsteadOfFailingInit() throws Exception {
    Map<String, String> env = authorizerEnvironment();
    env.remove("AUTHORIZER_ISSUER");
    try (LambdaRuntimeApi api = new LambdaRuntimeApi(); Runtime runtime = startRuntime(api, handler, env)) {
      String id = api.invoke(sampleEvent("read-resource.json", token("https://example/")));

      Map<String, Object> deny = payload(api.await(id, TIMEOUT));

      assertEquals(Boolean.FALSE, deny.get("isAuthorized"));
      assertTrue(api.initErrors().isEmpty(), "HealthLake could not read an init failure: " + api.initErrors());
      Map<String, Object> decision = DecisionLog.ofRequest(runtime.output(), id);
      DecisionLog.assertDenied(decision, ReasonCode.CONFIGURATION_ERROR);
      assertTrue(decision.get("detail").toString().contains("AUTHORIZER_ISSUER"), decision.toString());
    }
  }

  @Test
  void aWrongHandlerNameFailsSoTheTemplatesNameIsWhatIsTested() throws Exception {
    String wrong = handler.replace("HealthLakeAuthorizerHandler", "HealthlakeAuthorizerHandler");
    try (LambdaRuntimeApi api = new LambdaRuntimeApi();
        Runtime runtime = startRuntime(api, wrong, authorizerEnvironment())) {
      String failure;
      if (api.awaitFirstPoll(TIMEOUT) && api.initErrors().isEmpty()) {
        // The client defers a missing class to the first invocation, which it reports as an error.
        LambdaRuntimeApi.Result result = api.await(api.invoke(sampleEvent("read-resource.json", null)), TIMEOUT);
        assertTrue(result.error(), "no response from a handler that does not exist: " + result.body());
        failure = result.body();
      } else {
        failure = String.join("\n", api.initErrors());
      }
      assertTrue(failure.contains("ClassNotFound") || failure.contains("HealthlakeAuthorizerHandler"),
          failure + runtime.output());
    }
  }
}
