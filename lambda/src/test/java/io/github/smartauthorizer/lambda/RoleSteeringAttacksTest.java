package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.providers.shared.JwksLoopback;
import io.github.smartauthorizer.providers.shared.JwsAlgorithm;
import io.github.smartauthorizer.providers.shared.JwsSigner;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestKeys;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Security review, issue 13 item 3: role rules keyed on client ids or groups must not be steerable by claims the
 * deciding provider instance did not verify as the client or the groups. Through the whole decision, with two
 * instances on loopback JWKS ({@code staff:keycloak,partner:jwks}), each token signed by its own issuer's key:
 *
 * <ul>
 *   <li>the client and groups a rule sees come from one source per provider (Keycloak: {@code azp}, realm and client
 *       roles; {@code jwks}: {@code client_id}, {@code groups} and {@code roles}), never from the first of several
 *       claims;</li>
 *   <li>with several instances, a {@code clients} or {@code groups} condition must name its {@code providers}, so a
 *       token of one issuer cannot borrow the client names or group names of another.</li>
 * </ul>
 */
class RoleSteeringAttacksTest {
  static final String READ_ONLY = "arn:aws:iam::111122223333:role/HealthLakeReadOnly";
  static final String FULL = "arn:aws:iam::111122223333:role/HealthLakeFull";
  static final String BILLING = "arn:aws:iam::111122223333:role/HealthLakeBilling";
  static final String PARTNER = "arn:aws:iam::111122223333:role/HealthLakePartnerClaims";
  static final String AUDIT = "arn:aws:iam::111122223333:role/HealthLakePartnerAudit";
  static final String STAFF_ISSUER = "https://keycloak.hospital.example/realms/hospital";
  static final String PARTNER_ISSUER = "https://idp.partner.example";
  static final String BILLING_SCOPE = "system/Claim.rs system/Coverage.rs";

  /** The rules, every identity condition bound to the instance that vouches for it. */
  static final String BOUND_RULES = "{\"rules\":["
      + "{\"role\":\"" + FULL + "\",\"when\":{\"groups\":[\"clinician-admin\"],\"providers\":[\"staff\"]}},"
      + "{\"role\":\"" + BILLING + "\",\"when\":{\"clients\":[\"billing-service\"],\"providers\":[\"staff\"],"
      + "\"scopes\":[\"system/Claim.*\",\"system/Coverage.*\"]}},"
      + "{\"role\":\"" + PARTNER + "\",\"when\":{\"clients\":[\"partner-claims\"],\"providers\":[\"partner\"]}},"
      + "{\"role\":\"" + AUDIT + "\",\"when\":{\"groups\":[\"auditor\"],\"providers\":[\"partner\"]}}]}";

  private static final TestClock clock = new TestClock();
  private static final JwsSigner staffKey = JwsSigner.generate(JwsAlgorithm.ES256, "staff-1");
  private static final JwsSigner partnerKey = JwsSigner.generate(JwsAlgorithm.ES256, "partner-1");
  private static JwksLoopback staffJwks;
  private static JwksLoopback partnerJwks;
  private static Authorizer authorizer;

  @BeforeAll
  static void start() {
    staffJwks = new JwksLoopback().serve(TestKeys.jwks(List.of(staffKey.publicJwk())));
    partnerJwks = new JwksLoopback().serve(TestKeys.jwks(List.of(partnerKey.publicJwk())));
    authorizer = build(BOUND_RULES);
  }

  @AfterAll
  static void stop() {
    staffJwks.close();
    partnerJwks.close();
  }

  /** {@code staff:keycloak} (allowing clients ehr-app and billing-service) and {@code partner:jwks}. */
  static Map<String, String> environment(String roleMapping) {
    Map<String, String> env = new HashMap<>();
    env.put("AUTHORIZER_PROVIDERS", "staff:keycloak,partner:jwks");
    env.put("AUTHORIZER_STAFF_ISSUER", STAFF_ISSUER);
    env.put("AUTHORIZER_STAFF_JWKS_URI", staffJwks.jwksUri().toString());
    env.put("AUTHORIZER_STAFF_ALGORITHMS", "ES256");
    env.put("AUTHORIZER_STAFF_CLIENT_IDS", "ehr-app,billing-service");
    env.put("AUTHORIZER_PARTNER_ISSUER", PARTNER_ISSUER);
    env.put("AUTHORIZER_PARTNER_JWKS_URI", partnerJwks.jwksUri().toString());
    env.put("AUTHORIZER_PARTNER_ALGORITHMS", "ES256");
    env.put("AUTHORIZER_IAM_ROLE_ARN", READ_ONLY);
    env.put("AUTHORIZER_ROLE_MAPPING", roleMapping);
    return env;
  }

  static Authorizer build(String roleMapping) {
    return Authorizer.builder().environment(environment(roleMapping)).clock(clock)
        .logStream(new LambdaFixtures.CapturedStream().stream).build();
  }

  /** Claims valid for the data store, from this issuer, plus pairs. */
  private static Map<String, Object> claims(String issuer, String scope, Object... pairs) {
    long now = clock.epochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("sub", "subject-1");
    claims.put("aud", List.of(LambdaFixtures.ENDPOINT));
    claims.put("iat", now);
    claims.put("exp", now + 300);
    claims.put("scope", scope);
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      claims.put((String) pairs[i], pairs[i + 1]);
    }
    return claims;
  }

  /** A Keycloak access token of the staff realm ({@code typ: Bearer}), signed by the realm key. */
  private static String staff(String scope, Object... pairs) {
    Map<String, Object> claims = claims(STAFF_ISSUER, scope, "typ", "Bearer");
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      claims.put((String) pairs[i], pairs[i + 1]);
    }
    return staffKey.sign(claims);
  }

  /** An access token of the partner IdP, signed by the partner key. */
  private static String partner(String scope, Object... pairs) {
    return partnerKey.sign(claims(PARTNER_ISSUER, scope, pairs));
  }

  private static Decision decide(String token) {
    return authorizer.decide(LambdaFixtures.event(token));
  }

  private static void assertAllowed(Decision decision, String instance, String role) {
    assertTrue(decision.authorized(), decision.detail());
    assertNull(decision.reason(), "an allow has no reason code");
    assertEquals(instance, decision.instance());
    assertEquals(role, decision.response().iamRoleArn());
  }

  // --- the client is the deciding provider's one client claim ---

  @Test
  void aStaffTokenOfEhrAppCarryingClientIdBillingServiceDoesNotGetTheBillingRole() {
    Decision decision = decide(staff(BILLING_SCOPE, "azp", "ehr-app", "client_id", "billing-service"));
    assertAllowed(decision, "staff", READ_ONLY);
  }

  @Test
  void aStaffServiceAccountTokenOfBillingServiceGetsTheBillingRoleWhateverItsClientIdClaimSays() {
    assertAllowed(decide(staff(BILLING_SCOPE, "azp", "billing-service", "client_id", "billing-service")), "staff",
        BILLING);
    assertAllowed(decide(staff(BILLING_SCOPE, "azp", "billing-service", "client_id", "ehr-app")), "staff", BILLING);
    assertAllowed(decide(staff(BILLING_SCOPE, "azp", "billing-service")), "staff", BILLING);
  }

  @Test
  void aStaffTokenOfAClientOutsideTheAllowListIsDeniedWhateverItsClientIdClaimSays() {
    Decision decision = decide(staff(BILLING_SCOPE, "azp", "unknown-app", "client_id", "billing-service"));
    assertFalse(decision.authorized());
    assertEquals(ReasonCode.INVALID_CLIENT, decision.reason());
    assertEquals(READ_ONLY, decision.response().iamRoleArn(), "a deny carries the default role");
  }

  @Test
  void aPartnerTokenWithClientIdBillingServiceDoesNotGetTheBillingRole() {
    Decision decision = decide(partner(BILLING_SCOPE, "client_id", "billing-service", "azp", "billing-service"));
    assertAllowed(decision, "partner", READ_ONLY);
  }

  @Test
  void aPartnerTokenIsItsClientByClientIdOnly() {
    assertAllowed(decide(partner(BILLING_SCOPE, "client_id", "partner-claims")), "partner", PARTNER);
    assertAllowed(decide(partner(BILLING_SCOPE, "azp", "partner-claims")), "partner", READ_ONLY);
    assertAllowed(decide(partner(BILLING_SCOPE, "cid", "partner-claims")), "partner", READ_ONLY);
    assertAllowed(decide(partner(BILLING_SCOPE, "client_id", "other-app", "azp", "partner-claims")), "partner",
        READ_ONLY);
  }

  // --- the groups are the deciding provider's own group claims ---

  @Test
  void aStaffTokenWithTopLevelRolesOrGroupsClaimsDoesNotGetTheFullRole() {
    assertAllowed(decide(staff("user/*.rs", "azp", "ehr-app", "roles", List.of("clinician-admin"))), "staff",
        READ_ONLY);
    assertAllowed(decide(staff("user/*.rs", "azp", "ehr-app", "groups", List.of("clinician-admin"))), "staff",
        READ_ONLY);
  }

  @Test
  void aStaffTokenWithTheRealmRoleGetsTheFullRole() {
    Decision decision = decide(staff("user/*.rs", "azp", "ehr-app", "realm_access",
        Map.of("roles", List.of("nurse", "clinician-admin"))));
    assertAllowed(decision, "staff", FULL);
  }

  @Test
  void aPartnerTokenWithTheStaffGroupDoesNotGetTheFullRole() {
    assertAllowed(decide(partner("user/*.rs", "groups", List.of("clinician-admin"))), "partner", READ_ONLY);
    assertAllowed(decide(partner("user/*.rs", "realm_access", Map.of("roles", List.of("clinician-admin")))),
        "partner", READ_ONLY);
  }

  @Test
  void aPartnerTokenHasItsGroupsFromGroupsAndRolesClaimsOnly() {
    assertAllowed(decide(partner("user/*.rs", "groups", List.of("auditor"))), "partner", AUDIT);
    assertAllowed(decide(partner("user/*.rs", "roles", List.of("auditor"))), "partner", AUDIT);
    assertAllowed(decide(partner("user/*.rs", "realm_access", Map.of("roles", List.of("auditor")))), "partner",
        READ_ONLY);
    assertAllowed(decide(partner("user/*.rs", "cognito:groups", List.of("auditor"))), "partner", READ_ONLY);
  }

  // --- with several instances an identity condition must name its issuer ---

  @Test
  void theReadmesUnboundClientRuleIsAConfigurationErrorWithTwoInstances() {
    String readme = "{\"rules\":["
        + "{\"role\":\"" + FULL + "\",\"when\":{\"groups\":[\"clinician-admin\"],\"providers\":[\"staff\"]}},"
        + "{\"role\":\"" + BILLING + "\",\"when\":{\"clients\":[\"billing-service\"],"
        + "\"scopes\":[\"system/Claim.*\",\"system/Coverage.*\"]}}]}";
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> build(readme));
    assertEquals("AUTHORIZER_ROLE_MAPPING", e.variable(), e.getMessage());
    assertTrue(e.getMessage().contains("rules[1]") && e.getMessage().contains("\"providers\""), e.getMessage());
  }

  @Test
  void aConfigurationRefusedForAnUnboundGroupRuleDeniesEveryRequestWhenBuiltForLambda() {
    String unbound = "{\"rules\":[{\"role\":\"" + FULL + "\",\"when\":{\"groups\":[\"clinician-admin\"]}}]}";
    Authorizer.Builder builder = Authorizer.builder().environment(environment(unbound)).clock(clock)
        .logStream(new LambdaFixtures.CapturedStream().stream);
    Authorizer denying;
    try {
      denying = builder.build();
    } catch (ConfigurationException e) {
      denying = builder.misconfigured(e); // what fromEnvironmentOrDenyAll does in Lambda
    }
    Decision decision = denying.decide(LambdaFixtures.event(partner("user/*.rs", "groups",
        List.of("clinician-admin"))));
    assertFalse(decision.authorized());
    assertEquals(ReasonCode.CONFIGURATION_ERROR, decision.reason());
    assertEquals(READ_ONLY, decision.response().iamRoleArn());
  }
}
