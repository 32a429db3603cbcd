package io.github.smartauthorizer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built deployment jar, run as the command-line tool in a fresh JVM, decides tokens of a real OIDC issuer. */
class DeploymentJarIT {
  static final String ENDPOINT = "https://healthlake.us-east-1.amazonaws.com/datastore/0123456789abcdef0123456789abcdef/r4/";
  static final String ROLE = "arn:aws:iam::111122223333:role/HealthLakeSmart";

  static MockOAuth2Server issuer;

  @TempDir Path dir;

  @BeforeAll
  static void startIssuer() {
    issuer = new MockOAuth2Server();
    issuer.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterAll
  static void stopIssuer() {
    issuer.shutdown();
  }

  @Test
  void invokeAuthorizesARealTokenAndPrintsOnlyTheResponse() throws Exception {
    String allowed = event(token(List.of(ENDPOINT)));
    Path event = Files.writeString(dir.resolve("event.json"), allowed);

    DeploymentJar.Result result = runJar(Map.of(), "invoke", "--event", event.toString());

    assertEquals(0, result.exit(), result.stderr());
    assertTrue(result.stdout().startsWith("{\"authPayload\":{\"iss\":\"" + issuer.issuerUrl("smart")), result.stdout());
    assertTrue(result.stdout().contains("\"isAuthorized\":true"));
    assertEquals(1, result.stdout().strip().lines().count());
    DecisionLog.assertAllowed(DecisionLog.ofEvents(result.stderr(), List.of(allowed)).get(0));
  }

  @Test
  void invokeEventsDecidesEachLineAndExitsOneWhenAnyIsDenied() throws Exception {
    List<String> events = List.of(
        event(token(List.of(ENDPOINT))),
        event(token(List.of("https://other/"))),
        event(token(List.of(ENDPOINT), -600)),
        "{\"datastoreEndpoint\":\"" + ENDPOINT + "\",\"operationName\":\"ReadResource\"}");
    DeploymentJar.Result result = DeploymentJar.invokeEvents(dir, environment(Map.of()), events);

    assertEquals(1, result.exit(), result.stderr());
    List<String> responses = result.stdout().strip().lines().toList();
    assertEquals(events.size(), responses.size(), result.stdout());
    assertTrue(responses.get(0).contains("\"isAuthorized\":true"), result.stderr());
    for (String denied : responses.subList(1, responses.size())) {
      assertTrue(denied.contains("\"isAuthorized\":false"), denied);
    }
    List<Map<String, Object>> decisions = DecisionLog.ofEvents(result.stderr(), events);
    DecisionLog.assertAllowed(decisions.get(0));
    DecisionLog.assertDenied(decisions.get(1), ReasonCode.INVALID_AUDIENCE);
    DecisionLog.assertDenied(decisions.get(2), ReasonCode.EXPIRED);
    DecisionLog.assertDenied(decisions.get(3), ReasonCode.INVALID_REQUEST);
  }

  @Test
  void configurationErrorExitsTwoAndNamesTheVariable() throws Exception {
    Path event = dir.resolve("event.json");
    Files.writeString(event, event("x.y.z"));

    DeploymentJar.Result result = runJar(Map.of("AUTHORIZER_IAM_ROLE_ARN", "not-an-arn"), "invoke", "--event", event.toString());

    assertEquals(2, result.exit());
    assertTrue(result.stderr().contains("AUTHORIZER_IAM_ROLE_ARN"), result.stderr());
    assertFalse(result.stdout().contains("authPayload"));
  }

  private static String token(List<String> audience) {
    return token(audience, 600);
  }

  /** A token of issuer {@code smart} that expires {@code expirySeconds} after it was issued (negative: before). */
  private static String token(List<String> audience, long expirySeconds) {
    return issuer.issueToken("smart", "it-client", new DefaultOAuth2TokenCallback("smart", "user-1", "JWT", audience,
        Map.of("scope", "patient/*.rs launch/patient", "patient", "pat-1"), expirySeconds)).serialize();
  }

  private static String event(String token) {
    return "{\"datastoreEndpoint\":\"" + ENDPOINT + "\",\"operationName\":\"ReadResource\",\"bearerToken\":\""
        + token + "\"}";
  }

  private DeploymentJar.Result runJar(Map<String, String> overrides, String... args)
      throws IOException, InterruptedException {
    return DeploymentJar.run(dir, environment(overrides), args);
  }

  /** The {@code jwks} provider against the mock issuer, with {@code overrides}. */
  private static Map<String, String> environment(Map<String, String> overrides) {
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "AUTHORIZER_PROVIDER", "jwks",
        "AUTHORIZER_ISSUER", issuer.issuerUrl("smart").toString(),
        "AUTHORIZER_IAM_ROLE_ARN", ROLE));
    env.putAll(overrides);
    return env;
  }
}
