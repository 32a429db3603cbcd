package io.github.smartauthorizer.lambda;

import static io.github.smartauthorizer.lambda.LambdaFixtures.env;
import static io.github.smartauthorizer.lambda.LambdaFixtures.event;
import static io.github.smartauthorizer.lambda.LambdaFixtures.issuer;
import static io.github.smartauthorizer.lambda.LambdaFixtures.smartClaims;
import static io.github.smartauthorizer.lambda.LambdaFixtures.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SnapStart hooks, called directly as Lambda would around a snapshot: keys fetched again before the checkpoint
 * and after the restore, the decision path warmed without a network call per priming decision, nothing logged, and
 * decisions unchanged afterwards.
 */
class SnapStartPrimingTest {
  private static MockOAuth2Server server;

  @BeforeAll
  static void startIssuer() {
    server = new MockOAuth2Server();
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterAll
  static void stopIssuer() {
    server.shutdown();
  }

  @Test
  void jwksKeysAreFetchedBeforeTheCheckpointAndAfterTheRestoreAndDecisionsStillWork() throws Exception {
    try (CountingEndpoint jwks = CountingEndpoint.jwks(server.jwksUrl(LambdaFixtures.ISSUER_ID).uri())) {
      LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();
      Authorizer authorizer = Authorizer.builder()
          .environment(env(server, "AUTHORIZER_JWKS_URI", jwks.uri().toString(),
              "AUTHORIZER_ALGORITHMS", "RS256,ES256"))
          .logStream(log.stream).build();
      assertEquals(1, jwks.requests(), "init prefetches the keys");
      String valid = token(server, "patient-456", smartClaims());
      assertTrue(authorizer.decide(event(valid)).authorized());
      log.reset();

      SnapStartPriming priming = new SnapStartPriming(authorizer, Duration.ofSeconds(3));
      priming.beforeCheckpoint(null);

      assertEquals(1, priming.lastKeyRefreshes());
      assertEquals(2, jwks.requests(), "before the checkpoint: exactly one fetch, not one per priming decision");
      assertTrue(priming.lastDecisions() >= 2 * 100, "the decision path was exercised: " + priming.lastDecisions());
      assertTrue(log.decisionLines().isEmpty(), "priming decisions are neither logged nor counted");
      assertTrue(authorizer.decide(event(valid)).authorized());

      priming.afterRestore(null);

      assertEquals(3, jwks.requests(), "after the restore: the keys are fetched again");
      Decision after = authorizer.decide(event(token(server, "patient-789", smartClaims())));
      assertTrue(after.authorized(), after.detail());
    }
  }

  @Test
  void primingTokensAreDeniedWithoutBeingTrusted() throws Exception {
    Authorizer authorizer = Authorizer.builder().environment(env(server))
        .logStream(new LambdaFixtures.CapturedStream().stream).build();
    new SnapStartPriming(authorizer, Duration.ofSeconds(3)).beforeCheckpoint(null);
    // A token of the priming issuer, even one with this issuer's kid, is still refused afterwards.
    Map<String, Object> claims = new HashMap<>(smartClaims());
    claims.put("iss", "https://priming.smart-authorizer.invalid");
    Decision decision = authorizer.decide(event(token(server, "priming", claims)));
    assertFalse(decision.authorized());
    assertEquals(ReasonCode.INVALID_ISSUER, decision.reason());
    assertTrue(authorizer.decide(event(token(server, "patient-456", smartClaims()))).authorized());
    assertNotNull(issuer(server));
  }

  @Test
  void anIntrospectionProviderMakesOneWarmUpCallNotOnePerPrimingDecision() throws Exception {
    long exp = Instant.now().getEpochSecond() + 3600;
    String active = "{\"active\":true,\"sub\":\"u\",\"aud\":\"" + LambdaFixtures.ENDPOINT + "\",\"scope\":\""
        + LambdaFixtures.SCOPE + "\",\"patient\":\"456\",\"fhirUser\":\"Practitioner/123\",\"iat\":" + (exp - 3600) + ",\"exp\":" + exp + "}";
    try (CountingEndpoint introspection = CountingEndpoint.introspection(Map.of("opaque-token-1", active))) {
      Map<String, String> env = new HashMap<>();
      env.put("AUTHORIZER_PROVIDER", "introspection");
      env.put("AUTHORIZER_INTROSPECTION_URL", introspection.uri().toString());
      env.put("AUTHORIZER_CLIENT_ID", "client");
      env.put("AUTHORIZER_CLIENT_SECRET", "secret");
      env.put("AUTHORIZER_IAM_ROLE_ARN", LambdaFixtures.ROLE);
      Authorizer authorizer = Authorizer.builder().environment(env)
          .logStream(new LambdaFixtures.CapturedStream().stream).build();
      int atInit = introspection.requests();

      SnapStartPriming priming = new SnapStartPriming(authorizer, Duration.ofSeconds(3));
      priming.beforeCheckpoint(null);
      assertEquals(atInit + 1, introspection.requests(), "one warm-up introspection before the checkpoint");
      assertTrue(priming.lastDecisions() > 0);

      priming.afterRestore(null);
      assertEquals(atInit + 2, introspection.requests(), "one warm-up introspection after the restore");
      assertTrue(authorizer.decide(event("opaque-token-1")).authorized());
    }
  }

  @Test
  void aMisconfiguredAuthorizerIsLeftAloneAndTheHooksNeverThrow() {
    Map<String, String> env = Map.of("AUTHORIZER_PROVIDER", "jwks");
    Authorizer authorizer = Authorizer.builder().environment(env).logStream(new LambdaFixtures.CapturedStream().stream)
        .misconfigured(new io.github.smartauthorizer.api.spi.ConfigurationException("AUTHORIZER_ISSUER", "missing"));
    SnapStartPriming priming = new SnapStartPriming(authorizer, Duration.ofSeconds(3));
    priming.beforeCheckpoint(null);
    priming.afterRestore(null);
    assertEquals(0, priming.lastKeyRefreshes());
    assertEquals(0, priming.lastDecisions());
  }

  @Test
  void registrationIsANoOpWithoutCracAndKeepsTheHooksReachable() {
    Authorizer authorizer = Authorizer.builder().environment(env(server))
        .logStream(new LambdaFixtures.CapturedStream().stream).build();
    SnapStartPriming priming = SnapStartPriming.register(authorizer);
    assertNotNull(priming);
    assertEquals(Duration.ofMillis(1200), SnapStartPriming.initTimeout(Map.of("AUTHORIZER_INIT_TIMEOUT_MS", "1200")));
    assertEquals(Duration.ofMillis(3000), SnapStartPriming.initTimeout(Map.of("AUTHORIZER_INIT_TIMEOUT_MS", "x")));
  }
}
