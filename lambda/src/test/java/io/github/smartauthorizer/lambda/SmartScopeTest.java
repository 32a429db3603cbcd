package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.lambda.SmartScope.Version;
import java.util.List;
import java.util.Optional;
import java.util.Random;
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

  @Test
  void aScopeWithTwelveHundredFilterPairsParsesWithoutOverflowingTheStack() {
    String scope = "patient/Observation.rs?a=b" + "&a=b".repeat(1200);
    SmartScope parsed = SmartScope.parse(scope).orElseThrow();
    assertEquals(scope, parsed.text());
    assertEquals("?a=b" + "&a=b".repeat(1200), parsed.filter());
    assertEquals("rs", parsed.permissions());
    assertEquals(SmartScopeRegexOracle.parse(scope), Optional.of(parsed),
        "what the regular expressions answer on a big stack");
  }

  @Test
  void filtersOfAnyLengthAreDecidedInOnePass() {
    String pairs = "&code=http://loinc.org|1234-5".repeat(100_000);
    assertTrue(SmartScope.parse("user/Observation.rs?category=laboratory" + pairs).isPresent());
    assertEquals(Optional.empty(), SmartScope.parse("user/Observation.rs?category=laboratory" + pairs + "&"));
    assertEquals(Optional.empty(), SmartScope.parse("user/Observation.rs?category=laboratory" + pairs + "&x"));
    assertEquals(Optional.empty(), SmartScope.parse("user/*.rs?category=laboratory" + pairs));
  }

  @Test
  void theParserAcceptsExactlyTheLanguageOfTheFormerRegularExpressions() {
    List<String> contexts = List.of("patient", "user", "system", "Patient", "SYSTEM", "patients", "");
    List<String> slashes = List.of("/", "", "//");
    List<String> types = List.of("Observation", "*", "O", "observation", "Obs-ervation", "A" + "a".repeat(63),
        "A" + "a".repeat(64), "**", "", "Ob1", "\u00c4rzt");
    List<String> dots = List.of(".", "", "..", "?");
    List<String> permissions = List.of("read", "write", "*", "c", "r", "rs", "cruds", "sr", "", "READ", "rr", "reads",
        "cruds2", "*s");
    List<String> suffixes = List.of("", "?", "?a=b", "?a=b&c=d", "?a=b=c", "?a==b", "?=b", "?a=", "?a", "?a=b&",
        "?a=b&&c=d", "?a=b?c", "?a=b#f", "?a=b c", "?a=b\t", "?a\u000b=b", "?a=b\f", "?a=b\u0085", "?a=b\u2028",
        "?a=\u2029", "?a=b\u00a0", "?a=b\u3000", "?a=\u00e4", "?a=b\n", "?a=b\r\n", "\n", "x", "?a=b&c", "?a=b&=c",
        "?k=http://x|y&code:in=%3A", "?a=\"\\", "?a=b\ud83d", "?\u0000=\u007f", "??a=b", "?&a=b");
    int compared = 0;
    for (String context : contexts) {
      for (String slash : slashes) {
        for (String type : types) {
          for (String dot : dots) {
            for (String letters : permissions) {
              for (String suffix : suffixes) {
                String scope = context + slash + type + dot + letters + suffix;
                assertEquals(SmartScopeRegexOracle.parse(scope), SmartScope.parse(scope), scope);
                compared++;
              }
            }
          }
        }
      }
    }
    assertEquals(7 * 3 * 11 * 4 * 14 * 35, compared);
  }

  @Test
  void randomEditsOfValidScopesAreDecidedAsTheFormerRegularExpressionsDecidedThem() {
    String[] valid = {"patient/Observation.read", "user/*.cruds", "system/Patient.rs?_tag=a&code=b|c",
        "patient/Observation.rs?a=b" + "&a=b".repeat(100)};
    char[] alphabet = "patientusersystemObservation*./?&=#rcudswrite \t\n\u0085\u2028\u00a0\u00e4AZaz09%|:-"
        .toCharArray();
    Random random = new Random(13);
    for (int i = 0; i < 50_000; i++) {
      StringBuilder scope = new StringBuilder(valid[random.nextInt(valid.length)]);
      for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
        int at = random.nextInt(scope.length() + 1);
        char c = alphabet[random.nextInt(alphabet.length)];
        switch (random.nextInt(3)) {
          case 0 -> scope.insert(at, c);
          case 1 -> scope.setCharAt(Math.min(at, scope.length() - 1), c);
          default -> scope.deleteCharAt(Math.min(at, scope.length() - 1));
        }
      }
      String text = scope.toString();
      assertEquals(SmartScopeRegexOracle.parse(text), SmartScope.parse(text), text);
    }
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
  @ValueSource(strings = {"Patient/*.read", "SYSTEM/*.*", "User/Observation.rs", "sYsTeM/", "PATIENT/x/y"})
  void aContextInAnotherCaseBeforeTheFirstSlashIsRecognised(String scope) {
    assertTrue(SmartScope.isResourceScopeInAnotherCase(scope), scope);
    assertFalse(SmartScope.isResourceScope(scope), scope);
    assertEquals(Optional.empty(), SmartScope.parse(scope), scope);
  }

  @ParameterizedTest
  @ValueSource(strings = {"patient/*.read", "system/*.*", "Patient", "launch/Patient", "x/Patient/*.read",
      "Patients/*.read", "Use/x", "SYSTEM", "openid", "", "/", "u\u017Fer/*.rs", "\u017Fystem/*.*",
      "pat\u0130ent/*.rs"})
  void otherScopesAreNotContextsInAnotherCaseAndOnlyAsciiLettersAreFolded(String scope) {
    assertFalse(SmartScope.isResourceScopeInAnotherCase(scope), scope);
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
