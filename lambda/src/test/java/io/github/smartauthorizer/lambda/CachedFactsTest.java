package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.providers.shared.JwksLoopback;
import io.github.smartauthorizer.providers.shared.TestSecrets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 13, item 1, through the handler: a cache remembers what the IdP said about a token, never the decision for
 * one request. Every check that reads the request (here: the audience, which defaults to the event's data store
 * endpoint) runs on every request, whether the introspection answer came from the IdP or from the cache.
 */
class CachedFactsTest {
  private static final String KEYCLOAK_ISSUER = "https://keycloak.example.com/realms/smart";
  private static final String TOKEN = "opaque-token-0123456789";

  /** The introspecting providers, each with the cache on (its default) and no configured audience. */
  static Stream<Arguments> introspectingProviders() {
    return Stream.of(
        Arguments.of("keycloak", Map.of("AUTHORIZER_KEYCLOAK_MODE", "introspection",
            "AUTHORIZER_ISSUER", KEYCLOAK_ISSUER)),
        Arguments.of("introspection", Map.of()),
        Arguments.of("okta", Map.of("AUTHORIZER_ISSUER", "http://127.0.0.1/oauth2/default")));
  }

  private static String answer(AttackHarness h, String issuer, String audience) {
    long now = h.clock.epochSecond();
    return "{\"active\":true,\"typ\":\"Bearer\",\"token_type\":\"Bearer\",\"iss\":\"" + issuer + "\",\"aud\":\""
        + audience + "\",\"sub\":\"patient-456\",\"azp\":\"smart-app\",\"client_id\":\"smart-app\","
        + "\"scope\":\"launch/patient patient/*.rs\",\"patient\":\"456\",\"exp\":" + (now + 600) + ",\"iat\":"
        + now + "}";
  }

  private static Authorizer authorizer(AttackHarness h, JwksLoopback idp, String provider, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("AUTHORIZER_PROVIDER", provider);
    env.put("AUTHORIZER_INTROSPECTION_URL", idp.uri("/introspect").toString());
    env.put("AUTHORIZER_CLIENT_SECRET_ID", "smart/introspection");
    env.put("AUTHORIZER_IAM_ROLE_ARN", LambdaFixtures.ROLE);
    TestSecrets secrets = TestSecrets.of("smart/introspection", TestSecrets.credentialsJson("client", "secret"));
    return Authorizer.builder().environment(env).secrets(secrets).clock(h.clock).logStream(h.log.stream).build();
  }

  private static byte[] eventAt(String endpoint) {
    return LambdaFixtures.utf8(LambdaFixtures.eventJson(endpoint, "SearchWithGet", TOKEN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("introspectingProviders")
  void aCachedIntrospectionAnswerIsCheckedAgainstEveryRequestsDataStore(String provider, Map<String, String> extra) {
    try (AttackHarness h = new AttackHarness(); JwksLoopback idp = new JwksLoopback()) {
      String issuer = extra.getOrDefault("AUTHORIZER_ISSUER", KEYCLOAK_ISSUER);
      idp.serve(answer(h, issuer, LambdaFixtures.ENDPOINT));
      Authorizer authorizer = authorizer(h, idp, provider, extra);
      int primed = idp.requestCount();

      h.invoke(authorizer, eventAt(LambdaFixtures.OTHER_ENDPOINT)).denied(ReasonCode.INVALID_AUDIENCE);
      h.invoke(authorizer, eventAt(LambdaFixtures.ENDPOINT)).allowed();
      int asked = idp.requestCount() - primed;
      // Within the cache lifetime: the answer is remembered, the audience is still checked per request.
      h.invoke(authorizer, eventAt(LambdaFixtures.OTHER_ENDPOINT)).denied(ReasonCode.INVALID_AUDIENCE);
      h.invoke(authorizer, eventAt(LambdaFixtures.ENDPOINT)).allowed();
      assertEquals(asked, idp.requestCount() - primed, "the cached answer served the later requests");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("introspectingProviders")
  void aCachedIntrospectionAnswerStillExpiresAtItsExp(String provider, Map<String, String> extra) {
    try (AttackHarness h = new AttackHarness(); JwksLoopback idp = new JwksLoopback()) {
      String issuer = extra.getOrDefault("AUTHORIZER_ISSUER", KEYCLOAK_ISSUER);
      idp.serve(answer(h, issuer, LambdaFixtures.ENDPOINT));
      Map<String, String> env = new HashMap<>(extra);
      env.put("AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "3600");
      env.put("AUTHORIZER_CLOCK_SKEW_SECONDS", "0");
      Authorizer authorizer = authorizer(h, idp, provider, env);
      h.invoke(authorizer, eventAt(LambdaFixtures.ENDPOINT)).allowed();
      h.clock.advance(Duration.ofSeconds(601));
      h.invoke(authorizer, eventAt(LambdaFixtures.ENDPOINT)).denied(ReasonCode.EXPIRED);
    }
  }
}
