package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The IAM role mapping: rule syntax, each condition, first match, the default role, and where the rules come from. */
class RoleMappingTest {
  private static final String ACCOUNT = "arn:aws:iam::111122223333:role/";
  private static final String READ = ACCOUNT + "HealthLakeRead";
  private static final String WRITE = ACCOUNT + "HealthLakeWrite";
  private static final String FULL = ACCOUNT + "HealthLakeFull";
  private static final String BILLING = ACCOUNT + "HealthLakeBilling";
  private static final Set<String> INSTANCES = Set.of("staff", "patients");

  @TempDir
  Path dir;

  private static RoleMapping mapping(String defaultRole, String... variables) {
    Map<String, String> environment = new HashMap<>();
    for (int i = 0; i + 1 < variables.length; i += 2) {
      environment.put(variables[i], variables[i + 1]);
    }
    return RoleMapping.fromConfiguration(Configuration.of(environment), defaultRole, INSTANCES,
        RoleMappingTest.class.getClassLoader());
  }

  private static RoleMapping inline(String defaultRole, String json) {
    return mapping(defaultRole, "AUTHORIZER_ROLE_MAPPING", json);
  }

  private static ConfigurationException invalid(String json) {
    return assertThrows(ConfigurationException.class, () -> inline(READ, json));
  }

  /** A grant of these scopes (space-separated), groups, client and instance. */
  private static RoleMapping.Grant grant(String scopes, Set<String> groups, String client, String instance) {
    List<String> all = Arrays.stream(scopes.split(" ")).filter(s -> !s.isEmpty()).toList();
    List<SmartScope> resource = all.stream().map(SmartScope::parse).flatMap(Optional::stream).toList();
    return new RoleMapping.Grant(all, resource, groups, client, instance);
  }

  private static RoleMapping.Grant grant(String scopes) {
    return grant(scopes, Set.of(), null, "staff");
  }

  private static String rule(String role, String when) {
    return "{\"role\":\"" + role + "\",\"when\":" + when + "}";
  }

  private static String rules(String... rules) {
    return "{\"rules\":[" + String.join(",", rules) + "]}";
  }

  // --- default role ---

  @Test
  void withoutAMappingEveryRequestGetsTheDefaultRole() {
    RoleMapping none = mapping(READ);
    assertEquals(Optional.of(READ), none.roleFor(grant("system/*.cruds", Set.of("admin"), "c", "staff")));
    assertEquals(READ, none.denyRole());
  }

  @Test
  void noMappingAndNoDefaultIsAConfigurationErrorNamingTheRoleVariable() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> mapping(null));
    assertEquals("AUTHORIZER_IAM_ROLE_ARN", e.variable());
    assertTrue(e.getMessage().contains("AUTHORIZER_ROLE_MAPPING"), e.getMessage());
  }

  @Test
  void theDefaultRoleIsUsedWhenNoRuleMatches() {
    RoleMapping roles = inline(READ, rules(rule(WRITE, "{\"writeScope\":true}")));
    assertEquals(Optional.of(READ), roles.roleFor(grant("patient/Observation.rs")));
    assertEquals(Optional.of(WRITE), roles.roleFor(grant("patient/Observation.rs patient/Observation.c")));
    assertEquals(READ, roles.denyRole());
  }

  @Test
  void withoutADefaultNoMatchingRuleMeansNoRoleAndDeniesCarryTheLastRulesRole() {
    RoleMapping roles = inline(null, rules(rule(FULL, "{\"groups\":[\"admin\"],\"providers\":[\"staff\"]}"),
        rule(READ, "{\"contexts\":[\"patient\"]}")));
    assertEquals(Optional.empty(), roles.roleFor(grant("user/*.rs")));
    assertEquals(Optional.of(READ), roles.roleFor(grant("patient/*.rs")));
    assertEquals(READ, roles.denyRole());
    assertEquals(null, roles.defaultRole());
  }

  // --- first match wins ---

  @Test
  void theFirstMatchingRuleWins() {
    RoleMapping roles = inline(READ, rules(
        rule(FULL, "{\"groups\":[\"clinician-admin\"],\"providers\":[\"staff\"]}"),
        rule(WRITE, "{\"writeScope\":true}")));
    RoleMapping.Grant adminWriting = grant("user/*.cruds", Set.of("clinician-admin"), "app", "staff");
    assertEquals(Optional.of(FULL), roles.roleFor(adminWriting));
    RoleMapping reversed = inline(READ, rules(
        rule(WRITE, "{\"writeScope\":true}"),
        rule(FULL, "{\"groups\":[\"clinician-admin\"],\"providers\":[\"staff\"]}")));
    assertEquals(Optional.of(WRITE), reversed.roleFor(adminWriting), "order decides, not specificity");
  }

  @Test
  void aRuleWithoutConditionsMatchesEveryRequest() {
    RoleMapping roles = inline(null, rules("{\"role\":\"" + FULL + "\",\"when\":{\"contexts\":[\"system\"]}}",
        "{\"role\":\"" + READ + "\"}", "{\"role\":\"" + WRITE + "\",\"when\":{}}"));
    assertEquals(Optional.of(READ), roles.roleFor(grant("user/*.rs")));
    assertEquals(3, roles.size());
  }

  // --- each condition ---

  @Test
  void allConditionsOfARuleMustHold() {
    RoleMapping roles = inline(READ, rules(rule(WRITE, "{\"writeScope\":true,\"providers\":[\"staff\"]}")));
    assertEquals(Optional.of(WRITE), roles.roleFor(grant("user/*.cud", Set.of(), null, "staff")));
    assertEquals(Optional.of(READ), roles.roleFor(grant("user/*.cud", Set.of(), null, "patients")));
    assertEquals(Optional.of(READ), roles.roleFor(grant("user/*.rs", Set.of(), null, "staff")));
  }

  @Test
  void writeScopeTrueMatchesAnyWritingScopeAndFalseOnlyReadOnlyGrants() {
    RoleMapping write = inline(READ, rules(rule(WRITE, "{\"writeScope\":true}")));
    for (String scope : List.of("patient/Observation.write", "patient/*.*", "user/Observation.c",
        "user/Observation.u", "system/*.d", "user/Observation.rs user/Encounter.cruds")) {
      assertEquals(Optional.of(WRITE), write.roleFor(grant(scope)), scope);
    }
    for (String scope : List.of("patient/Observation.read", "user/*.rs", "openid fhirUser launch/patient",
        "system/*.rs?_tag=x")) {
      assertEquals(Optional.of(READ), write.roleFor(grant(scope)), scope);
    }
    RoleMapping readOnly = inline(WRITE, rules(rule(READ, "{\"writeScope\":false}")));
    assertEquals(Optional.of(READ), readOnly.roleFor(grant("user/*.rs patient/Patient.read")));
    assertEquals(Optional.of(WRITE), readOnly.roleFor(grant("user/*.rs patient/Patient.write")));
  }

  @Test
  void scopesMatchExactlyOrWithStarAsAnyCharacters() {
    RoleMapping roles = inline(READ, rules(rule(BILLING, "{\"scopes\":[\"system/Claim.*\",\"system/Coverage.rs\"]}"),
        rule(WRITE, "{\"scopes\":[\"patient/*.*\"]}")));
    assertEquals(Optional.of(BILLING), roles.roleFor(grant("openid system/Claim.rs")));
    assertEquals(Optional.of(BILLING), roles.roleFor(grant("system/Claim.read")));
    assertEquals(Optional.of(BILLING), roles.roleFor(grant("system/Coverage.rs")));
    assertEquals(Optional.of(READ), roles.roleFor(grant("system/Coverage.r")), "no * in the pattern: exact");
    assertEquals(Optional.of(READ), roles.roleFor(grant("system/ClaimResponse")), "the dot is literal");
    assertEquals(Optional.of(WRITE), roles.roleFor(grant("patient/*.*")), "a literal * matches too");
    assertEquals(Optional.of(WRITE), roles.roleFor(grant("patient/Observation.rs?category=laboratory")));
  }

  @Test
  void contextsMatchTheContextOfAGrantedResourceScope() {
    RoleMapping roles = inline(READ, rules(rule(FULL, "{\"contexts\":[\"system\"]}")));
    assertEquals(Optional.of(FULL), roles.roleFor(grant("launch/patient system/*.rs")));
    assertEquals(Optional.of(READ), roles.roleFor(grant("patient/*.rs user/*.rs")));
  }

  @Test
  void groupsClientsAndProvidersMatchAnyListedValue() {
    RoleMapping roles = inline(READ, rules(
        rule(FULL, "{\"groups\":[\"clinician-admin\",\"healthlake-backend:fhir-admin\"],\"providers\":[\"staff\"]}"),
        rule(BILLING, "{\"clients\":[\"billing-service\"],\"providers\":[\"staff\"]}"),
        rule(WRITE, "{\"providers\":[\"patients\"]}")));
    assertEquals(Optional.of(FULL), roles.roleFor(grant("user/*.rs", Set.of("nurse",
        "healthlake-backend:fhir-admin"), null, "staff")));
    assertEquals(Optional.of(BILLING), roles.roleFor(grant("system/*.rs", Set.of(), "billing-service", "staff")));
    assertEquals(Optional.of(WRITE), roles.roleFor(grant("patient/*.rs", Set.of(), "app", "patients")));
    assertEquals(Optional.of(READ), roles.roleFor(grant("user/*.rs", Set.of("nurse"), "app", "staff")));
  }

  // --- identity conditions are bound to their issuer ---

  private static RoleMapping withInstances(Set<String> instances, String variable, String value) {
    return RoleMapping.fromConfiguration(Configuration.of(Map.of(variable, value)), READ, instances,
        RoleMappingTest.class.getClassLoader());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"clients\":[\"billing-service\"]}",
      "{\"groups\":[\"clinician-admin\"]}",
      "{\"groups\":[\"clinician-admin\"],\"writeScope\":true}",
      "{\"scopes\":[\"system/*\"],\"clients\":[\"billing-service\"],\"contexts\":[\"system\"]}"})
  void anIdentityConditionWithoutProvidersIsAConfigurationErrorWithSeveralInstances(String when) {
    ConfigurationException e = invalid(rules(rule(WRITE, "{\"providers\":[\"staff\"],\"writeScope\":true}"),
        rule(BILLING, when)));
    assertEquals("AUTHORIZER_ROLE_MAPPING", e.variable(), e.getMessage());
    assertTrue(e.getMessage().startsWith("AUTHORIZER_ROLE_MAPPING rules[1]"), e.getMessage());
    assertTrue(e.getMessage().contains("\"providers\""), "says what to add: " + e.getMessage());
    assertTrue(e.getMessage().contains(when.contains("clients") ? "\"clients\"" : "\"groups\""), e.getMessage());
    assertTrue(e.getMessage().contains("patients") && e.getMessage().contains("staff"),
        "names the instances to choose from: " + e.getMessage());
  }

  @Test
  void anUnboundIdentityConditionInAMappingFileNamesTheFileVariable() throws Exception {
    Path file = Files.writeString(dir.resolve("role-mapping.json"), rules(rule(FULL, "{\"groups\":[\"admin\"]}")));
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> mapping(READ, "AUTHORIZER_ROLE_MAPPING_FILE", file.toString()));
    assertEquals("AUTHORIZER_ROLE_MAPPING_FILE", e.variable());
    assertTrue(e.getMessage().contains("rules[0]") && e.getMessage().contains("\"providers\""), e.getMessage());
  }

  @Test
  void anIdentityConditionNamingItsProvidersIsAllowedWithSeveralInstances() {
    RoleMapping roles = inline(READ, rules(
        rule(FULL, "{\"groups\":[\"clinician-admin\"],\"providers\":[\"staff\"]}"),
        rule(BILLING, "{\"clients\":[\"billing-service\"],\"providers\":[\"staff\",\"patients\"]}")));
    assertEquals(Optional.of(FULL), roles.roleFor(grant("user/*.rs", Set.of("clinician-admin"), null, "staff")));
    assertEquals(Optional.of(READ), roles.roleFor(grant("user/*.rs", Set.of("clinician-admin"), null, "patients")));
    assertEquals(Optional.of(BILLING), roles.roleFor(grant("system/*.rs", Set.of(), "billing-service", "patients")),
        "an explicit list of instances vouches for each of them");
  }

  @Test
  void anIdentityConditionWithoutProvidersIsAllowedWithOneProvider() {
    String json = rules(rule(FULL, "{\"groups\":[\"clinician-admin\"]}"),
        rule(BILLING, "{\"clients\":[\"billing-service\"]}"));
    for (Set<String> one : List.of(Set.of("keycloak"), Set.of("staff"))) {
      RoleMapping roles = withInstances(one, "AUTHORIZER_ROLE_MAPPING", json);
      String instance = one.iterator().next();
      assertEquals(Optional.of(FULL), roles.roleFor(grant("user/*.rs", Set.of("clinician-admin"), null, instance)));
      assertEquals(Optional.of(BILLING), roles.roleFor(grant("system/*.rs", Set.of(), "billing-service", instance)));
    }
  }

  // --- where the rules come from ---

  @Test
  void rulesComeFromAClassPathResource() {
    RoleMapping roles = mapping(READ, "AUTHORIZER_ROLE_MAPPING_FILE", "classpath:rolemapping/hospital.json");
    assertEquals(3, roles.size());
    assertEquals(Optional.of(FULL), roles.roleFor(grant("user/*.rs", Set.of("clinician-admin"), null, "staff")));
    assertEquals(Optional.of(READ), roles.roleFor(grant("user/*.rs", Set.of("clinician-admin"), null, "patients")),
        "the group is the staff instance's");
    assertEquals(Optional.of(WRITE), roles.roleFor(grant("user/Observation.cruds", Set.of(), null, "staff")));
    assertEquals(Optional.of(BILLING), roles.roleFor(grant("system/Claim.rs", Set.of(), "billing-service",
        "staff")));
    assertEquals(Optional.of(READ), roles.roleFor(grant("patient/*.rs", Set.of(), "app", "patients")));
    assertEquals(Optional.of(READ), mapping(READ, "AUTHORIZER_ROLE_MAPPING_FILE",
        "classpath:/rolemapping/hospital.json").roleFor(grant("user/*.rs")), "a leading slash is allowed");
  }

  @Test
  void rulesComeFromAFile() throws Exception {
    Path file = Files.writeString(dir.resolve("role-mapping.json"),
        rules(rule(FULL, "{\"groups\":[\"admin\"],\"providers\":[\"staff\"]}")));
    RoleMapping roles = mapping(READ, "AUTHORIZER_ROLE_MAPPING_FILE", file.toString());
    assertEquals(Optional.of(FULL), roles.roleFor(grant("user/*.rs", Set.of("admin"), null, "staff")));
  }

  @Test
  void aMissingFileOrResourceIsAConfigurationErrorNamingTheVariable() {
    for (String location : List.of("classpath:rolemapping/nosuch.json", "classpath:",
        dir.resolve("nosuch.json").toString(), dir.toString())) {
      ConfigurationException e = assertThrows(ConfigurationException.class,
          () -> mapping(READ, "AUTHORIZER_ROLE_MAPPING_FILE", location));
      assertEquals("AUTHORIZER_ROLE_MAPPING_FILE", e.variable(), location);
    }
  }

  @Test
  void aTooLargeFileIsAConfigurationError() throws Exception {
    Path file = Files.writeString(dir.resolve("big.json"), " ".repeat(RoleMapping.MAX_BYTES + 1));
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> mapping(READ, "AUTHORIZER_ROLE_MAPPING_FILE", file.toString()));
    assertTrue(e.getMessage().contains("larger"), e.getMessage());
  }

  @Test
  void inlineAndFileTogetherAreAConfigurationError() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> mapping(READ,
        "AUTHORIZER_ROLE_MAPPING", rules(rule(FULL, "{}")), "AUTHORIZER_ROLE_MAPPING_FILE",
        "classpath:rolemapping/hospital.json"));
    assertEquals("AUTHORIZER_ROLE_MAPPING_FILE", e.variable());
  }

  // --- validation at init ---

  @ParameterizedTest
  @ValueSource(strings = {
      "not json",
      "[]",
      "{\"rules\":[{\"role\":\"x\"}],}",
      "{\"rules\":[]}",
      "{\"rules\":{}}",
      "{}",
      "{\"rules\":[{\"role\":\"arn:aws:iam::111122223333:role/A\"}],\"default\":\"x\"}",
      "{\"rules\":[\"arn:aws:iam::111122223333:role/A\"]}",
      "{\"rules\":[{}]}",
      "{\"rules\":[{\"role\":\"HealthLakeRead\"}]}",
      "{\"rules\":[{\"role\":\"arn:aws:iam::111122223333:user/alice\"}]}",
      "{\"rules\":[{\"role\":\"arn:aws:iam::11112222333:role/A\"}]}",
      "{\"rules\":[{\"role\":42}]}",
      "{\"rules\":[{\"role\":\"arn:aws:iam::111122223333:role/A\",\"if\":{}}]}",
      "{\"rules\":[{\"role\":\"arn:aws:iam::111122223333:role/A\",\"when\":[]}]}",
      "{\"rules\":[{\"role\":\"arn:aws:iam::111122223333:role/A\",\"when\":null}]}",
      "{\"rules\":[{\"role\":\"arn:aws:iam::111122223333:role/A\",\"description\":1}]}",
      "{\"rules\":[{\"role\":\"arn:aws:iam::111122223333:role/A\",\"when\":{\"group\":[\"a\"]}}]}",
      "{\"rules\":[{\"role\":\"arn:aws:iam::111122223333:role/A\",\"when\":{\"groups\":[]}}]}",
      "{\"rules\":[{\"role\":\"arn:aws:iam::111122223333:role/A\",\"when\":{\"groups\":\"admin\"}}]}",
      "{\"rules\":[{\"role\":\"arn:aws:iam::111122223333:role/A\",\"when\":{\"groups\":[\"\"]}}]}",
      "{\"rules\":[{\"role\":\"arn:aws:iam::111122223333:role/A\",\"when\":{\"groups\":[1]}}]}",
      "{\"rules\":[{\"role\":\"arn:aws:iam::111122223333:role/A\",\"when\":{\"writeScope\":\"true\"}}]}",
      "{\"rules\":[{\"role\":\"arn:aws:iam::111122223333:role/A\",\"when\":{\"contexts\":[\"launch\"]}}]}",
      "{\"rules\":[{\"role\":\"arn:aws:iam::111122223333:role/A\",\"when\":{\"providers\":[\"nurses\"]}}]}",
      "{\"rules\":[{\"role\":\"arn:aws:iam::111122223333:role/A\",\"role\":\"arn:aws:iam::111122223333:role/B\"}]}"})
  void malformedMappingsAreConfigurationErrorsNamingTheVariable(String json) {
    ConfigurationException e = invalid(json);
    assertEquals("AUTHORIZER_ROLE_MAPPING", e.variable(), e.getMessage());
    assertTrue(e.getMessage().startsWith("AUTHORIZER_ROLE_MAPPING "), e.getMessage());
  }

  @Test
  void errorsSayWhereInTheDocumentTheProblemIs() {
    ConfigurationException e = invalid(rules(rule(READ, "{}"), rule(WRITE, "{\"groups\":[\"a\"],\"client\":[\"b\"]}")));
    assertTrue(e.getMessage().contains("rules[1].when") && e.getMessage().contains("'client'"), e.getMessage());
    ConfigurationException arn = invalid(rules(rule("arn:aws:iam::111122223333:role/Bad Name", "{}")));
    assertTrue(arn.getMessage().contains("rules[0].role"), arn.getMessage());
    ConfigurationException instance = invalid(rules(rule(READ, "{\"providers\":[\"nurses\"]}")));
    assertTrue(instance.getMessage().contains("nurses") && instance.getMessage().contains("patients"),
        instance.getMessage());
  }

  @Test
  void tooManyRulesAreAConfigurationError() {
    String[] many = new String[RoleMapping.MAX_RULES + 1];
    Arrays.fill(many, rule(READ, "{}"));
    assertTrue(invalid(rules(many)).getMessage().contains("at most " + RoleMapping.MAX_RULES));
  }

  @Test
  void theDefaultRoleIsValidated() {
    assertEquals(READ, RoleMapping.defaultRole(Configuration.of(Map.of("AUTHORIZER_IAM_ROLE_ARN", READ))));
    assertEquals(null, RoleMapping.defaultRole(Configuration.of(Map.of())));
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> RoleMapping.defaultRole(Configuration.of(Map.of("AUTHORIZER_IAM_ROLE_ARN", "arn:aws:s3:::bucket"))));
    assertEquals("AUTHORIZER_IAM_ROLE_ARN", e.variable());
  }

  /**
   * Found by the long run of {@code RoleMappingFuzzTest}: the pattern was a regular expression ({@code .*} per star),
   * and java.util.regex backtracks through every way to split the scope among the stars, so a rule with a few stars
   * against a long, token-chosen scope ran for minutes. The timeout only stops a hang; the test is about the answer.
   */
  @Test
  @org.junit.jupiter.api.Timeout(10)
  void aPatternWithManyStarsAgainstALongScopeIsDecidedWithoutBacktracking() {
    String longScope = "patient/Observation.rs?code=" + "a".repeat(6000);
    RoleMapping roles = inline(null, "{\"rules\": [{\"role\": \"" + FULL + "\", \"when\": {\"scopes\":"
        + " [\"*a*a*a*a*a*a*a*a*b\"]}}, {\"role\": \"" + READ + "\"}]}");

    assertEquals(java.util.Optional.of(READ), roles.roleFor(grant(longScope)));
    assertTrue(RoleMapping.glob("*a*a*a*a*a*a*a*a*").matches(longScope));
  }

  @Test
  void globQuotesEverythingButStar() {
    assertTrue(RoleMapping.glob("a.b?c*").matches("a.b?cde"));
    assertTrue(!RoleMapping.glob("a.b").matches("axb"));
    assertTrue(RoleMapping.glob("*").matches(""));
    assertTrue(RoleMapping.glob("\\E(*").matches("\\E(x"));
    assertTrue(RoleMapping.glob("patient/*.rs").matches("patient/Observation.rs"));
    assertTrue(!RoleMapping.glob("patient/*.rs").matches("patient/Observation.rs?category=x"));
    assertTrue(RoleMapping.glob("*/*.r*").matches("user/Patient.rs"));
    assertTrue(!RoleMapping.glob("a*b*c").matches("abcb"));
    assertTrue(RoleMapping.glob("a*b*c").matches("abxbc"));
    assertTrue(RoleMapping.glob("**").matches("anything"));
  }
}
