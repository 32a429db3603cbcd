package io.github.smartauthorizer.lambda;

import static io.github.smartauthorizer.lambda.LambdaFixtures.ENDPOINT;
import static io.github.smartauthorizer.lambda.LambdaFixtures.env;
import static io.github.smartauthorizer.lambda.LambdaFixtures.event;
import static io.github.smartauthorizer.lambda.LambdaFixtures.eventJson;
import static io.github.smartauthorizer.lambda.LambdaFixtures.smartClaims;
import static io.github.smartauthorizer.lambda.LambdaFixtures.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.spi.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CloudWatch Embedded Metric Format lines: one per decision, on in Lambda by default, off in the tool; the function's
 * name on every line, a cold start counted once, the provider (not the instance) as a dimension.
 */
class MetricsTest {
  private static MockOAuth2Server server;
  private static String allowed;

  @TempDir
  Path dir;

  private final LambdaFixtures.CapturedStream metrics = new LambdaFixtures.CapturedStream();
  private final LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();

  @BeforeAll
  static void startIssuer() {
    server = new MockOAuth2Server();
    server.start(InetAddress.getLoopbackAddress(), 0);
    allowed = token(server, "patient-456", smartClaims());
  }

  @AfterAll
  static void stopIssuer() {
    server.shutdown();
  }

  private static Map<String, String> inLambda(String... extra) {
    Map<String, String> environment = new HashMap<>(env(server, extra));
    environment.put("AWS_LAMBDA_FUNCTION_NAME", "smart-authorizer");
    environment.put("AWS_LAMBDA_FUNCTION_VERSION", "7");
    return environment;
  }

  /** {@code staff:jwks,patients:jwks} on issuers {@code staff} and {@code patients} of the mock server, in Lambda. */
  private static Map<String, String> twoInstancesInLambda() {
    Map<String, String> environment = new HashMap<>();
    environment.put("AWS_LAMBDA_FUNCTION_NAME", "smart-authorizer");
    environment.put("AUTHORIZER_PROVIDERS", "staff:jwks,patients:jwks");
    environment.put("AUTHORIZER_STAFF_ISSUER", server.issuerUrl("staff").toString());
    environment.put("AUTHORIZER_PATIENTS_ISSUER", server.issuerUrl("patients").toString());
    environment.put("AUTHORIZER_IAM_ROLE_ARN", LambdaFixtures.ROLE);
    return environment;
  }

  private Authorizer misconfigured(Map<String, String> environment) {
    Authorizer.Builder builder = Authorizer.builder().environment(environment).logStream(log.stream)
        .metricsStream(metrics.stream);
    return builder.misconfigured(assertThrows(ConfigurationException.class, builder::build));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> directives(Map<String, Object> line) {
    Map<String, Object> aws = (Map<String, Object>) line.get("_aws");
    return (List<Map<String, Object>>) aws.get("CloudWatchMetrics");
  }

  private Authorizer authorizer(Map<String, String> environment) {
    return Authorizer.builder().environment(environment).logStream(log.stream).metricsStream(metrics.stream).build();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> directive(Map<String, Object> line) {
    Map<String, Object> aws = (Map<String, Object>) line.get("_aws");
    assertInstanceOf(Long.class, aws.get("Timestamp"));
    List<Object> directives = (List<Object>) aws.get("CloudWatchMetrics");
    assertEquals(1, directives.size());
    return (Map<String, Object>) directives.get(0);
  }

  @SuppressWarnings("unchecked")
  private static List<String> metricNames(Map<String, Object> directive) {
    return ((List<Map<String, Object>>) directive.get("Metrics")).stream().map(m -> (String) m.get("Name")).toList();
  }

  @Test
  void inLambdaEachDecisionIsOneEmfLineWithOutcomeReasonLatencyAndKeyFetches() {
    Authorizer authorizer = authorizer(inLambda());

    authorizer.handle(event(allowed), "req-1");
    authorizer.handle(event("not-a-token"), "req-2");

    List<Map<String, Object>> lines = metrics.jsonLines();
    assertEquals(2, lines.size(), metrics.text());
    Map<String, Object> allow = lines.get(0);
    Map<String, Object> directive = directives(allow).get(0);
    assertEquals("SmartAuthorizer", directive.get("Namespace"));
    assertEquals(List.of(List.of("FunctionName"), List.of("FunctionName", "Provider", "Outcome"),
        List.of("FunctionName", "Provider", "Reason")), directive.get("Dimensions"));
    assertEquals(List.of("Decisions", "EnvironmentFaults", "Latency", "JwksFetches", "IdpCalls", "CacheHits"),
        metricNames(directive));
    assertEquals("jwks", allow.get("Provider"));
    assertEquals("ALLOW", allow.get("Outcome"));
    assertEquals("NONE", allow.get("Reason"));
    assertEquals(1L, allow.get("Decisions"));
    assertEquals(0L, allow.get("EnvironmentFaults"));
    assertInstanceOf(Number.class, allow.get("Latency"));
    assertEquals(1L, allow.get("JwksFetches"), "the first line counts the key fetch at init");
    assertEquals("req-1", allow.get("requestId"));

    Map<String, Object> deny = lines.get(1);
    assertEquals("DENY", deny.get("Outcome"));
    assertEquals("MALFORMED_TOKEN", deny.get("Reason"));
    assertEquals(0L, deny.get("JwksFetches"), "no fetch since the previous line");
    assertFalse(metrics.text().contains(allowed), "a metric line never holds the token");
    assertFalse(metrics.text().contains(LambdaFixtures.payloadSegment(allowed)));
  }

  @Test
  void theDecisionLogStillGoesToItsOwnStream() {
    authorizer(inLambda()).handle(event(allowed), "req-1");

    assertEquals(1, log.decisionLines().size());
    assertFalse(log.text().contains("_aws"), "metrics and decision log are separate lines");
  }

  @Test
  void outsideLambdaMetricsAreOffByDefault() {
    authorizer(env(server)).handle(event(allowed), "req-1");

    assertEquals("", metrics.text());
  }

  @Test
  void theSettingDecidesExplicitly() {
    authorizer(inLambda("AUTHORIZER_METRICS", "off")).handle(event(allowed), "req-1");
    assertEquals("", metrics.text());

    authorizer(env(server, "AUTHORIZER_METRICS", "ON")).handle(event(allowed), "req-2");
    assertEquals(1, metrics.jsonLines().size());
  }

  @Test
  void theNamespaceCanBeChanged() {
    authorizer(inLambda("AUTHORIZER_METRICS_NAMESPACE", "Hospital/SmartAuthorizer")).handle(event(allowed), "r");

    for (Map<String, Object> directive : directives(metrics.jsonLines().get(0))) {
      assertEquals("Hospital/SmartAuthorizer", directive.get("Namespace"), "the cold start's too");
    }
  }

  @Test
  void aWrongSettingIsAConfigurationErrorNamingTheVariable() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> authorizer(inLambda("AUTHORIZER_METRICS", "yes")));
    assertEquals("AUTHORIZER_METRICS", e.variable());

    e = assertThrows(ConfigurationException.class,
        () -> authorizer(inLambda("AUTHORIZER_METRICS_NAMESPACE", "{\"x\"}")));
    assertEquals("AUTHORIZER_METRICS_NAMESPACE", e.variable());
  }

  @Test
  void aMisconfiguredLambdaReportsEveryDenyAsAnEnvironmentFaultOfTheConfiguredProvider() {
    Map<String, String> environment = inLambda();
    environment.remove("AUTHORIZER_ISSUER");
    Authorizer authorizer = misconfigured(environment);

    authorizer.handle(event(allowed), "req-1");
    authorizer.handle(event(allowed), "req-2");

    Map<String, Object> line = metrics.jsonLines().get(1);
    assertEquals("jwks", line.get("Provider"), "counted where an alarm on the provider looks, not under 'none'");
    assertEquals("smart-authorizer", line.get("FunctionName"));
    assertEquals("DENY", line.get("Outcome"));
    assertEquals("CONFIGURATION_ERROR", line.get("Reason"));
    assertEquals(1L, line.get("EnvironmentFaults"));
    assertEquals(List.of("Decisions", "EnvironmentFaults", "Latency"), metricNames(directive(line)),
        "no key fetches without a JWT validator");
    assertEquals(1L, metrics.jsonLines().get(0).get("ColdStart"), "a misconfigured environment starts cold too");
  }

  @Test
  void aConfigurationErrorOfSeveralInstancesIsCountedUnderTheirProviders() {
    Map<String, String> environment = twoInstancesInLambda();
    environment.put("AUTHORIZER_PROVIDERS", "staff:Keycloak, patients:cognito,more:keycloak");

    misconfigured(environment).handle(event(allowed), "req-1");

    Map<String, Object> line = metrics.jsonLines().get(0);
    assertEquals("CONFIGURATION_ERROR", line.get("Reason"));
    assertEquals("keycloak+cognito", line.get("Provider"), "each provider once, in configuration order");
    assertFalse(line.containsKey("Instance"));
  }

  @Test
  void aConfigurationErrorWithoutAnyProviderIsCountedUnderNone() {
    Map<String, String> environment = inLambda();
    environment.remove("AUTHORIZER_PROVIDER");

    misconfigured(environment).handle(event(allowed), "req-1");

    assertEquals("none", metrics.jsonLines().get(0).get("Provider"));
  }

  @Test
  void aMangledProviderSettingNeverBecomesAWildDimensionValue() {
    Map<String, String> environment = inLambda("AUTHORIZER_PROVIDER", "Key Cloak\"}{" + "x".repeat(300));

    misconfigured(environment).handle(event(allowed), "req-1");

    String provider = (String) metrics.jsonLines().get(0).get("Provider");
    assertTrue(provider.matches("[a-z0-9._+-]{1,64}"), provider);
  }

  @Test
  void everyLineCarriesTheFunctionNameAsADimensionAndItsVersionAsAProperty() {
    Authorizer authorizer = authorizer(inLambda());

    authorizer.handle(event(allowed), "req-1");
    authorizer.handle(event("not-a-token"), "req-2");

    for (Map<String, Object> line : metrics.jsonLines()) {
      assertEquals("smart-authorizer", line.get("FunctionName"));
      assertEquals("7", line.get("FunctionVersion"));
      for (Map<String, Object> directive : directives(line)) {
        @SuppressWarnings("unchecked")
        List<List<String>> sets = (List<List<String>>) directive.get("Dimensions");
        for (List<String> set : sets) {
          assertEquals("FunctionName", set.get(0), "two functions' metrics never merge: " + set);
          assertFalse(set.contains("FunctionVersion"), "a version per deployment is too many dimension values");
        }
      }
    }
  }

  @Test
  void theFirstDecisionOfAnEnvironmentCountsOneColdStartUnderTheFunctionNameOnly() {
    Authorizer authorizer = authorizer(inLambda());

    authorizer.handle(event(allowed), "req-1");
    authorizer.handle(event(allowed), "req-2");
    authorizer.handle(event("not-a-token"), "req-3");

    List<Map<String, Object>> lines = metrics.jsonLines();
    assertEquals(3, lines.size(), "still one line per decision");
    Map<String, Object> cold = lines.get(0);
    assertEquals(1L, cold.get("ColdStart"));
    assertEquals(2, directives(cold).size(), metrics.text());
    Map<String, Object> coldStart = directives(cold).get(1);
    assertEquals("SmartAuthorizer", coldStart.get("Namespace"));
    assertEquals(List.of(List.of("FunctionName")), coldStart.get("Dimensions"));
    assertEquals(List.of("ColdStart"), metricNames(coldStart));
    assertFalse(metricNames(directives(cold).get(0)).contains("ColdStart"), "not per provider and outcome");
    for (Map<String, Object> warm : lines.subList(1, 3)) {
      assertFalse(warm.containsKey("ColdStart"), warm.toString());
      assertEquals(1, directives(warm).size());
    }
  }

  @Test
  void snapStartPrimingDecisionsAreNeitherRecordedNorTheColdStart() {
    Authorizer authorizer = authorizer(inLambda());

    new SnapStartPriming(authorizer, java.time.Duration.ofSeconds(3)).beforeCheckpoint(null);
    assertEquals("", metrics.text(), "priming writes no metric");

    authorizer.handle(event(allowed), "req-1");
    assertEquals(1L, metrics.jsonLines().get(0).get("ColdStart"), "the first real invocation is the cold start");
  }

  @Test
  void underSeveralInstancesTheProviderDimensionIsTheProviderAndTheInstanceAProperty() {
    Authorizer authorizer = authorizer(twoInstancesInLambda());
    String patientToken = server.issueToken("patients", "app", new no.nav.security.mock.oauth2.token
        .DefaultOAuth2TokenCallback("patients", "user-1", "JWT", List.of(ENDPOINT), smartClaims(), 3600)).serialize();

    authorizer.handle(event(patientToken), "req-1");
    authorizer.handle(event(allowed), "req-2"); // issuer "smart": no instance takes it

    Map<String, Object> routed = metrics.jsonLines().get(0);
    assertEquals("ALLOW", routed.get("Outcome"), metrics.text());
    assertEquals("jwks", routed.get("Provider"));
    assertEquals("patients", routed.get("Instance"));
    Map<String, Object> unrouted = metrics.jsonLines().get(1);
    assertEquals("INVALID_ISSUER", unrouted.get("Reason"));
    assertEquals("jwks", unrouted.get("Provider"), "the configured providers, each once");
    assertFalse(unrouted.containsKey("Instance"));
  }

  @Test
  void outsideLambdaTheFunctionNameIsLocalAndNoVersionIsClaimed() {
    authorizer(env(server, "AUTHORIZER_METRICS", "on")).handle(event(allowed), "req-1");

    Map<String, Object> line = metrics.jsonLines().get(0);
    assertEquals("local", line.get("FunctionName"));
    assertFalse(line.containsKey("FunctionVersion"));
  }

  @Test
  void theToolWritesMetricsOnlyWhenAskedAndThenToStandardErrorNotBetweenResponses() throws Exception {
    Path file = Files.writeString(dir.resolve("event.json"), eventJson(allowed));
    LambdaFixtures.CapturedStream stdout = new LambdaFixtures.CapturedStream();
    LambdaFixtures.CapturedStream stderr = new LambdaFixtures.CapturedStream();

    int exit = Cli.run(new String[] {"invoke", "--event", file.toString()}, env(server, "AUTHORIZER_METRICS", "on"),
        new ByteArrayInputStream(new byte[0]), stdout.stream, stderr.stream);

    assertEquals(0, exit, stderr.text());
    assertEquals(1, stdout.text().lines().count(), "stdout holds only the response");
    assertTrue(stdout.text().startsWith("{\"authPayload\""), stdout.text());
    assertTrue(stderr.jsonLines().stream().anyMatch(line -> line.containsKey("_aws")), stderr.text());
    assertEquals(ENDPOINT, LambdaFixtures.authPayload(LambdaFixtures.parse(stdout.text().trim())).get("aud"));
    assertFalse(new String(stdout.text().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).contains("_aws"));
  }
}
