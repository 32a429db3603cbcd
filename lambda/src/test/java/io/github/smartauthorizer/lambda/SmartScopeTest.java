package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.lambda.SmartScope.Version;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The SMART scope grammar: v1, v2 and v2.2 (the contract's §4), and the v2 → v1 translation. */
class SmartScopeTest {

  @ParameterizedTest
  @CsvSource({
      "patient/Observation.read, patient, Observation, read",
      "user/*.write, user, *, write",
      "system/*.*, system, *, *",
      "patient/Patient.*, patient, Patient, *"})
  void v1ScopesParse(String scope, String context, String type, String permissions) {
    SmartScope parsed = SmartScope.parse(scope).orElseThrow();
    assertEquals(Version.V1, parsed.version());
    assertEquals(context, parsed.context());
    assertEquals(type, parsed.resourceType());
    assertEquals(permissions, parsed.permissions());
    assertNull(parsed.filter());
    assertEquals(scope, parsed.text());
  }

  @ParameterizedTest
  @ValueSource(strings = {"c", "r", "u", "d", "s", "rs", "cud", "cruds", "crs", "ud", "cs", "rd"})
  void v2ScopesWithLettersInOrderParse(String letters) {
    SmartScope parsed = SmartScope.parse("patient/Observation." + letters).orElseThrow();
    assertEquals(Version.V2, parsed.version());
    assertEquals(letters, parsed.permissions());
    assertEquals("*", SmartScope.parse("system/*." + letters).orElseThrow().resourceType());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sr", "rc", "dc", "rr", "cruds2", "x", "rsx", "dr", "sc", "", "READ", "Read", "reads"})
  void v2LettersOutOfOrderRepeatedOrUnknownAreInvalid(String letters) {
    assertEquals(Optional.empty(), SmartScope.parse("patient/Observation." + letters), letters);
  }

  @Test
  void v22FiltersParseAndAreKeptByteForByte() {
    String scope = "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|"
        + "laboratory&code:in=http%3A%2F%2Floinc.org";
    SmartScope parsed = SmartScope.parse(scope).orElseThrow();
    assertEquals(Version.V2, parsed.version());
    assertEquals("rs", parsed.permissions());
    assertTrue(parsed.filter().startsWith("?category="));
    assertEquals(scope, parsed.text());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "patient/*.rs?category=laboratory",      // * with a filter is invalid
      "system/*.cruds?_tag=x",
      "patient/Observation.read?category=laboratory", // filters are v2.2, not v1
      "patient/Observation.rs?",
      "patient/Observation.rs?category",
      "patient/Observation.rs?category=",
      "patient/Observation.rs?=laboratory",
      "patient/Observation.rs?a=b&",
      "patient/Observation.rs?a=b&&c=d",
      "patient/Observation.rs?a=b?c=d",
      "patient/Observation.rs?a=b#frag"})
  void malformedFiltersAndWildcardFiltersAreInvalid(String scope) {
    assertEquals(Optional.empty(), SmartScope.parse(scope), scope);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "patient/observation.read", "Patient/Observation.read", "practitioner/Observation.read", "patient/.read",
      "patient/Observation", "patient/Observation.", "patient//Observation.read", "patient/Obs-ervation.rs",
      "patient/Observation.read.write", "user/*", "system/**.read"})
  void otherMalformedResourceScopesAreInvalid(String scope) {
    assertEquals(Optional.empty(), SmartScope.parse(scope), scope);
  }

  @ParameterizedTest
  @ValueSource(strings = {"openid", "fhirUser", "launch", "launch/patient", "launch/encounter", "offline_access",
      "online_access", "profile", "https://fhir.example.com/patient/*.read", "patients/x.read"})
  void nonResourceScopesAreNotResourceScopes(String scope) {
    assertFalse(SmartScope.isResourceScope(scope), scope);
  }

  @ParameterizedTest
  @ValueSource(strings = {"patient/Observation.rs", "user/x", "system/"})
  void scopesWithASmartContextClaimToBeResourceScopes(String scope) {
    assertTrue(SmartScope.isResourceScope(scope), scope);
  }

  @ParameterizedTest
  @CsvSource({
      "patient/Observation.read, false",
      "patient/Observation.write, true",
      "patient/Observation.*, true",
      "patient/Observation.rs, false",
      "patient/Observation.r, false",
      "patient/Observation.c, true",
      "patient/Observation.u, true",
      "patient/Observation.d, true",
      "patient/Observation.cruds, true",
      "patient/Observation.rs?category=laboratory, false"})
  void writeScopesAreV1WriteOrStarAndV2CreateUpdateOrDelete(String scope, boolean write) {
    assertEquals(write, SmartScope.parse(scope).orElseThrow().allowsWrite(), scope);
  }

  @ParameterizedTest
  @CsvSource({
      "patient/Observation.rs, patient/Observation.read",
      "user/*.cud, user/*.write",
      "system/*.cruds, system/*.*",
      "patient/Observation.crs, patient/Observation.read",
      "patient/Observation.rds, patient/Observation.read",
      "patient/Observation.crud, patient/Observation.write",
      "patient/Observation.r, ''",
      "patient/Observation.s, ''",
      "patient/Observation.c, ''",
      "patient/Observation.cu, ''",
      "patient/Observation.rs?category=laboratory, ''",
      "patient/Observation.read, patient/Observation.read"})
  void translationToV1NeverWidensTheGrant(String v2, String v1) {
    Optional<SmartScope> translated = SmartScope.parse(v2).orElseThrow().toV1();
    if (v1.isEmpty()) {
      assertEquals(Optional.empty(), translated, v2);
    } else {
      assertEquals(v1, translated.orElseThrow().text(), v2);
      assertEquals(Version.V1, translated.get().version());
      assertEquals(v1, SmartScope.parse(v1).orElseThrow().text(), "the translation is itself a valid v1 scope");
    }
  }

  @Test
  void aScopeParsedAgainGivesTheSameAnswerAndTheKeptParsesStayBounded() {
    for (String scope : new String[] {"patient/Observation.rs", "user/*.read", "patient/Observation.x", "openid"}) {
      assertEquals(SmartScope.parse(scope), SmartScope.parse(scope), scope);
    }
    for (int i = 0; i < 5 * SmartScope.PARSED_MAX_ENTRIES; i++) {
      SmartScope.parse("patient/Observation.rs?code=" + i);
      assertTrue(SmartScope.parsedScopesKept() <= SmartScope.PARSED_MAX_ENTRIES);
    }
    assertEquals("?code=7", SmartScope.parse("patient/Observation.rs?code=7").orElseThrow().filter());
    assertTrue(SmartScope.parse("patient/*.rs?code=7").isEmpty(), "still refused when asked again");
    assertTrue(SmartScope.parse("patient/*.rs?code=7").isEmpty());
  }
}
