package io.github.smartauthorizer.lambda;

import static io.github.smartauthorizer.lambda.LambdaFixtures.OTHER_ENDPOINT;
import static io.github.smartauthorizer.lambda.LambdaFixtures.env;
import static io.github.smartauthorizer.lambda.LambdaFixtures.event;
import static io.github.smartauthorizer.lambda.LambdaFixtures.issuer;
import static io.github.smartauthorizer.lambda.LambdaFixtures.smartClaims;
import static io.github.smartauthorizer.lambda.LambdaFixtures.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.spi.ConfigurationException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The decision log line an operator reads: who issued the token and to which client (verified when the token was, and
 * then only), whether the decision was the environment's first, and never the token or its claim set.
 */
class DecisionLogTest {
  private static MockOAuth2Server server;

  private final LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();

  @BeforeAll
  static void startIssuer() {
    server = new MockOAuth2Server();
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterAll
  static void stopIssuer() {
    server.shutdown();
  }

  private Authorizer authorizer() {
    return Authorizer.builder().environment(env(server)).logStream(log.stream).build();
  }

  private static Map<String, Object> claims(String... pairs) {
    Map<String, Object> claims = new HashMap<>(smartClaims());
    for (int i = 0; i < pairs.length; i += 2) {
      claims.put(pairs[i], pairs[i + 1]);
    }
    return claims;
  }

  private Map<String, Object> decide(Authorizer authorizer, String token) {
    log.reset();
    authorizer.handle(event(token), "req");
    List<Map<String, Object>> lines = log.decisionLines();
    assertEquals(1, lines.size(), log.text());
    return lines.get(0);
  }

  /** A JWT with this payload and a signature of zeros: its claims can be read, never verified. */
  private static String forged(String payloadJson) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"RS256\",\"kid\":\"k\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(new byte[256]);
  }

  private static void assertSecretFree(String logs, String token) {
    assertFalse(logs.contains(token), "the token is never logged");
    for (String segment : token.split("\\.")) {
      assertFalse(logs.contains(segment), "no segment of the token is logged");
    }
  }

  @Test
  void anAcceptedTokenLogsItsVerifiedIssuerAndClientAndNeverTheToken() {
    String token = token(server, "patient-456", claims("client_id", "smart-app-7"));

    Map<String, Object> line = decide(authorizer(), token);

    assertEquals("ALLOW", line.get("outcome"));
    assertEquals(issuer(server), line.get("iss"));
    assertEquals("smart-app-7", line.get("client"));
    assertFalse(line.containsKey("claimedIss"), "a verified issuer is not a claim");
    assertFalse(line.containsKey("scope"), "no claim set: " + line);
    assertFalse(line.containsKey("sub"));
    assertSecretFree(log.text(), token);
  }

  @Test
  void theClientIsTheProvidersClientClaimOrElseAzp() {
    // The mock issuer always writes azp (its client, LambdaFixtures.CLIENT_ID); the jwks provider documents client_id.
    String withBoth = token(server, "patient-456", claims("client_id", "smart-app-7"));
    String withAzpOnly = token(server, "patient-456", claims());

    assertEquals("smart-app-7", decide(authorizer(), withBoth).get("client"), "the provider's claim first");
    assertEquals(LambdaFixtures.CLIENT_ID, decide(authorizer(), withAzpOnly).get("client"));
  }

  @Test
  void aVerifiedTokenDeniedByPolicyStillLogsItsVerifiedIssuerAndClient() {
    String token = token(server, "patient-456", Map.of("scope", "openid profile", "client_id", "smart-app-7"));

    Map<String, Object> line = decide(authorizer(), token);

    assertEquals("DENY", line.get("outcome"));
    assertEquals(issuer(server), line.get("iss"));
    assertEquals("smart-app-7", line.get("client"));
  }

  @Test
  void aDeniedJwtLogsOnlyTheIssuerItClaimsMarkedUnverified() {
    String wrongAudience = token(server, "patient-456", List.of(OTHER_ENDPOINT), claims("client_id", "smart-app-7"),
        3600);
    String forged = forged("{\"iss\":\"https://evil.example\",\"client_id\":\"x\",\"sub\":\"victim\"}");

    Map<String, Object> refused = decide(authorizer(), wrongAudience);
    assertEquals("DENY", refused.get("outcome"));
    assertEquals(issuer(server), refused.get("claimedIss"));
    assertFalse(refused.containsKey("iss"), "not verified, so not logged as the issuer");
    assertFalse(refused.containsKey("client"), "an unverified client is not logged");
    assertSecretFree(log.text(), wrongAudience);

    Map<String, Object> forgery = decide(authorizer(), forged);
    assertEquals("https://evil.example", forgery.get("claimedIss"));
    assertFalse(forgery.containsKey("iss"));
    assertFalse(forgery.containsKey("client"));
    assertFalse(log.text().contains("victim"), "no other claim of a forged token is logged");
    assertSecretFree(log.text(), forged);
  }

  @Test
  void aClaimedIssuerIsCutShortAndOnlyEverAString() {
    String huge = "https://" + "a".repeat(5000) + ".example";

    Map<String, Object> line = decide(authorizer(), forged("{\"iss\":\"" + huge + "\"}"));
    String claimed = (String) line.get("claimedIss");
    assertTrue(claimed.length() <= Decision.Origin.MAX_LENGTH + 3, claimed.length() + " characters");
    assertTrue(huge.startsWith(claimed.substring(0, 100)));

    assertFalse(decide(authorizer(), forged("{\"iss\":{\"nested\":\"object\"}}")).containsKey("claimedIss"));
    assertFalse(decide(authorizer(), forged("{\"sub\":\"no-iss\"}")).containsKey("claimedIss"));
    assertFalse(decide(authorizer(), "not-a-jwt").containsKey("claimedIss"));
  }

  @Test
  void theFirstDecisionIsTheColdStartAndOnlyTheFirst() {
    Authorizer authorizer = authorizer();
    String token = token(server, "patient-456", smartClaims());

    assertEquals(Boolean.TRUE, decide(authorizer, token).get("coldStart"));
    assertEquals(Boolean.FALSE, decide(authorizer, token).get("coldStart"));
    assertEquals(Boolean.FALSE, decide(authorizer, "not-a-jwt").get("coldStart"));
  }

  @Test
  void aMisconfiguredEnvironmentLogsItsColdStartToo() {
    Map<String, String> environment = new HashMap<>(env(server));
    environment.remove("AUTHORIZER_ISSUER");
    Authorizer.Builder builder = Authorizer.builder().environment(environment).logStream(log.stream);
    Authorizer denyAll = builder.misconfigured(assertThrows(ConfigurationException.class, builder::build));
    String token = token(server, "patient-456", smartClaims());

    Map<String, Object> line = decide(denyAll, token);

    assertEquals("CONFIGURATION_ERROR", line.get("reason"));
    assertEquals(Boolean.TRUE, line.get("coldStart"));
    assertNull(line.get("iss"));
    assertSecretFree(log.text(), token);
  }

  @Test
  void theLineOfAnUnreadableEventHasNoTokenFacts() {
    log.reset();
    authorizer().handle("{not json".getBytes(StandardCharsets.UTF_8), "req");

    Map<String, Object> line = log.decisionLines().get(0);
    assertEquals("INVALID_REQUEST", line.get("reason"));
    assertFalse(line.containsKey("iss"));
    assertFalse(line.containsKey("claimedIss"));
    assertFalse(line.containsKey("client"));
  }
}
