package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.providers.shared.TestKeys;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * attacks.md class 19, through the handler: claims and cross-JWT confusion (RFC 8725 §2.7-2.8, §3.8-3.12, RFC 9068),
 * every token validly signed by the issuer, so that only the claim rules decide.
 */
class ClaimConfusionAttacksTest {
  private static AttackHarness h;

  @BeforeAll
  static void start() {
    h = new AttackHarness();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static AttackHarness.Outcome signed(Object... claims) {
    return h.invoke(h.es256.sign(h.claims(claims)));
  }

  @Test
  void class19TimesAreEnforcedWithBoundedSkew() {
    long now = h.clock.epochSecond();
    signed("exp", now - 61).denied(ReasonCode.EXPIRED);
    signed("exp", now - 59).allowed();
    signed("nbf", now + 61).denied(ReasonCode.NOT_YET_VALID);
    signed("iat", now + 61, "nbf", null).denied(ReasonCode.NOT_YET_VALID);
    signed("exp", String.valueOf(now + 3600)).denied(ReasonCode.MISSING_CLAIM);
    signed("exp", null).denied(ReasonCode.MISSING_CLAIM);
    signed("exp", List.of(now + 3600)).denied(ReasonCode.MISSING_CLAIM);
    signed("exp", true).denied(ReasonCode.MISSING_CLAIM);
    signed("iat", null, "nbf", null).denied(ReasonCode.MISSING_CLAIM);
    signed("nbf", "0").denied(ReasonCode.MISSING_CLAIM);
  }

  @Test
  void class19ANonIntegerExpIsTruncatedToTheSecond() {
    // RFC 7519 §2 allows a non-integer NumericDate; the fraction is dropped, never rounded up, and HealthLake is
    // handed the whole second.
    Map<String, Object> claims = h.claims();
    long exp = (Long) claims.get("exp");
    String json = TestKeys.json(claims).replaceFirst("(\"exp\":\\d+)", "$1.999");
    AttackHarness.Outcome outcome = h.invoke(h.es256.signRaw("{\"alg\":\"ES256\",\"kid\":\"ec-1\"}", json));
    assertEquals(exp, LambdaFixtures.authPayload(outcome.allowed().response()).get("exp"));
  }

  @Test
  void class19IssuerIsComparedExactly() {
    for (Object iss : List.of(AttackHarness.ISSUER + "/", AttackHarness.ISSUER.toUpperCase(),
        "https://issuer.example.com/realms/smart ", "https://attacker.example/realms/smart",
        List.of(AttackHarness.ISSUER), Map.of("iss", AttackHarness.ISSUER))) {
      signed("iss", iss).denied(ReasonCode.INVALID_ISSUER);
    }
    signed("iss", null).denied(ReasonCode.INVALID_ISSUER);
  }

  @Test
  void class19AudienceMustContainTheDataStore() {
    signed("aud", "https://healthlake.us-east-1.amazonaws.com/datastore/ffffffffffffffffffffffffffffffff/r4/")
        .denied(ReasonCode.INVALID_AUDIENCE);
    signed("aud", Map.of("aud", LambdaFixtures.ENDPOINT)).denied(ReasonCode.INVALID_AUDIENCE);
    signed("aud", List.of(LambdaFixtures.ENDPOINT, 1)).denied(ReasonCode.INVALID_AUDIENCE);
    signed("aud", null).denied(ReasonCode.INVALID_AUDIENCE);
    signed("aud", List.of()).denied(ReasonCode.INVALID_AUDIENCE);
    signed("aud", LambdaFixtures.ENDPOINT.toUpperCase()).denied(ReasonCode.INVALID_AUDIENCE);
    // accept controls
    signed("aud", List.of("https://other.example", LambdaFixtures.ENDPOINT)).allowed();
    signed("aud", LambdaFixtures.ENDPOINT).allowed();
  }

  @Test
  void class19TheRequiredTokenTypeIsEnforced() {
    Authorizer requiresJwt = h.authorizer("AUTHORIZER_REQUIRED_TOKEN_TYPE", "JWT");
    Map<String, Object> atJwt = new java.util.LinkedHashMap<>();
    atJwt.put("typ", "at+jwt");
    h.invoke(requiresJwt, h.es256.sign(atJwt, h.claims())).denied(ReasonCode.INVALID_TOKEN_TYPE);
    Authorizer requiresAtJwt = h.authorizer("AUTHORIZER_REQUIRED_TOKEN_TYPE", "at+jwt");
    h.invoke(requiresAtJwt, h.es256.sign(h.claims())).denied(ReasonCode.INVALID_TOKEN_TYPE);
    h.invoke(requiresAtJwt, h.es256.sign(atJwt, h.claims())).allowed();
    atJwt.put("typ", "application/at+jwt");
    h.invoke(requiresAtJwt, h.es256.sign(atJwt, h.claims())).allowed();
    atJwt.put("typ", null);
    h.invoke(requiresAtJwt, h.es256.sign(atJwt, h.claims())).denied(ReasonCode.INVALID_TOKEN_TYPE);
  }
}
