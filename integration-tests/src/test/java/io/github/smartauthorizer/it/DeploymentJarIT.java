package io.github.smartauthorizer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    Path event = dir.resolve("event.json");
    Files.writeString(event, event(token(List.of(ENDPOINT))));

    DeploymentJar.Result result = runJar(Map.of(), "invoke", "--event", event.toString());

    assertEquals(0, result.exit(), result.stderr());
    assertTrue(result.stdout().startsWith("{\"authPayload\":{\"iss\":\"" + issuer.issuerUrl("smart")), result.stdout());
    assertTrue(result.stdout().contains("\"isAuthorized\":true"));
    assertEquals(1, result.stdout().strip().lines().count());
    assertTrue(result.stderr().contains("\"outcome\":\"ALLOW\""), result.stderr());
  }

  @Test
  void invokeEventsDecidesEachLineAndExitsOneWhenAnyIsDenied() throws Exception {
    Path events = dir.resolve("events.jsonl");
    Files.writeString(events, event(token(List.of(ENDPOINT))) + "\n" + event(token(List.of("https://other/"))) + "\n");

    DeploymentJar.Result result = runJar(Map.of(), "invoke", "--events", events.toString());

    assertEquals(1, result.exit(), result.stderr());
    List<String> lines = result.stdout().strip().lines().toList();
    assertEquals(2, lines.size());
    assertTrue(lines.get(0).contains("\"isAuthorized\":true"), result.stderr());
    assertTrue(lines.get(1).contains("\"isAuthorized\":false"));
    assertTrue(result.stderr().contains("INVALID_AUDIENCE"));
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
    return issuer.issueToken("smart", "it-client", new DefaultOAuth2TokenCallback("smart", "user-1", "JWT", audience,
        Map.of("scope", "patient/*.rs launch/patient", "patient", "pat-1"), 600)).serialize();
  }

  private static String event(String token) {
    return "{\"datastoreEndpoint\":\"" + ENDPOINT + "\",\"operationName\":\"ReadResource\",\"bearerToken\":\""
        + token + "\"}";
  }

  private DeploymentJar.Result runJar(Map<String, String> overrides, String... args)
      throws IOException, InterruptedException {
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "AUTHORIZER_PROVIDER", "jwks",
        "AUTHORIZER_ISSUER", issuer.issuerUrl("smart").toString(),
        "AUTHORIZER_IAM_ROLE_ARN", ROLE));
    env.putAll(overrides);
    return DeploymentJar.run(dir, env, args);
  }
}
