package io.github.smartauthorizer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    StringBuilder events = new StringBuilder();
    for (String token : List.of(nurseReading, nurseWriting, admin, patient, stranger)) {
      events.append("{\"datastoreEndpoint\":\"").append(ENDPOINT)
          .append("\",\"operationName\":\"ReadResource\",\"bearerToken\":\"").append(token).append("\"}\n");
    }
    Path file = Files.writeString(dir.resolve("events.jsonl"), events);
    DeploymentJar.Result result = DeploymentJar.run(dir, env, "invoke", "--events", file.toString());

    List<String> lines = result.stdout().strip().lines().toList();
    assertEquals(5, lines.size(), result.stderr());
    assertAllowed(lines.get(0), READ_ONLY);
    assertAllowed(lines.get(1), WRITE);
    assertAllowed(lines.get(2), FULL);
    assertAllowed(lines.get(3), READ_ONLY);
    assertTrue(lines.get(4).contains("\"isAuthorized\":false"), lines.get(4));
    assertTrue(result.stderr().contains("\"reason\":\"INVALID_ISSUER\""), result.stderr());
    assertTrue(result.stderr().contains("\"instance\":\"staff\"") && result.stderr().contains(
        "\"instance\":\"patients\""), result.stderr());
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

  private static void assertAllowed(String line, String role) {
    assertTrue(line.contains("\"isAuthorized\":true"), line);
    assertTrue(line.contains("\"iamRoleARN\":\"" + role + "\""), line);
  }
}
