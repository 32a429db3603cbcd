package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.providers.shared.JwksLoopback;
import io.github.smartauthorizer.providers.shared.JwsAlgorithm;
import io.github.smartauthorizer.providers.shared.JwsSigner;
import io.github.smartauthorizer.providers.shared.TestKeys;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Issue 13, items 7 and 8, through the handler: what happens just after a cold start must not stick. A key the IdP
 * publishes right after the init prefetch is found by the first token that uses it; a Secrets Manager hiccup at init
 * (a timeout, throttling, a server error) is retried by later requests instead of denying every request until Lambda
 * recycles the execution environment, while a secret that cannot be used stays a configuration error.
 */
class ColdStartFaultsTest {
  private static final String SECRET_ID = "smart/introspection";

  @Test
  void aKeyPublishedRightAfterTheInitPrefetchIsAcceptedAtOnce() {
    try (AttackHarness h = new AttackHarness()) {
      JwsSigner rotated = JwsSigner.generate(JwsAlgorithm.RS256, "rotated-1");
      h.jwks.serve(TestKeys.jwks(List.of(h.rs256.publicJwk(), rotated.publicJwk())));
      h.clock.advance(Duration.ofSeconds(1));

      h.invoke(rotated.sign(h.claims())).allowed();
      // A flood of random kids after that costs at most one more fetch in the refetch interval.
      int before = h.jwks.requestCount();
      h.clock.advance(Duration.ofSeconds(1));
      for (int i = 0; i < 20; i++) {
        h.invoke(JwsSigner.generate(JwsAlgorithm.ES256, "random-" + i).sign(h.claims()))
            .denied(ReasonCode.UNKNOWN_KID);
      }
      assertEquals(1, h.jwks.requestCount() - before);
    }
  }

  private static SecretsManagerSecretSource secretsManager(SecretsManagerLoopback endpoint, Duration timeout) {
    return new SecretsManagerSecretSource(() -> SecretsManagerSecretSource.clientBuilder(timeout)
        .endpointOverride(endpoint.uri())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build());
  }

  private static Map<String, String> introspection(JwksLoopback idp) {
    Map<String, String> env = new HashMap<>();
    env.put("AUTHORIZER_PROVIDER", "introspection");
    env.put("AUTHORIZER_INTROSPECTION_URL", idp.uri("/introspect").toString());
    env.put("AUTHORIZER_CLIENT_SECRET_ID", SECRET_ID);
    env.put("AUTHORIZER_IAM_ROLE_ARN", LambdaFixtures.ROLE);
    return env;
  }

  private static String active(AttackHarness h) {
    long now = h.clock.epochSecond();
    return "{\"active\":true,\"sub\":\"patient-456\",\"aud\":\"" + LambdaFixtures.ENDPOINT + "\",\"scope\":"
        + "\"launch/patient patient/*.rs\",\"patient\":\"456\",\"iat\":" + now + ",\"exp\":" + (now + 600) + "}";
  }

  @Test
  void aSecretsManagerHiccupAtInitIsRetriedByLaterRequestsAtMostOncePerInterval() throws Exception {
    for (String hiccup : List.of("throttled", "server error")) {
      try (AttackHarness h = new AttackHarness(); JwksLoopback idp = new JwksLoopback();
          SecretsManagerLoopback secretsManager = new SecretsManagerLoopback()) {
        idp.serve(active(h));
        secretsManager.putSecret(SECRET_ID, "{\"client_id\":\"client\",\"client_secret\":\"s3cr3t-value\"}");
        if (hiccup.equals("throttled")) {
          secretsManager.failWith(SECRET_ID, "ThrottlingException");
        } else {
          secretsManager.failWith(SECRET_ID, "InternalServiceError", 500);
        }
        Authorizer authorizer = Authorizer.builder().environment(introspection(idp))
            .secrets(secretsManager(secretsManager, Duration.ofMillis(500))).clock(h.clock).logStream(h.log.stream)
            .build();
        int readsAtInit = secretsManager.requests();

        h.invoke(authorizer, "opaque-token-0123456789").denied(ReasonCode.IDP_UNAVAILABLE);
        assertEquals(readsAtInit, secretsManager.requests(), hiccup + ": no retry within the interval after init");
        h.clock.advance(Duration.ofSeconds(5));
        h.invoke(authorizer, "opaque-token-0123456789").denied(ReasonCode.IDP_UNAVAILABLE);
        assertEquals(readsAtInit + 1, secretsManager.requests(), hiccup + ": one lazy retry");

        secretsManager.recover(SECRET_ID);
        h.invoke(authorizer, "opaque-token-0123456789").denied(ReasonCode.IDP_UNAVAILABLE);
        assertEquals(readsAtInit + 1, secretsManager.requests(), hiccup + ": still at most once per interval");
        h.clock.advance(Duration.ofSeconds(5));
        h.invoke(authorizer, "opaque-token-0123456789").allowed();
        h.invoke(authorizer, "opaque-token-0123456789").allowed();
        assertEquals(readsAtInit + 2, secretsManager.requests(), hiccup + ": read once, then kept in memory");
        assertFalse(h.log.text().contains("s3cr3t-value"));
      }
    }
  }

  @Test
  void aSecretFoundUnusableByALaterRetryIsAConfigurationError() throws Exception {
    try (AttackHarness h = new AttackHarness(); JwksLoopback idp = new JwksLoopback();
        SecretsManagerLoopback secretsManager = new SecretsManagerLoopback()) {
      idp.serve(active(h));
      secretsManager.failWith(SECRET_ID, "ThrottlingException");
      Authorizer authorizer = Authorizer.builder().environment(introspection(idp))
          .secrets(secretsManager(secretsManager, Duration.ofMillis(500))).clock(h.clock).logStream(h.log.stream)
          .build();
      secretsManager.failWith(SECRET_ID, "AccessDeniedException");
      h.clock.advance(Duration.ofSeconds(5));

      h.invoke(authorizer, "opaque-token-0123456789").denied(ReasonCode.CONFIGURATION_ERROR);
      h.clock.advance(Duration.ofSeconds(5));
      h.invoke(authorizer, "opaque-token-0123456789").denied(ReasonCode.CONFIGURATION_ERROR);
    }
  }
}
