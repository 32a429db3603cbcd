package io.github.smartauthorizer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.it.keycloak.Jwts;
import io.github.smartauthorizer.it.keycloak.Keycloak;
import io.github.smartauthorizer.it.keycloak.KeycloakExtension;
import io.github.smartauthorizer.it.keycloak.SmartRealm;
import io.github.smartauthorizer.it.keycloak.TokenResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real Keycloak of the run issues what the other Keycloak tests rely on (realm files under resources/keycloak). */
@ExtendWith(KeycloakExtension.class)
class KeycloakSmokeIT {

  @Test
  void clientCredentialsTokenCarriesIssuerAudienceAndSystemScope(Keycloak keycloak) {
    TokenResponse token = keycloak.clientCredentials(SmartRealm.BACKEND_SCOPE);

    Map<String, Object> claims = token.claims();
    assertCommonClaims(keycloak, claims);
    assertEquals(Set.of(SmartRealm.BACKEND_SCOPE), scopes(claims));
    assertEquals(SmartRealm.BACKEND_CLIENT, claims.get("azp"));
    assertEquals(SmartRealm.BACKEND_CLIENT, claims.get("client_id"));
    assertEquals("at+jwt", token.header().get("typ"), "the backend client has Keycloak's RFC 9068 header switch on");
    assertEquals("RS256", token.header().get("alg"));
  }

  @Test
  void passwordGrantTokenCarriesSmartScopesFhirUserAndPatient(Keycloak keycloak) {
    TokenResponse token = keycloak.userToken();

    Map<String, Object> claims = token.claims();
    assertCommonClaims(keycloak, claims);
    assertTrue(scopes(claims).containsAll(Set.of("openid", "fhirUser", "launch/patient", "patient/*.read",
        "user/Observation.rs")), String.valueOf(claims.get("scope")));
    assertEquals(SmartRealm.USER_FHIR_USER, claims.get("fhirUser"));
    assertEquals(SmartRealm.USER_PATIENT, claims.get("patient"));
    assertEquals(SmartRealm.APP_CLIENT, claims.get("azp"));
    assertEquals("JWT", token.header().get("typ"));
  }

  @Test
  void jwksHoldsAnRs256SigningKeyNamedByTheTokens(Keycloak keycloak) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(keycloak.jwksUri())).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertEquals(200, response.statusCode());
    List<?> keys = assertInstanceOf(List.class, Jwts.json(response.body()).get("keys"));
    String kid = (String) keycloak.userToken().header().get("kid");
    assertTrue(keys.stream().map(Map.class::cast).anyMatch(key -> "RSA".equals(key.get("kty"))
        && "RS256".equals(key.get("alg")) && "sig".equals(key.get("use")) && kid.equals(key.get("kid"))),
        response.body());
  }

  @Test
  void introspectionByTheAuthorizerClientAnswersActive(Keycloak keycloak) {
    TokenResponse token = keycloak.userToken();

    Map<String, Object> answer = keycloak.introspect(token.accessToken());

    assertEquals(Boolean.TRUE, answer.get("active"), answer.toString());
    assertEquals(keycloak.issuer(), answer.get("iss"));
    assertEquals(SmartRealm.USER_FHIR_USER, answer.get("fhirUser"));
    assertEquals(SmartRealm.USER, answer.get("username"));
  }

  @Test
  void otherRealmIssuesTokensOfAnotherIssuerForTheSameDataStore(Keycloak keycloak) {
    TokenResponse token = keycloak.clientCredentials(SmartRealm.OTHER_REALM, SmartRealm.OTHER_CLIENT,
        SmartRealm.OTHER_SECRET, SmartRealm.BACKEND_SCOPE);

    Map<String, Object> claims = token.claims();
    assertEquals(keycloak.issuer(SmartRealm.OTHER_REALM), claims.get("iss"));
    assertTrue(audiences(claims).contains(SmartRealm.DATASTORE_ENDPOINT), String.valueOf(claims.get("aud")));
    assertEquals(Set.of(SmartRealm.BACKEND_SCOPE), scopes(claims));
  }

  @Test
  void adminTokenReachesTheAdminApi(Keycloak keycloak) {
    HttpResponse<String> keys = keycloak.admin("GET", "/" + SmartRealm.REALM + "/keys", null);

    assertEquals(200, keys.statusCode(), keys.body());
    assertTrue(keys.body().contains("\"RS256\""), keys.body());
  }

  private static void assertCommonClaims(Keycloak keycloak, Map<String, Object> claims) {
    assertEquals(keycloak.issuer(), claims.get("iss"));
    assertTrue(audiences(claims).containsAll(List.of(SmartRealm.DATASTORE_ENDPOINT, SmartRealm.AUTHORIZER_CLIENT)),
        String.valueOf(claims.get("aud")));
    assertEquals("Bearer", claims.get("typ"));
    assertInstanceOf(String.class, claims.get("sub"));
    assertNotNull(claims.get("exp"));
    assertNotNull(claims.get("iat"));
  }

  private static Set<String> scopes(Map<String, Object> claims) {
    return Arrays.stream(((String) claims.get("scope")).split(" ")).collect(Collectors.toSet());
  }

  private static List<?> audiences(Map<String, Object> claims) {
    Object aud = claims.get("aud");
    return aud instanceof List<?> list ? list : List.of(aud);
  }
}
