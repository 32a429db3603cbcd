package io.github.smartauthorizer.it;

import static io.github.smartauthorizer.it.HealthLakeContract.ENDPOINT;
import static io.github.smartauthorizer.it.HealthLakeContract.OTHER_ENDPOINT;
import static io.github.smartauthorizer.it.HealthLakeContract.assertAuthorized;
import static io.github.smartauthorizer.it.HealthLakeContract.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.it.keycloak.Jwts;
import io.github.smartauthorizer.it.keycloak.Keycloak;
import io.github.smartauthorizer.it.keycloak.KeycloakExtension;
import io.github.smartauthorizer.it.keycloak.SmartRealm;
import io.github.smartauthorizer.it.keycloak.TokenResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real Keycloak tokens through the authorizer as the Lambda runs it ({@link LambdaUnderTest}), for each of the four
 * ways to point it at the realm ({@link KeycloakSetup}), and through the built deployment jar's {@code invoke}.
 *
 * <p>Every authorizer is built afresh per test from {@code AUTHORIZER_*} variables only, like a Lambda init; every
 * response is checked against the HealthLake contract ({@link HealthLakeContract}) and every log line for the token.
 */
@ExtendWith(KeycloakExtension.class)
class KeycloakProvidersIT {

  @TempDir Path dir;

  /**
   * Keycloak's first introspection, token and certs requests are slow (class loading), and this class may be the first
   * to use a Keycloak just (re)started: make them now, with the test's own client and its 30 s timeout, so that every
   * decision of the tests is made once, with no warm-up retry ({@link LambdaUnderTest#invoke}).
   */
  @BeforeAll
  static void warmUpKeycloak(Keycloak keycloak) {
    keycloak.introspect(keycloak.clientCredentials(SmartRealm.BACKEND_SCOPE).accessToken());
    keycloak.introspect(keycloak.userToken().accessToken());
  }

  // ---- authorized ----

  @ParameterizedTest
  @EnumSource(KeycloakSetup.class)
  void clientCredentialsTokenIsAuthorizedWithTheContractPayload(KeycloakSetup setup, Keycloak keycloak) {
    LambdaUnderTest lambda = LambdaUnderTest.init(setup.environment(keycloak));
    TokenResponse token = keycloak.clientCredentials(SmartRealm.BACKEND_SCOPE);

    LambdaUnderTest.Invocation invocation = lambda.invoke(ENDPOINT, token.accessToken());

    assertAuthorized(invocation, keycloak.issuer(), ENDPOINT, token.claims());
    assertEquals(SmartRealm.BACKEND_SCOPE, invocation.payload().get("scope"));
    assertFalse(invocation.payload().containsKey("fhirUser"), "a backend service acts for no user");
    assertFalse(invocation.payload().containsKey("patient"));
  }

  @ParameterizedTest
  @EnumSource(KeycloakSetup.class)
  void userTokenWithFhirUserAndPatientScopesPassesThemOn(KeycloakSetup setup, Keycloak keycloak) {
    LambdaUnderTest lambda = LambdaUnderTest.init(setup.environment(keycloak));
    TokenResponse token = keycloak.userToken();

    LambdaUnderTest.Invocation invocation = lambda.invoke(ENDPOINT, token.accessToken());

    assertAuthorized(invocation, keycloak.issuer(), ENDPOINT, token.claims());
    Map<String, Object> payload = invocation.payload();
    assertEquals(SmartRealm.USER_FHIR_USER, payload.get("fhirUser"));
    assertEquals(SmartRealm.USER_PATIENT, payload.get("patient"));
    String scope = (String) payload.get("scope");
    assertEquals(token.claims().get("scope"), scope, "Keycloak's scope string, byte for byte");
    for (String granted : List.of("openid", "fhirUser", "launch/patient", "patient/*.read", "user/Observation.rs")) {
      assertTrue(List.of(scope.split(" ")).contains(granted), granted + " in " + scope);
    }
  }

  // ---- denied ----

  /**
   * A token of this realm for another data store. The {@code introspection} provider has no default audience, so
   * the authorizer of that other data store names it in {@code AUTHORIZER_AUDIENCE}; the others check the event's
   * endpoint.
   */
  @ParameterizedTest
  @EnumSource(KeycloakSetup.class)
  void tokenForAnotherDataStoreIsDeniedInvalidAudience(KeycloakSetup setup, Keycloak keycloak) {
    LambdaUnderTest lambda = LambdaUnderTest.init(setup == KeycloakSetup.INTROSPECTION
        ? setup.environment(keycloak, "AUTHORIZER_AUDIENCE", OTHER_ENDPOINT) : setup.environment(keycloak));
    TokenResponse token = keycloak.clientCredentials(SmartRealm.BACKEND_SCOPE);

    assertDenied(lambda.invoke(OTHER_ENDPOINT, token.accessToken()), ReasonCode.INVALID_AUDIENCE, OTHER_ENDPOINT,
        true);
    if (setup != KeycloakSetup.INTROSPECTION) {
      assertAuthorized(lambda.invoke(ENDPOINT, token.accessToken()), keycloak.issuer(), ENDPOINT, token.claims());
    }
  }

  /**
   * The ID token of the same login ({@code typ: ID}, {@code aud: smart-app}, signed by the same key). Keycloak's
   * introspection answers {@code active: true} for it, with the data store endpoint added to {@code aud} by the
   * access-token audience mappers: the {@code keycloak} provider refuses it by its {@code typ} in both modes; the
   * {@code jwks} provider by its audience; the {@code introspection} provider by the answer's {@code token_type}
   * ({@code ID}), which it requires to be a bearer access token's.
   */
  @ParameterizedTest
  @EnumSource(KeycloakSetup.class)
  void idTokenIsDenied(KeycloakSetup setup, Keycloak keycloak) {
    LambdaUnderTest lambda = LambdaUnderTest.init(setup.environment(keycloak));
    TokenResponse login = keycloak.userToken();
    String idToken = assertInstanceOf(String.class, login.json().get("id_token"), "scope openid gives an ID token");
    assertEquals("ID", Jwts.payload(idToken).get("typ"));

    ReasonCode expected = switch (setup) {
      case KEYCLOAK_JWKS, KEYCLOAK_INTROSPECTION, INTROSPECTION -> ReasonCode.INVALID_TOKEN_TYPE;
      case JWKS -> ReasonCode.INVALID_AUDIENCE;
    };
    assertDenied(lambda.invoke(ENDPOINT, idToken), expected, ENDPOINT, true);
  }

  /**
   * The refresh token of the same login: Keycloak signs it {@code HS512} with the realm's secret key, so verifying
   * locally stops at the algorithm; by introspection it is {@code active: true}, {@code typ: Refresh}.
   */
  @ParameterizedTest
  @EnumSource(value = KeycloakSetup.class, names = "INTROSPECTION", mode = EnumSource.Mode.EXCLUDE)
  void refreshTokenIsDenied(KeycloakSetup setup, Keycloak keycloak) {
    LambdaUnderTest lambda = LambdaUnderTest.init(setup.environment(keycloak));
    String refreshToken = refreshToken(keycloak);

    switch (setup) {
      case KEYCLOAK_JWKS, JWKS -> assertDenied(lambda.invoke(ENDPOINT, refreshToken), ReasonCode.ALG_NOT_ALLOWED,
          ENDPOINT, false);
      case KEYCLOAK_INTROSPECTION -> assertDenied(lambda.invoke(ENDPOINT, refreshToken),
          ReasonCode.INVALID_TOKEN_TYPE, ENDPOINT, true);
      default -> throw new AssertionError(setup);
    }
  }

  /**
   * Keycloak answers {@code active: true} for a refresh token (with {@code token_type: Refresh}, {@code typ: Refresh},
   * the scopes and the data store in {@code aud}); the generic {@code introspection} provider refuses any answer whose
   * {@code token_type} is not a bearer access token's. (Found by this test, which first failed.)
   */
  @Test
  void refreshTokenIsDeniedByTheIntrospectionProvider(Keycloak keycloak) {
    LambdaUnderTest lambda = LambdaUnderTest.init(KeycloakSetup.INTROSPECTION.environment(keycloak));

    assertDenied(lambda.invoke(ENDPOINT, refreshToken(keycloak)), ReasonCode.INVALID_TOKEN_TYPE, ENDPOINT, true);
  }

  /**
   * A token of realm {@code other}: same data store in {@code aud}, same scope, another issuer and other keys.
   * Verifying locally, the signature comes before any claim, and realm smart's keys have no such {@code kid}
   * ({@code UNKNOWN_KID}, after at most one refetch); realm smart's introspection answers {@code active: false}.
   */
  @ParameterizedTest
  @EnumSource(KeycloakSetup.class)
  void tokenOfAnotherRealmIsDenied(KeycloakSetup setup, Keycloak keycloak) {
    LambdaUnderTest lambda = LambdaUnderTest.init(setup.environment(keycloak));
    TokenResponse token = keycloak.clientCredentials(SmartRealm.OTHER_REALM, SmartRealm.OTHER_CLIENT,
        SmartRealm.OTHER_SECRET, SmartRealm.BACKEND_SCOPE);
    assertEquals(keycloak.issuer(SmartRealm.OTHER_REALM), token.claims().get("iss"));

    ReasonCode expected = setup.introspects() ? ReasonCode.INACTIVE_TOKEN : ReasonCode.UNKNOWN_KID;
    assertDenied(lambda.invoke(ENDPOINT, token.accessToken()), expected, ENDPOINT, false);
  }

  // ---- the deployment jar ----

  /**
   * The built jar's {@code invoke} in a fresh JVM, configured by environment variables only, with the {@code keycloak}
   * provider in {@code jwks} mode: one response line per event on standard output, the decisions on standard error.
   */
  @Test
  void deploymentJarInvokeDecidesKeycloakTokens(Keycloak keycloak) throws Exception {
    TokenResponse backend = keycloak.clientCredentials(SmartRealm.BACKEND_SCOPE);
    TokenResponse login = keycloak.userToken();
    TokenResponse otherRealm = keycloak.clientCredentials(SmartRealm.OTHER_REALM, SmartRealm.OTHER_CLIENT,
        SmartRealm.OTHER_SECRET, SmartRealm.BACKEND_SCOPE);
    String idToken = (String) login.json().get("id_token");
    String refreshToken = (String) login.json().get("refresh_token");
    List<String> events = List.of(
        HealthLakeContract.event(ENDPOINT, backend.accessToken()),
        HealthLakeContract.event(ENDPOINT, login.accessToken()),
        HealthLakeContract.event(OTHER_ENDPOINT, backend.accessToken()),
        HealthLakeContract.event(ENDPOINT, idToken),
        HealthLakeContract.event(ENDPOINT, refreshToken),
        HealthLakeContract.event(ENDPOINT, otherRealm.accessToken()));
    Map<String, String> env = KeycloakSetup.KEYCLOAK_JWKS.environment(keycloak, "AUTHORIZER_METRICS", null);

    List<LambdaUnderTest.Invocation> answers = runJar(env, events);

    assertAuthorized(answers.get(0), keycloak.issuer(), ENDPOINT, backend.claims());
    assertAuthorized(answers.get(1), keycloak.issuer(), ENDPOINT, login.claims());
    assertEquals(SmartRealm.USER_FHIR_USER, answers.get(1).payload().get("fhirUser"));
    assertDenied(answers.get(2), ReasonCode.INVALID_AUDIENCE, OTHER_ENDPOINT, true);
    assertDenied(answers.get(3), ReasonCode.INVALID_TOKEN_TYPE, ENDPOINT, true);
    assertDenied(answers.get(4), ReasonCode.ALG_NOT_ALLOWED, ENDPOINT, false);
    assertDenied(answers.get(5), ReasonCode.UNKNOWN_KID, ENDPOINT, false);
  }

  /** The same jar in {@code introspection} mode, with the local-use credentials variables. */
  @Test
  void deploymentJarInvokeInIntrospectionModeAsksKeycloak(Keycloak keycloak) throws Exception {
    TokenResponse login = keycloak.userToken();
    Map<String, String> env = KeycloakSetup.KEYCLOAK_INTROSPECTION.environment(keycloak,
        "AUTHORIZER_METRICS", null,
        "AUTHORIZER_CLIENT_SECRET_ID", null,
        "AUTHORIZER_CLIENT_ID", SmartRealm.AUTHORIZER_CLIENT,
        "AUTHORIZER_CLIENT_SECRET", SmartRealm.AUTHORIZER_SECRET);

    List<LambdaUnderTest.Invocation> answers = runJar(env, List.of(
        HealthLakeContract.event(ENDPOINT, login.accessToken()),
        HealthLakeContract.event(ENDPOINT, (String) login.json().get("refresh_token"))));

    assertAuthorized(answers.get(0), keycloak.issuer(), ENDPOINT, login.claims());
    assertDenied(answers.get(1), ReasonCode.INVALID_TOKEN_TYPE, ENDPOINT, true);
  }

  /**
   * Runs {@code invoke --events} and pairs each response line with its event's decision log line
   * ({@link DecisionLog#ofEvents}); checks the exit code (1: some event was denied) and that neither a token nor the
   * client secret reached the output.
   */
  private List<LambdaUnderTest.Invocation> runJar(Map<String, String> env, List<String> events) throws Exception {
    DeploymentJar.Result result = DeploymentJar.invokeEvents(dir, env, events);

    assertEquals(1, result.exit(), result.stderr());
    List<String> responses = result.stdout().strip().lines().toList();
    List<Map<String, Object>> decisions = DecisionLog.ofEvents(result.stderr(), events);
    assertEquals(events.size(), responses.size(), result.stdout());
    for (String event : events) {
      String token = Jwts.json(event).get("bearerToken").toString();
      assertFalse(result.stdout().contains(token) || result.stderr().contains(token), "a token was printed");
    }
    assertFalse(result.stderr().contains(SmartRealm.AUTHORIZER_SECRET), "the client secret was printed");
    List<LambdaUnderTest.Invocation> answers = new ArrayList<>();
    for (int i = 0; i < responses.size(); i++) {
      answers.add(new LambdaUnderTest.Invocation(responses.get(i), Jwts.json(responses.get(i)), decisions.get(i),
          Map.of(), Duration.ZERO));
    }
    return answers;
  }

  private static String refreshToken(Keycloak keycloak) {
    String refreshToken = (String) keycloak.userToken().json().get("refresh_token");
    assertEquals("Refresh", Jwts.payload(refreshToken).get("typ"));
    assertNotEquals("RS256", Jwts.header(refreshToken).get("alg"));
    return refreshToken;
  }
}
