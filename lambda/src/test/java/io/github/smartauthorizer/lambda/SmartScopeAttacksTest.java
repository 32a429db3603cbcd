package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scope strings that the issuer validly signed but that are very long (security review, issue 13 item 5), through the
 * handler: each response is checked for its reason code and its exact {@code scope}, and each deny for its detail,
 * which counts what was dropped without quoting it.
 */
class SmartScopeAttacksTest {
  private static final String NO_RESOURCE_SCOPE = "no SMART resource scope (patient/, user/, system/) the data store"
      + " takes";

  private static AttackHarness h;

  @BeforeAll
  static void start() {
    h = new AttackHarness();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static String signed(String scope) {
    return h.es256.sign(h.claims("scope", scope));
  }

  private static AttackHarness.Outcome withScope(String scope) {
    return h.invoke(signed(scope));
  }

  private static String scopeOf(AttackHarness.Outcome outcome) {
    return (String) LambdaFixtures.authPayload(outcome.response()).get("scope");
  }

  private static String detail() {
    return (String) h.log.decisionLines().get(0).get("detail");
  }

  // --- item 5: long SMART v2.2 filters ---

  @Test
  void aScopeWithTwelveHundredFilterPairsIsDecidedNotAStackOverflow() {
    String scope = "launch/patient patient/Observation.rs?a=b" + "&a=b".repeat(1200);
    String token = signed(scope);
    assertTrue(token.length() < 8192, "under the default token cap: " + token.length());
    AttackHarness.Outcome outcome = h.invoke(token).allowed();
    assertEquals(scope, scopeOf(outcome), "a valid filter, however long, is passed on byte for byte");
  }

  @Test
  void aLongInvalidFilterIsDroppedLikeAnyOtherInvalidResourceScope() {
    String invalid = "patient/Observation.rs?a=b" + "&a=b".repeat(1200) + "&";
    withScope("launch/patient " + invalid).denied(ReasonCode.INSUFFICIENT_SCOPE);
    assertEquals(NO_RESOURCE_SCOPE + " (dropped: 1 not valid SMART scope)", detail());
    AttackHarness.Outcome outcome = withScope("launch/patient " + invalid + " patient/Patient.rs").allowed();
    assertEquals("launch/patient patient/Patient.rs", scopeOf(outcome));
  }
}
