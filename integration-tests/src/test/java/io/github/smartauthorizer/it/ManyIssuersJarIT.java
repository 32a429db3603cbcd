package io.github.smartauthorizer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment jar serving two issuers at once ({@code AUTHORIZER_PROVIDERS=staff:keycloak,patients:cognito}) with
 * the IAM role chosen per caller by a role mapping read from a file, as a Lambda layer would provide it; tokens from a
 * third issuer are refused. The README's hospital example, run through the built jar.
 */
class ManyIssuersJarIT {
  static final String ENDPOINT =
      "https://healthlake.us-east-1.amazonaws.com/datastore/0123456789abcdef0123456789abcdef/r4/";
  static final String READ_ONLY = "arn:aws:iam::111122223333:role/HealthLakeReadOnly";
  static final String WRITE = "arn:aws:iam::111122223333:role/HealthLakeWrite";
  static final String FULL = "arn:aws:iam::111122223333:role/HealthLakeFull";
  static final String REALM = "realms/hospital";
  static final String POOL = "us-east-1_Patients1";

  static MockOAuth2Server issuer;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    issuer = new MockOAuth2Server();
    issuer.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterAll
  static void stop() {
    issuer.shutdown();
  }

  @Test
  void oneJarServesStaffAndPatientsWithARolePerCaller() throws Exception {
    Path mapping = Files.writeString(dir.resolve("role-mapping.json"), "{\"rules\":["
        + "{\"role\":\"" + FULL + "\",\"when\":{\"groups\":[\"clinician-admin\"],\"providers\":[\"staff\"]}},"
        + "{\"role\":\"" + WRITE + "\",\"when\":{\"providers\":[\"staff\"],\"writeScope\":true}}]}");
    Map<String, String> env = new HashMap<>();
    env.put("AUTHORIZER_PROVIDERS", "staff:keycloak,patients:cognito");
    env.put("AUTHORIZER_STAFF_ISSUER", issuer.issuerUrl(REALM).toString());
    env.put("AUTHORIZER_STAFF_JWKS_URI", issuer.jwksUrl(REALM).toString());
    env.put("AUTHORIZER_PATIENTS_COGNITO_USER_POOL_ID", POOL);
    env.put("AUTHORIZER_PATIENTS_ISSUER", issuer.issuerUrl(POOL).toString());
    env.put("AUTHORIZER_PATIENTS_JWKS_URI", issuer.jwksUrl(POOL).toString());
    env.put("AUTHORIZER_PATIENTS_COGNITO_CLIENT_IDS", "patient-app");
    env.put("AUTHORIZER_IAM_ROLE_ARN", READ_ONLY);
    env.put("AUTHORIZER_ROLE_MAPPING_FILE", mapping.toString());

    String nurseReading = staff("user/Observation.rs user/Patient.rs", List.of("nurse"));
    String nurseWriting = staff("user/Observation.cruds", List.of("nurse"));
    String admin = staff("user/*.rs", List.of("clinician-admin"));
    String patient = issuer.issueToken(POOL, "patient-app", new DefaultOAuth2TokenCallback(POOL, "patient-1", "JWT",
        List.of(), Map.of("token_use", "access", "client_id", "patient-app", "scope",
            "launch/patient patient/*.rs", "patient", "pat-1", "cognito:groups", List.of("clinician-admin")), 600))
        .serialize();
    String stranger = issuer.issueToken("realms/other", "x", new DefaultOAuth2TokenCallback("realms/other", "s",
        "JWT", List.of(ENDPOINT), Map.of("typ", "Bearer", "scope", "user/*.rs"), 600)).serialize();

    List<String> events = Stream.of(nurseReading, nurseWriting, admin, patient, stranger)
        .map(token -> "{\"datastoreEndpoint\":\"" + ENDPOINT
            + "\",\"operationName\":\"ReadResource\",\"bearerToken\":\"" + token + "\"}")
        .toList();
    DeploymentJar.Result result = DeploymentJar.invokeEvents(dir, env, events);

    List<String> lines = result.stdout().strip().lines().toList();
    assertEquals(5, lines.size(), result.stderr());
    List<Map<String, Object>> decisions = DecisionLog.ofEvents(result.stderr(), events);
    assertAllowed(lines.get(0), decisions.get(0), READ_ONLY, "staff");
    assertAllowed(lines.get(1), decisions.get(1), WRITE, "staff");
    assertAllowed(lines.get(2), decisions.get(2), FULL, "staff");
    assertAllowed(lines.get(3), decisions.get(3), READ_ONLY, "patients");
    assertTrue(lines.get(4).contains("\"isAuthorized\":false"), lines.get(4));
    DecisionLog.assertDenied(decisions.get(4), ReasonCode.INVALID_ISSUER);
    assertEquals(1, result.exit(), "one event was denied");
  }

  @Test
  void aMistakeInTheRoleMappingStopsTheJarWithTheVariableNamed() throws Exception {
    Map<String, String> env = Map.of(
        "AUTHORIZER_PROVIDERS", "staff:keycloak",
        "AUTHORIZER_STAFF_ISSUER", issuer.issuerUrl(REALM).toString(),
        "AUTHORIZER_STAFF_JWKS_URI", issuer.jwksUrl(REALM).toString(),
        "AUTHORIZER_ROLE_MAPPING", "{\"rules\":[{\"role\":\"" + FULL + "\",\"when\":{\"group\":[\"admin\"]}}]}");
    Path file = Files.writeString(dir.resolve("event.json"), "{\"datastoreEndpoint\":\"" + ENDPOINT
        + "\",\"operationName\":\"ReadResource\",\"bearerToken\":\"x.y.z\"}");
    DeploymentJar.Result result = DeploymentJar.run(dir, env, "invoke", "--event", file.toString());
    assertEquals(2, result.exit(), result.stderr());
    assertTrue(result.stderr().contains("AUTHORIZER_ROLE_MAPPING rules[0].when"), result.stderr());
  }

  private static String staff(String scope, List<String> roles) {
    return issuer.issueToken(REALM, "ehr-app", new DefaultOAuth2TokenCallback(REALM, "staff-1", "JWT",
        List.of(ENDPOINT), Map.of("typ", "Bearer", "azp", "ehr-app", "scope", scope, "realm_access",
            Map.of("roles", roles)), 600)).serialize();
  }

  /** An allow with {@code role}, decided by provider instance {@code instance} (its decision line says so). */
  private static void assertAllowed(String response, Map<String, Object> decision, String role, String instance) {
    assertTrue(response.contains("\"isAuthorized\":true"), response);
    assertTrue(response.contains("\"iamRoleARN\":\"" + role + "\""), response);
    DecisionLog.assertAllowed(decision);
    assertEquals(instance, decision.get("instance"), decision::toString);
  }
}
