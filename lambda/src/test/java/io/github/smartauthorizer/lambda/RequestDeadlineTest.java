package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.providers.shared.JwksLoopback;
import io.github.smartauthorizer.providers.shared.JwsAlgorithm;
import io.github.smartauthorizer.providers.shared.JwsSigner;
import io.github.smartauthorizer.providers.shared.TestKeys;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Issue 13, item 4, through the handler: one deadline per request, set when the event arrives
 * ({@code AUTHORIZER_REQUEST_BUDGET_MS}), shared by every remote call and lock wait of the request. Each path that used
 * to take two timeouts is driven with a slow loopback server and must be denied {@code IDP_UNAVAILABLE} within the
 * budget plus a margin. The remote-call timeout is set to its maximum (900 ms) so that the budget (300 ms), not the
 * timeout, is what bounds each request.
 */
class RequestDeadlineTest {
  private static final int BUDGET_MS = 300;
  /** What the machine may add to the budget (thread scheduling, the response); far below one more timeout. */
  private static final long MARGIN_MS = 250;

  private static long timed(Runnable run) {
    long start = System.nanoTime();
    run.run();
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static void assertWithinBudget(long ms) {
    assertTrue(ms < BUDGET_MS + MARGIN_MS, "denied after " + ms + " ms; budget " + BUDGET_MS + " ms");
  }

  @Test
  void aJwksLookupWaitingForABackgroundRefreshEndsWithinTheBudget() throws Exception {
    try (AttackHarness h = new AttackHarness()) {
      Authorizer authorizer = h.authorizer("AUTHORIZER_TIMEOUT_MS", "900", "AUTHORIZER_REQUEST_BUDGET_MS",
          String.valueOf(BUDGET_MS), "AUTHORIZER_JWKS_TTL_SECONDS", "10");
      h.invoke(authorizer, h.rs256.sign(h.claims())).allowed();
      int before = h.jwks.requestCount();
      h.jwks.delay(Duration.ofSeconds(3));
      h.clock.advance(Duration.ofSeconds(8)); // past three quarters of the TTL: a background refresh starts

      h.invoke(authorizer, h.rs256.sign(h.claims())).allowed();
      while (h.jwks.requestCount() == before) {
        Thread.sleep(5); // the background refresh is now holding the fetch lock
      }
      JwsSigner rotated = JwsSigner.generate(JwsAlgorithm.RS256, "rotated-1");
      long ms = timed(() -> h.invoke(authorizer, rotated.sign(h.claims())).denied(ReasonCode.IDP_UNAVAILABLE));

      assertWithinBudget(ms);
    }
  }

  @Test
  void discoveryThenJwksAtRequestTimeShareOneBudget() {
    try (AttackHarness h = new AttackHarness(); JwksLoopback issuer = new JwksLoopback()) {
      String issuerUrl = issuer.uri("/realms/smart").toString();
      issuer.answer(500, "{}"); // the init prefetch fails: the keys will be fetched by a request
      Map<String, String> env = new HashMap<>(h.environment("AUTHORIZER_TIMEOUT_MS", "900",
          "AUTHORIZER_REQUEST_BUDGET_MS", String.valueOf(BUDGET_MS), "AUTHORIZER_ISSUER", issuerUrl));
      env.remove("AUTHORIZER_JWKS_URI");
      Authorizer authorizer = Authorizer.builder().environment(env).clock(h.clock).logStream(h.log.stream).build();
      // One document that is both the discovery document and the JWKS, each answered after 400 ms: within the
      // 900 ms timeout of either call, but not within one budget for both.
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("issuer", issuerUrl);
      document.put("jwks_uri", issuer.uri("/jwks.json").toString());
      document.put("keys", List.of(h.rs256.publicJwk()));
      issuer.serve(TestKeys.json(document)).delay(Duration.ofMillis(400));
      h.clock.advance(Duration.ofSeconds(2)); // past the back-off after the failed prefetch
      Map<String, Object> claims = h.claims("iss", issuerUrl);

      long ms = timed(() -> h.invoke(authorizer, h.rs256.sign(claims))
          .denied(ReasonCode.IDP_UNAVAILABLE));

      assertWithinBudget(ms);
    }
  }

  @Test
  void anIntrospection401FollowedByASlowSecretReReadEndsWithinTheBudget() throws Exception {
    try (AttackHarness h = new AttackHarness(); JwksLoopback idp = new JwksLoopback();
        SecretsManagerLoopback secretsManager = new SecretsManagerLoopback()) {
      secretsManager.putSecret("smart/introspection", "{\"client_id\":\"client\",\"client_secret\":\"old\"}");
      idp.answer(401, "{\"error\":\"invalid_client\"}");
      Map<String, String> env = new HashMap<>();
      env.put("AUTHORIZER_PROVIDER", "introspection");
      env.put("AUTHORIZER_INTROSPECTION_URL", idp.uri("/introspect").toString());
      env.put("AUTHORIZER_CLIENT_SECRET_ID", "smart/introspection");
      env.put("AUTHORIZER_IAM_ROLE_ARN", LambdaFixtures.ROLE);
      env.put("AUTHORIZER_TIMEOUT_MS", "900");
      env.put("AUTHORIZER_REQUEST_BUDGET_MS", String.valueOf(BUDGET_MS));
      SecretsManagerSecretSource secrets = new SecretsManagerSecretSource(() -> SecretsManagerSecretSource
          .clientBuilder(Duration.ofMillis(900))
          .endpointOverride(secretsManager.uri())
          .region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
          .build());
      Authorizer authorizer = Authorizer.builder().environment(env).secrets(secrets).clock(h.clock)
          .logStream(h.log.stream).build();
      secretsManager.delay(Duration.ofSeconds(3)); // the re-read after the 401 is slow

      long ms = timed(() -> h.invoke(authorizer, "opaque-token-0123456789").denied(ReasonCode.IDP_UNAVAILABLE));

      assertWithinBudget(ms);
    }
  }

  @Test
  void aSlowIntrospectionEndpointIsCutAtTheBudgetNotAtTheCallTimeout() {
    try (AttackHarness h = new AttackHarness(); JwksLoopback idp = new JwksLoopback()) {
      Map<String, String> env = new HashMap<>();
      env.put("AUTHORIZER_PROVIDER", "introspection");
      env.put("AUTHORIZER_INTROSPECTION_URL", idp.uri("/introspect").toString());
      env.put("AUTHORIZER_CLIENT_ID", "client");
      env.put("AUTHORIZER_CLIENT_SECRET", "secret");
      env.put("AUTHORIZER_IAM_ROLE_ARN", LambdaFixtures.ROLE);
      env.put("AUTHORIZER_TIMEOUT_MS", "900");
      env.put("AUTHORIZER_REQUEST_BUDGET_MS", String.valueOf(BUDGET_MS));
      idp.serve("{\"active\":false}");
      Authorizer authorizer = Authorizer.builder().environment(env).clock(h.clock).logStream(h.log.stream).build();
      idp.delay(Duration.ofSeconds(3));

      long ms = timed(() -> h.invoke(authorizer, "opaque-token-0123456789").denied(ReasonCode.IDP_UNAVAILABLE));

      assertWithinBudget(ms);
    }
  }
}
