package io.github.smartauthorizer.lambda;

import static io.github.smartauthorizer.lambda.LambdaFixtures.ENDPOINT;
import static io.github.smartauthorizer.lambda.LambdaFixtures.authPayload;
import static io.github.smartauthorizer.lambda.LambdaFixtures.event;
import static io.github.smartauthorizer.lambda.LambdaFixtures.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's worked example end to end: one authorizer for a hospital whose staff sign in with Keycloak and whose
 * patients sign in with Amazon Cognito ({@code AUTHORIZER_PROVIDERS=staff:keycloak,patients:cognito}), each token
 * verified by the real provider of its issuer, and the IAM role chosen per caller: the full role for the
 * {@code clinician-admin} group, a write role for staff granted a write scope, the read-only default for everyone else.
 */
class HospitalEndToEndTest {
  static final String READ_ONLY = "arn:aws:iam::111122223333:role/HealthLakeReadOnly";
  static final String WRITE = "arn:aws:iam::111122223333:role/HealthLakeWrite";
  static final String FULL = "arn:aws:iam::111122223333:role/HealthLakeFull";
  static final String REALM = "realms/hospital";
  static final String POOL = "us-east-1_Patients1";
  static final String PATIENT_APP = "4tq1b2patientapp";

  private static MockOAuth2Server server;
  private static Authorizer authorizer;
  private static final LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();

  @BeforeAll
  static void start() {
    server = new MockOAuth2Server();
    server.start(InetAddress.getLoopbackAddress(), 0);
    Map<String, String> env = new HashMap<>();
    env.put("AUTHORIZER_PROVIDERS", "staff:keycloak,patients:cognito");
    // staff: one Keycloak realm (the mock issuer stands in for https://keycloak.hospital.example/realms/hospital)
    env.put("AUTHORIZER_STAFF_ISSUER", server.issuerUrl(REALM).toString());
    env.put("AUTHORIZER_STAFF_JWKS_URI", server.jwksUrl(REALM).toString());
    env.put("AUTHORIZER_STAFF_CLIENT_IDS", "ehr-app");
    // patients: one Cognito user pool
    env.put("AUTHORIZER_PATIENTS_COGNITO_USER_POOL_ID", POOL);
    env.put("AUTHORIZER_PATIENTS_ISSUER", server.issuerUrl(POOL).toString());
    env.put("AUTHORIZER_PATIENTS_JWKS_URI", server.jwksUrl(POOL).toString());
    env.put("AUTHORIZER_PATIENTS_COGNITO_CLIENT_IDS", PATIENT_APP);
    // roles: read-only by default, write for staff writing, full for clinical administrators
    env.put("AUTHORIZER_IAM_ROLE_ARN", READ_ONLY);
    env.put("AUTHORIZER_ROLE_MAPPING", "{\"rules\":["
        + "{\"role\":\"" + FULL + "\",\"when\":{\"groups\":[\"clinician-admin\"],\"providers\":[\"staff\"]}},"
        + "{\"role\":\"" + WRITE + "\",\"when\":{\"providers\":[\"staff\"],\"writeScope\":true}}]}");
    env.put("AUTHORIZER_FHIR_USER_FORM", "absolute");
    authorizer = Authorizer.builder().environment(env).logStream(log.stream).build();
  }

  @AfterAll
  static void stop() {
    server.shutdown();
  }

  private static String staffToken(String scope, List<String> roles) {
    Map<String, Object> claims = new HashMap<>();
    claims.put("typ", "Bearer");
    claims.put("azp", "ehr-app");
    claims.put("scope", scope);
    claims.put("fhirUser", "Practitioner/dr-who");
    claims.put("realm_access", Map.of("roles", roles));
    return server.issueToken(REALM, "ehr-app", new DefaultOAuth2TokenCallback(REALM, "staff-user", "JWT",
        List.of(ENDPOINT), claims, 600)).serialize();
  }

  private static String patientToken(String scope) {
    Map<String, Object> claims = new HashMap<>();
    claims.put("token_use", "access");
    claims.put("client_id", PATIENT_APP);
    claims.put("scope", scope);
    claims.put("patient", "pat-42");
    claims.put("fhirUser", "Patient/pat-42");
    claims.put("cognito:groups", List.of("clinician-admin"));
    return server.issueToken(POOL, PATIENT_APP, new DefaultOAuth2TokenCallback(POOL, "patient-user", "JWT",
        List.of(), claims, 600)).serialize();
  }

  private static Decision decide(String token) {
    return authorizer.decide(event(token));
  }

  @Test
  void aNurseReadingGetsTheReadOnlyRole() {
    Decision decision = decide(staffToken("openid fhirUser user/Observation.rs user/Patient.rs", List.of("nurse")));
    assertTrue(decision.authorized(), decision.detail());
    assertEquals("staff", decision.instance());
    assertEquals(READ_ONLY, decision.response().iamRoleArn());
    assertEquals(ENDPOINT + "Practitioner/dr-who", decision.response().authPayload().fhirUser());
  }

  @Test
  void aNurseGrantedAWriteScopeGetsTheWriteRole() {
    Decision decision = decide(staffToken("user/Observation.cruds user/Patient.rs", List.of("nurse")));
    assertTrue(decision.authorized(), decision.detail());
    assertEquals(WRITE, decision.response().iamRoleArn());
  }

  @Test
  void aClinicalAdministratorGetsTheFullRole() {
    Decision decision = decide(staffToken("user/*.rs", List.of("nurse", "clinician-admin")));
    assertTrue(decision.authorized(), decision.detail());
    assertEquals(FULL, decision.response().iamRoleArn());
  }

  @Test
  void aPatientGetsTheReadOnlyRoleWhateverTheirGroupsAndScopes() {
    Decision decision = decide(patientToken("openid launch/patient patient/*.rs patient/Observation.cud"));
    assertTrue(decision.authorized(), decision.detail());
    assertEquals("patients", decision.instance());
    assertEquals(READ_ONLY, decision.response().iamRoleArn(),
        "the write and group rules are for the staff instance only");
    assertEquals("pat-42", decision.response().authPayload().patient());
    assertEquals(ENDPOINT + "Patient/pat-42", decision.response().authPayload().fhirUser());
  }

  @Test
  void eachIssuerKeepsItsOwnProviderRules() {
    Map<String, Object> idToken = new HashMap<>(Map.of("token_use", "id", "client_id", PATIENT_APP, "scope",
        "patient/*.rs", "patient", "pat-42"));
    String cognitoIdToken = server.issueToken(POOL, PATIENT_APP, new DefaultOAuth2TokenCallback(POOL, "p", "JWT",
        List.of(), idToken, 600)).serialize();
    assertEquals(ReasonCode.INVALID_TOKEN_TYPE, decide(cognitoIdToken).reason(), "Cognito rules for the pool");

    Map<String, Object> otherClient = new HashMap<>(Map.of("typ", "Bearer", "azp", "unknown-app", "scope",
        "user/*.rs"));
    String foreignClient = server.issueToken(REALM, "unknown-app", new DefaultOAuth2TokenCallback(REALM, "s", "JWT",
        List.of(ENDPOINT), otherClient, 600)).serialize();
    assertEquals(ReasonCode.INVALID_CLIENT, decide(foreignClient).reason(), "Keycloak rules for the realm");
  }

  @Test
  void aTokenOfAThirdIssuerIsDenied() {
    String other = server.issueToken("realms/other", "ehr-app", new DefaultOAuth2TokenCallback("realms/other", "s",
        "JWT", List.of(ENDPOINT), Map.of("typ", "Bearer", "azp", "ehr-app", "scope", "user/*.rs"), 600)).serialize();
    Decision decision = decide(other);
    assertEquals(ReasonCode.INVALID_ISSUER, decision.reason());
    assertEquals(READ_ONLY, decision.response().iamRoleArn());
  }

  @Test
  void theResponseAndTheLogLineSayWhichInstanceDecided() {
    log.reset();
    Map<String, Object> response = parse(authorizer.handle(event(patientToken("patient/*.rs")), "req-p"));
    assertEquals(Boolean.TRUE, authPayload(response).get("isAuthorized"));
    assertEquals(READ_ONLY, response.get("iamRoleARN"));
    Map<String, Object> line = log.decisionLines().get(0);
    assertEquals("patients", line.get("instance"));
    assertEquals("cognito", line.get("provider"));
    assertFalse(log.text().contains("pat-42"), "claim values are not logged");
  }
}
