package io.github.smartauthorizer.providers.keycloak;

import static io.github.smartauthorizer.providers.keycloak.KeycloakTokens.BACKEND;
import static io.github.smartauthorizer.providers.keycloak.KeycloakTokens.KID;
import static io.github.smartauthorizer.providers.keycloak.KeycloakTokens.REALM;
import static io.github.smartauthorizer.providers.keycloak.KeycloakTokens.SMART_APP;
import static io.github.smartauthorizer.providers.keycloak.KeycloakTokens.USER_SCOPE;
import static io.github.smartauthorizer.providers.keycloak.KeycloakTokens.introspectionAnswer;
import static io.github.smartauthorizer.providers.shared.TestSecrets.credentialsJson;
import static io.github.smartauthorizer.providers.shared.ValidationResults.accepted;
import static io.github.smartauthorizer.providers.shared.ValidationResults.reason;
import static io.github.smartauthorizer.providers.shared.ValidationResults.rejection;
import static io.github.smartauthorizer.providers.shared.ValidationResults.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.Rejection;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.providers.keycloak.LoopbackKeycloak.Introspection;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestProviderContext;
import io.github.smartauthorizer.providers.shared.TestSecrets;
import io.github.smartauthorizer.providers.shared.TestTokens;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Provider {@code keycloak} with {@code AUTHORIZER_KEYCLOAK_MODE=introspection}: Keycloak-shaped introspection answers
 * (providers.md §3.1) from the realm's introspection endpoint on loopback, which checks the backend client's
 * {@code client_secret_basic} credentials.
 */
class KeycloakIntrospectionModeTest {
  private static final String SECRET_ID = "smart-authorizer/keycloak";
  private static final String BACKEND_SECRET = "backend-secret-change-me";

  private final TestClock clock = new TestClock();
  private TestSecrets secrets;
  private LoopbackKeycloak keycloak;
  private KeycloakTokens tokens;

  @BeforeAll
  static void warmUp() {
    LoopbackKeycloak.warmUpHttpClient();
  }

  @BeforeEach
  void start() {
    secrets = TestSecrets.of(SECRET_ID, credentialsJson(BACKEND, BACKEND_SECRET));
    keycloak = LoopbackKeycloak.start(REALM).requireCredentials(BACKEND, BACKEND_SECRET);
    tokens = new KeycloakTokens(clock, keycloak.issuer(), TestTokens.rs256(KID));
  }

  @AfterEach
  void stop() {
    keycloak.close();
  }

  private TokenValidator validator(String... extra) {
    Map<String, String> variables = TestProviderContext.variables(Map.of(
        "AUTHORIZER_KEYCLOAK_URL", keycloak.baseUrl(),
        "AUTHORIZER_KEYCLOAK_REALM", REALM,
        "AUTHORIZER_KEYCLOAK_MODE", "introspection",
        "AUTHORIZER_CLIENT_SECRET_ID", SECRET_ID), extra);
    return new KeycloakProvider().createValidator(TestProviderContext.of(variables, secrets, clock));
  }

  /** Keycloak answers for this token with these claims (the token itself is only an opaque string here). */
  private String answering(Map<String, Object> answer) {
    String token = tokens.sign(tokens.userAccessToken());
    keycloak.answerIntrospection(t -> t.equals(token) ? TestKeys.json(answer) : "{\"active\":false}");
    return token;
  }

  @Test
  void acceptsAnActiveAnswerShapedLikeKeycloaks() {
    String token = answering(introspectionAnswer(tokens.userAccessTokenWithRoles(), "patient1"));

    VerifiedToken verified = accepted(validate(validator(), token));

    assertEquals(keycloak.issuer(), verified.issuer());
    assertEquals(USER_SCOPE, verified.scope());
    assertEquals(BACKEND + ":fhir-reader", verified.groups().stream().filter(g -> g.contains(":")).findFirst()
        .orElseThrow(), "client roles are exposed as in jwks mode");
    assertTrue(verified.groups().contains("clinician"), "realm roles are exposed as in jwks mode");
    assertEquals("Patient/example-patient-1", verified.stringClaim("fhirUser").orElseThrow());
    assertEquals(clock.epochSecond(), verified.times().notBeforeOrIssuedAt(), "no nbf in the answer: iat");
  }

  @Test
  void theClientIsAzpAndTheGroupsAreTheRolesAsInJwksMode() {
    Map<String, Object> answer = introspectionAnswer(tokens.userAccessTokenWithRoles(), "patient1");
    answer.put("client_id", BACKEND);
    answer.put("groups", List.of("clinician-admin"));
    answer.put("roles", List.of("clinician-admin"));

    VerifiedToken verified = accepted(validate(validator(), answering(answer)));

    assertEquals(SMART_APP, verified.clientId().orElseThrow(), "azp, not the answer's client_id");
    assertFalse(verified.groups().contains("clinician-admin"), "top-level groups and roles are not Keycloak roles");
    assertTrue(verified.groups().contains("clinician"));
  }

  @Test
  void callsTheRealmsIntrospectionEndpointWithTheBackendCredentials() {
    String token = answering(introspectionAnswer(tokens.userAccessToken(), "patient1"));

    accepted(validate(validator(), token));

    Introspection call = keycloak.introspections().get(0);
    assertEquals(keycloak.introspectionUri().getPath(), call.path());
    assertEquals(BACKEND + ":" + BACKEND_SECRET, call.basicCredentials());
    assertEquals(token, call.form().get("token"));
  }

  @Test
  void usesTheConfiguredIntrospectionUrl() {
    try (LoopbackKeycloak other = LoopbackKeycloak.start("elsewhere")) {
      Map<String, Object> answer = introspectionAnswer(tokens.userAccessToken(), "patient1");
      String token = tokens.sign(tokens.userAccessToken());
      other.answerIntrospection(t -> TestKeys.json(answer));

      accepted(validate(validator("AUTHORIZER_INTROSPECTION_URL", other.introspectionUri().toString()), token));

      assertEquals(1, other.introspections().size());
      assertEquals(0, keycloak.introspections().size());
    }
  }

  @Test
  void refusesAnInactiveTokenWithTheAudienceHint() {
    String token = tokens.sign(tokens.userAccessToken());
    keycloak.answerIntrospection(t -> "{\"active\":false}");

    Rejection rejection = rejection(validate(validator(), token));

    assertEquals(ReasonCode.INACTIVE_TOKEN, rejection.reason());
    assertTrue(rejection.detail().contains("not in the token's aud"), rejection.detail());
    assertTrue(rejection.detail().contains("26.4.12"), rejection.detail());
    assertFalse(rejection.detail().contains(BACKEND_SECRET), "no secret in the detail");
  }

  @Test
  void givesNoAudienceHintWhenKeycloakIsUnavailable() {
    String token = tokens.sign(tokens.userAccessToken());
    keycloak.failIntrospection(503);

    Rejection rejection = rejection(validate(validator(), token));

    assertEquals(ReasonCode.IDP_UNAVAILABLE, rejection.reason());
    assertFalse(rejection.detail().contains("aud"), rejection.detail());
  }

  @Test
  void refusesAnAnswerForAnIdToken() {
    String token = answering(introspectionAnswer(tokens.idToken(), "patient1"));

    assertEquals(ReasonCode.INVALID_TOKEN_TYPE, reason(validate(validator(), token)));
  }

  @Test
  void refusesAnAnswerForARefreshToken() {
    String token = answering(introspectionAnswer(tokens.refreshToken("Refresh"), "patient1"));

    assertEquals(ReasonCode.INVALID_TOKEN_TYPE, reason(validate(validator(), token)));
  }

  @Test
  void requiresTheDataStoreEndpointInTheAnswersAudienceAsInJwksMode() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.put("aud", BACKEND);
    String token = answering(introspectionAnswer(claims, "patient1"));

    assertEquals(ReasonCode.INVALID_AUDIENCE, reason(validate(validator(), token)));
    accepted(validate(validator("AUTHORIZER_AUDIENCE", BACKEND), token));
  }

  @Test
  void refusesAnAnswerWithoutAudience() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.remove("aud");
    String token = answering(introspectionAnswer(claims, "patient1"));

    assertEquals(ReasonCode.INVALID_AUDIENCE, reason(validate(validator(), token)));
  }

  @Test
  void checksTheAzpAllowList() {
    String token = answering(introspectionAnswer(tokens.userAccessToken(), "patient1"));

    accepted(validate(validator("AUTHORIZER_CLIENT_IDS", SMART_APP), token));
    assertEquals(ReasonCode.INVALID_CLIENT, reason(validate(validator("AUTHORIZER_CLIENT_IDS", "other-app"), token)));
  }

  @Test
  void refusesAnAnswerOfAnotherRealm() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.put("iss", keycloak.baseUrl() + "/realms/master");
    String token = answering(introspectionAnswer(claims, "patient1"));

    assertEquals(ReasonCode.INVALID_ISSUER, reason(validate(validator(), token)));
  }

  @Test
  void servesARepeatedTokenFromTheResultCache() {
    String token = answering(introspectionAnswer(tokens.userAccessToken(), "patient1"));
    TokenValidator validator = validator();

    accepted(validate(validator, token));
    accepted(validate(validator, token));

    assertEquals(List.of(token), keycloak.introspections().stream().map(i -> i.form().get("token")).toList());
  }
}
