package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scope strings that the issuer validly signed but that are very long or malformed (security review, issue 13 items 5
 * and 6), through the handler: each response is checked for its reason code and its exact {@code scope}, and each
 * deny for its detail, which counts what was dropped without quoting it.
 */
class SmartScopeAttacksTest {
  private static final String NO_RESOURCE_SCOPE = "no SMART resource scope (patient/, user/, system/) the data store"
      + " takes";
  private static final String FULL_ROLE = "arn:aws:iam::111122223333:role/HealthLakeFull";

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

  // --- item 6: scope-tokens (RFC 6749 §3.3) and the case of the SMART context ---

  @Test
  void aSystemScopeJoinedByATabIsDroppedNotPassedOnAsOneOpaqueToken() {
    AttackHarness.Outcome outcome = withScope("launch\tsystem/*.* patient/Observation.rs").allowed();
    assertEquals("patient/Observation.rs", scopeOf(outcome));
    withScope("launch\tsystem/*.*").denied(ReasonCode.INSUFFICIENT_SCOPE);
    assertEquals(NO_RESOURCE_SCOPE + " (dropped: 1 not valid RFC 6749 scope-token)", detail());
  }

  @Test
  void tokensWithControlCharactersQuotesBackslashesOrNonAsciiAreNeverPassedOn() {
    for (String malformed : List.of("openid\nsystem/*.*", "launch\u000bsystem/*.*", "a\u0000b", "launch\rsystem/*.*",
        "fhir\"User", "fhir\\User", "openid\u007f", "l\u00e4unch", "system/*.*\u00a0", "user/*.rs\u2028",
        "\ud83d\ude00", "launch\u3000system/*.*", "launch\u0085system/*.*")) {
      AttackHarness.Outcome outcome = withScope("openid " + malformed + " patient/Observation.rs").allowed();
      assertEquals("openid patient/Observation.rs", scopeOf(outcome), malformed);
    }
  }

  @Test
  void aResourceScopeInAnotherCaseIsDroppedNotPassedOnAsAnOtherScope() {
    AttackHarness.Outcome outcome = withScope("Patient/*.read patient/Observation.rs").allowed();
    assertEquals("patient/Observation.rs", scopeOf(outcome));
    withScope("SYSTEM/*.* launch/patient").denied(ReasonCode.INSUFFICIENT_SCOPE);
    assertEquals(NO_RESOURCE_SCOPE + " (dropped: 1 not valid SMART scope)", detail());
    withScope("launch\tsystem/*.* User/*.cruds openid").denied(ReasonCode.INSUFFICIENT_SCOPE);
    assertEquals(NO_RESOURCE_SCOPE + " (dropped: 1 not valid RFC 6749 scope-token, 1 not valid SMART scope)",
        detail());
  }

  @Test
  void emptyTokensFromDoubledLeadingOrTrailingSpacesAreNotPassedOn() {
    AttackHarness.Outcome outcome = withScope("  launch/patient   patient/Observation.rs ").allowed();
    assertEquals("launch/patient patient/Observation.rs", scopeOf(outcome));
  }

  @Test
  void aDroppedTokenNeverReachesTheRoleMapping() {
    Authorizer mapped = h.authorizer("AUTHORIZER_ROLE_MAPPING", "{\"rules\":[{\"role\":\"" + FULL_ROLE
        + "\",\"when\":{\"scopes\":[\"*system/*\", \"Patient/*\", \"SYSTEM/*\"]}}]}");
    for (String dropped : List.of("launch\tsystem/*.*", "Patient/*.write", "SYSTEM/*.*")) {
      AttackHarness.Outcome outcome = h.invoke(mapped, signed(dropped + " patient/Observation.rs")).allowed();
      assertEquals("patient/Observation.rs", scopeOf(outcome), dropped);
      assertEquals(LambdaFixtures.ROLE, outcome.response().get("iamRoleARN"), "the default role, not the full one");
    }
    AttackHarness.Outcome control = h.invoke(mapped, signed("system/*.* patient/Observation.rs")).allowed();
    assertEquals(FULL_ROLE, control.response().get("iamRoleARN"), "the rule itself matches a real system scope");
  }
}
