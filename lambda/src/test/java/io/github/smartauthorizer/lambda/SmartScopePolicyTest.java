package io.github.smartauthorizer.lambda;

import static io.github.smartauthorizer.lambda.LambdaFixtures.ENDPOINT;
import static io.github.smartauthorizer.lambda.LambdaFixtures.ROLE;
import static io.github.smartauthorizer.lambda.LambdaFixtures.env;
import static io.github.smartauthorizer.lambda.LambdaFixtures.event;
import static io.github.smartauthorizer.lambda.LambdaFixtures.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.AuthPayload;
import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The SMART scope policy: data store version, translation, at least one resource scope, patient context, fhirUser. */
class SmartScopePolicyTest {
  private static final HealthLakeRequest REQUEST = HealthLakeRequest.builder().datastoreEndpoint(ENDPOINT)
      .operationName("SearchWithGet").bearerToken("t").build();

  private static SmartScopePolicy policy(String... variables) {
    Map<String, String> environment = new HashMap<>();
    for (int i = 0; i + 1 < variables.length; i += 2) {
      environment.put(variables[i], variables[i + 1]);
    }
    return SmartScopePolicy.fromConfiguration(Configuration.of(environment), "patient");
  }

  private static AuthPayload payload(String scope, String patient, String fhirUser) {
    return AuthPayload.builder().iss("https://idp.example.com").aud(ENDPOINT).sub("s").iat(1_700_000_000L)
        .nbf(1_700_000_000L).exp(1_700_003_600L).authorized(true).scope(scope).patient(patient).fhirUser(fhirUser)
        .build();
  }

  private static SmartScopePolicy.Outcome apply(SmartScopePolicy policy, String scope) {
    return policy.apply(payload(scope, "123", null), REQUEST);
  }

  private static String scopeAfter(SmartScopePolicy policy, String scope) {
    SmartScopePolicy.Outcome outcome = apply(policy, scope);
    assertNull(outcome.rejection(), () -> "refused: " + outcome.rejection());
    return outcome.payload().scope();
  }

  private static ReasonCode refusal(SmartScopePolicy.Outcome outcome) {
    assertNull(outcome.payload(), "no payload for a refusal");
    return outcome.rejection().reason();
  }

  // --- data store version (AUTHORIZER_SMART_VERSION) ---

  @Test
  void onAV2DataStoreV1V2AndV22ScopesPassByteForByte() {
    String scope = "launch/patient openid fhirUser patient/Observation.rs?category=laboratory patient/Patient.read "
        + "user/*.cruds user/*.cruds";
    assertEquals(scope, scopeAfter(policy(), scope), "the default is v2; nothing dropped, the string is untouched");
    assertEquals(scope, scopeAfter(policy("AUTHORIZER_SMART_VERSION", "V2"), scope));
  }

  @Test
  void onAV1DataStoreV2ScopesAreDroppedAndV1ScopesKept() {
    SmartScopePolicy v1 = policy("AUTHORIZER_SMART_VERSION", "v1");
    assertEquals("launch/patient patient/Patient.read openid",
        scopeAfter(v1, "launch/patient patient/Observation.rs patient/Patient.read openid system/*.cruds"));
  }

  @Test
  void onAV1DataStoreWithTranslationV2ScopesBecomeTheV1ScopesTheyFullyCover() {
    SmartScopePolicy translating = policy("AUTHORIZER_SMART_VERSION", "v1", "AUTHORIZER_SMART_TRANSLATE_V2", "true");
    assertEquals("launch/patient patient/Observation.read user/*.write system/*.* openid",
        scopeAfter(translating, "launch/patient patient/Observation.rs user/*.cud system/*.cruds "
            + "patient/Patient.r patient/Encounter.rs?status=finished openid"),
        "r alone and filtered scopes have no v1 equivalent that grants no more, so they are dropped");
    assertEquals("patient/Observation.read", scopeAfter(translating, "patient/Observation.rs patient/Observation.read"),
        "a translation that duplicates a scope appears once");
  }

  @Test
  void translationIsOnlyForV1DataStores() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> policy("AUTHORIZER_SMART_TRANSLATE_V2", "true"));
    assertEquals("AUTHORIZER_SMART_TRANSLATE_V2", e.variable());
    assertTrue(e.getMessage().contains("AUTHORIZER_SMART_VERSION=v1"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"AUTHORIZER_SMART_VERSION, v3", "AUTHORIZER_SMART_VERSION, SMART_ON_FHIR",
      "AUTHORIZER_SMART_TRANSLATE_V2, yes", "AUTHORIZER_PATIENT_CONTEXT, sometimes",
      "AUTHORIZER_FHIR_USER_FORM, url"})
  void wrongPolicySettingsAreConfigurationErrorsNamingTheVariable(String variable, String value) {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> policy(variable, value));
    assertEquals(variable, e.variable());
  }

  // --- at least one SMART resource scope ---

  @ParameterizedTest
  @ValueSource(strings = {"", "openid fhirUser profile", "launch/patient offline_access",
      "patient/Observation.sr patient/*.rs?category=laboratory", "patient/observation.read"})
  void aTokenWithoutAValidResourceScopeIsInsufficientScope(String scope) {
    SmartScopePolicy.Outcome outcome = apply(policy(), scope);
    assertEquals(ReasonCode.INSUFFICIENT_SCOPE, refusal(outcome));
    assertEquals(1_700_003_600L, outcome.rejection().times().expiresAt(), "the verified times are kept for the deny");
  }

  @Test
  void invalidResourceScopesAreDroppedWhenValidOnesRemain() {
    assertEquals("openid patient/Observation.rs",
        scopeAfter(policy(), "openid patient/Observation.sr patient/Observation.rs patient/*.rs?x=y"));
  }

  @Test
  void aV1DataStoreRefusesATokenWithOnlyV2Scopes() {
    SmartScopePolicy.Outcome outcome = apply(policy("AUTHORIZER_SMART_VERSION", "v1"),
        "launch/patient patient/Observation.rs");
    assertEquals(ReasonCode.INSUFFICIENT_SCOPE, refusal(outcome));
    assertTrue(outcome.rejection().detail().contains("v1 data store"), outcome.rejection().detail());
  }

  // --- scope tokens (RFC 6749 §3.3) and context case ---

  @ParameterizedTest
  @ValueSource(strings = {"launch\tsystem/*.*", "openid\nsystem/*.*", "launch\u000bsystem/*.*", "a\u0000b",
      "launch\rsystem/*.*", "fhir\"User", "fhir\\User", "openid\u007f", "l\u00e4unch", "system/*.*\u00a0",
      "user/*.rs\u2028", "\ud83d\ude00", "launch\u3000system/*.*"})
  void aTokenThatIsNotAnRfc6749ScopeTokenIsDroppedAndNeverPassedOn(String malformed) {
    assertEquals("openid patient/Observation.rs",
        scopeAfter(policy(), "openid " + malformed + " patient/Observation.rs"), "only the valid tokens, joined by "
            + "single spaces");
  }

  @Test
  void scopeTokensAreExactlyTheCharactersOfRfc6749() {
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      boolean rfc6749 = c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
      String one = String.valueOf((char) c);
      assertEquals(rfc6749, SmartScopePolicy.isScopeToken(one), () -> "U+" + Integer.toHexString(one.charAt(0)));
      assertEquals(rfc6749, SmartScopePolicy.isScopeToken("openid" + one + "x"));
    }
    assertFalse(SmartScopePolicy.isScopeToken(""), "a scope-token has at least one character");
    assertFalse(SmartScopePolicy.isScopeToken("\ud83d\ude00"), "no character outside the BMP either");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Patient/*.read", "SYSTEM/*.*", "User/Observation.rs", "sYstem/*.cruds", "PATIENT/x",
      "Patient/", "USER/*.rs?category=laboratory"})
  void aResourceScopeInAnotherCaseIsDroppedAsAnInvalidResourceScope(String scope) {
    assertEquals("launch/patient patient/Observation.rs",
        scopeAfter(policy(), "launch/patient " + scope + " patient/Observation.rs"));
    SmartScopePolicy.Outcome alone = apply(policy(), "openid " + scope);
    assertEquals(ReasonCode.INSUFFICIENT_SCOPE, refusal(alone));
    assertEquals("no SMART resource scope (patient/, user/, system/) the data store takes (dropped: 1 not valid SMART"
        + " scope)", alone.rejection().detail());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Patient", "launch/Patient", "SYSTEM", "patients/x.read", "fhirUser", "x/system/*.*"})
  void otherScopesThatMerelyContainAContextWordStillPassUntouched(String scope) {
    assertEquals(scope + " user/*.rs", scopeAfter(policy(), scope + " user/*.rs"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'openid  patient/Observation.rs'|openid patient/Observation.rs",
      "' openid patient/Observation.rs'|openid patient/Observation.rs",
      "'openid patient/Observation.rs '|openid patient/Observation.rs",
      "'   patient/Observation.rs    openid   '|patient/Observation.rs openid"})
  void emptyTokensAreNotPassedOnAndTheScopeIsRejoinedWithSingleSpaces(String issued, String passed) {
    assertEquals(passed, scopeAfter(policy(), issued));
  }

  @Test
  void aTokenWhoseOnlyResourceScopeWasNotAScopeTokenIsInsufficientScopeCountingWhatWasDropped() {
    SmartScopePolicy.Outcome outcome = apply(policy(), "launch\tsystem/*.* openid Patient/*.read fhir\"User");
    assertEquals(ReasonCode.INSUFFICIENT_SCOPE, refusal(outcome));
    assertEquals("no SMART resource scope (patient/, user/, system/) the data store takes (dropped: 2 not valid RFC"
        + " 6749 scope-tokens, 1 not valid SMART scope)", outcome.rejection().detail());
  }

  // --- patient context ---

  @Test
  void patientScopesNeedAPatientContextClaim() {
    SmartScopePolicy required = policy();
    for (String patient : new String[] {null, "", "  "}) {
      SmartScopePolicy.Outcome outcome = required.apply(payload("launch/patient patient/Observation.rs", patient,
          null), REQUEST);
      assertEquals(ReasonCode.MISSING_CLAIM, refusal(outcome));
      assertTrue(outcome.rejection().detail().contains("patient"), outcome.rejection().detail());
    }
    assertNull(required.apply(payload("user/Observation.rs system/*.rs", null, null), REQUEST).rejection(),
        "user and system scopes need no patient");
    assertNull(required.apply(payload("patient/Observation.rs", "123", null), REQUEST).rejection());
  }

  @Test
  void aDroppedPatientScopeNeedsNoPatientContext() {
    SmartScopePolicy v1 = policy("AUTHORIZER_SMART_VERSION", "v1");
    SmartScopePolicy.Outcome outcome = v1.apply(payload("patient/Observation.rs user/Patient.read", null, null),
        REQUEST);
    assertNull(outcome.rejection());
    assertEquals("user/Patient.read", outcome.payload().scope());
  }

  @Test
  void thePatientContextRuleCanBeMadeOptional() {
    SmartScopePolicy optional = policy("AUTHORIZER_PATIENT_CONTEXT", "optional");
    assertNull(optional.apply(payload("patient/Observation.rs", null, null), REQUEST).rejection());
  }

  // --- fhirUser form ---

  @Test
  void fhirUserIsPassedAsIsByDefault() {
    for (String fhirUser : List.of("Practitioner/123", "https://elsewhere.example/fhir/Practitioner/1", "junk")) {
      assertEquals(fhirUser, policy().apply(payload("user/*.rs", null, fhirUser), REQUEST).payload().fhirUser());
    }
  }

  @ParameterizedTest
  @CsvSource({
      "relative, Practitioner/123, Practitioner/123",
      "relative, " + ENDPOINT + "Practitioner/123, Practitioner/123",
      "absolute, Practitioner/123, " + ENDPOINT + "Practitioner/123",
      "absolute, " + ENDPOINT + "Patient/a-1.b, " + ENDPOINT + "Patient/a-1.b",
      "relative, RelatedPerson/rp1, RelatedPerson/rp1"})
  void fhirUserIsPutIntoTheConfiguredForm(String form, String fhirUser, String expected) {
    SmartScopePolicy.Outcome outcome = policy("AUTHORIZER_FHIR_USER_FORM", form)
        .apply(payload("user/*.rs", null, fhirUser), REQUEST);
    assertEquals(expected, outcome.payload().fhirUser());
  }

  @ParameterizedTest
  @CsvSource({
      "relative, https://elsewhere.example/fhir/Practitioner/123",
      "absolute, https://elsewhere.example/fhir/Practitioner/123",
      "absolute, Practitioner/123/_history/2",
      "relative, practitioner/123",
      "absolute, Practitioner/",
      "relative, Practitioner/12 3"})
  void aFhirUserThatCannotBePutIntoTheFormIsMissingClaim(String form, String fhirUser) {
    SmartScopePolicy.Outcome outcome = policy("AUTHORIZER_FHIR_USER_FORM", form)
        .apply(payload("user/*.rs", null, fhirUser), REQUEST);
    assertEquals(ReasonCode.MISSING_CLAIM, refusal(outcome));
    assertFalse(outcome.rejection().detail().contains(fhirUser), "the claim value is not echoed");
  }

  @Test
  void noFhirUserStaysNoFhirUserInEveryForm() {
    for (String form : List.of("as-is", "relative", "absolute")) {
      assertNull(policy("AUTHORIZER_FHIR_USER_FORM", form).apply(payload("user/*.rs", null, null), REQUEST).payload()
          .fhirUser());
    }
  }

  @Test
  void anEndpointWithoutTrailingSlashStillJoinsWithOne() {
    HealthLakeRequest request = HealthLakeRequest.builder().datastoreEndpoint(ENDPOINT.substring(0,
        ENDPOINT.length() - 1)).operationName("ReadResource").bearerToken("t").build();
    assertEquals(ENDPOINT + "Practitioner/1", policy("AUTHORIZER_FHIR_USER_FORM", "absolute")
        .apply(payload("user/*.rs", null, "Practitioner/1"), request).payload().fhirUser());
  }

  // --- through the authorizer ---

  @Test
  void theAuthorizerEnforcesThePolicyOnRealTokens() {
    MockOAuth2Server server = new MockOAuth2Server();
    server.start(InetAddress.getLoopbackAddress(), 0);
    try {
      Authorizer authorizer = Authorizer.builder()
          .environment(env(server, "AUTHORIZER_FHIR_USER_FORM", "absolute"))
          .logStream(new LambdaFixtures.CapturedStream().stream).build();

      Decision noScope = authorizer.decide(event(token(server, "u", Map.of("scope", "openid profile"))));
      assertEquals(ReasonCode.INSUFFICIENT_SCOPE, noScope.reason());
      assertEquals(ROLE, noScope.response().iamRoleArn());
      assertEquals("", noScope.response().authPayload().scope());
      assertEquals(ENDPOINT, noScope.response().authPayload().aud());

      Decision noPatient = authorizer.decide(event(token(server, "u", Map.of("scope", "patient/*.rs"))));
      assertEquals(ReasonCode.MISSING_CLAIM, noPatient.reason());

      Decision allowed = authorizer.decide(event(token(server, "u", Map.of("scope", "launch/patient patient/*.rs",
          "patient", "123", "fhirUser", "Patient/123"))));
      assertTrue(allowed.authorized(), allowed.detail());
      assertEquals(ENDPOINT + "Patient/123", allowed.response().authPayload().fhirUser());
      assertEquals("launch/patient patient/*.rs", allowed.response().authPayload().scope());
    } finally {
      server.shutdown();
    }
  }
}
