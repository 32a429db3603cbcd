package io.github.smartauthorizer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import java.net.InetAddress;
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
 * The deployment jar's {@code keycloak} and {@code cognito} providers deciding tokens shaped like each IdP's real ones
 * (claims from providers.md), signed and served by a real embedded issuer: access tokens pass, ID tokens are refused.
 */
class ProviderJarIT {
  static final String ENDPOINT = "https://healthlake.us-east-1.amazonaws.com/datastore/0123456789abcdef0123456789abcdef/r4/";
  static final String ROLE = "arn:aws:iam::111122223333:role/HealthLakeSmart";

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
  void keycloakProviderAllowsAnAccessTokenAndRefusesAnIdToken() throws Exception {
    String realm = "realms/smart";
    Map<String, Object> access = Map.of("typ", "Bearer", "azp", "smart-app",
        "scope", "openid fhirUser launch/patient patient/*.read", "fhirUser", "Patient/example-patient-1",
        "patient", "example-patient-1", "realm_access", Map.of("roles", List.of("clinician")));
    Map<String, Object> id = Map.of("typ", "ID", "azp", "smart-app");
    Map<String, String> env = new HashMap<>(Map.of(
        "AUTHORIZER_PROVIDER", "keycloak",
        "AUTHORIZER_ISSUER", issuer.issuerUrl(realm).toString().replaceAll("/$", ""),
        "AUTHORIZER_JWKS_URI", issuer.jwksUrl(realm).toString(),
        "AUTHORIZER_IAM_ROLE_ARN", ROLE));

    List<String> events = events(token(realm, List.of(ENDPOINT), access), token(realm, List.of(ENDPOINT), id));
    DeploymentJar.Result result = invoke(env, events);

    List<String> lines = result.stdout().strip().lines().toList();
    assertEquals(2, lines.size(), result.stderr());
    assertTrue(lines.get(0).contains("\"isAuthorized\":true"), result.stderr());
    assertTrue(lines.get(0).contains("\"scope\":\"openid fhirUser launch/patient patient/*.read\""), lines.get(0));
    assertTrue(lines.get(0).contains("\"fhirUser\":\"Patient/example-patient-1\""), lines.get(0));
    assertTrue(lines.get(1).contains("\"isAuthorized\":false"), lines.get(1));
    assertAccessTokenAllowedAndIdTokenRefused(result, events);
  }

  @Test
  void cognitoProviderAllowsAnAccessTokenStripsTheScopePrefixAndRefusesAnIdToken() throws Exception {
    String pool = "us-east-1_AbC123";
    Map<String, Object> access = Map.of("token_use", "access", "client_id", "4tq1b2example",
        "scope", "https://fhir.example.com/patient/*.read https://fhir.example.com/launch/patient openid",
        "username", "patient1", "cognito:groups", List.of("patients"), "patient", "pat-1");
    Map<String, Object> id = Map.of("token_use", "id", "client_id", "4tq1b2example");
    Map<String, String> env = new HashMap<>(Map.of(
        "AUTHORIZER_PROVIDER", "cognito",
        "AUTHORIZER_COGNITO_USER_POOL_ID", pool,
        "AUTHORIZER_ISSUER", issuer.issuerUrl(pool).toString(),
        "AUTHORIZER_JWKS_URI", issuer.jwksUrl(pool).toString(),
        "AUTHORIZER_COGNITO_CLIENT_IDS", "4tq1b2example",
        "AUTHORIZER_COGNITO_SCOPE_PREFIX", "https://fhir.example.com/",
        "AUTHORIZER_IAM_ROLE_ARN", ROLE));

    List<String> events = events(token(pool, List.of(), access), token(pool, List.of(), id));
    DeploymentJar.Result result = invoke(env, events);

    List<String> lines = result.stdout().strip().lines().toList();
    assertEquals(2, lines.size(), result.stderr());
    assertTrue(lines.get(0).contains("\"isAuthorized\":true"), result.stderr());
    assertTrue(lines.get(0).contains("\"scope\":\"patient/*.read launch/patient openid\""), lines.get(0));
    assertTrue(lines.get(1).contains("\"isAuthorized\":false"), lines.get(1));
    assertAccessTokenAllowedAndIdTokenRefused(result, events);
  }

  /** The decision lines of the two events: the access token allowed, the ID token denied {@code INVALID_TOKEN_TYPE}. */
  private static void assertAccessTokenAllowedAndIdTokenRefused(DeploymentJar.Result result, List<String> events) {
    List<Map<String, Object>> decisions = DecisionLog.ofEvents(result.stderr(), events);
    DecisionLog.assertAllowed(decisions.get(0));
    DecisionLog.assertDenied(decisions.get(1), ReasonCode.INVALID_TOKEN_TYPE);
    assertEquals(1, result.exit());
  }

  private static List<String> events(String... tokens) {
    return Stream.of(tokens).map(token -> "{\"datastoreEndpoint\":\"" + ENDPOINT
        + "\",\"operationName\":\"ReadResource\",\"bearerToken\":\"" + token + "\"}").toList();
  }

  private DeploymentJar.Result invoke(Map<String, String> env, List<String> events) throws Exception {
    return DeploymentJar.invokeEvents(dir, env, events);
  }

  private static String token(String issuerId, List<String> audience, Map<String, Object> claims) {
    return issuer.issueToken(issuerId, "client", new DefaultOAuth2TokenCallback(issuerId, "user-1", "JWT", audience,
        claims, 600)).serialize();
  }
}
