package io.github.smartauthorizer.providers.cognito;

import static io.github.smartauthorizer.providers.cognito.CognitoTokens.APP_CLIENT;
import static io.github.smartauthorizer.providers.cognito.CognitoTokens.ISSUER;
import static io.github.smartauthorizer.providers.cognito.CognitoTokens.M2M_CLIENT;
import static io.github.smartauthorizer.providers.cognito.CognitoTokens.POOL_ID;
import static io.github.smartauthorizer.providers.cognito.CognitoTokens.USER_SCOPE;
import static io.github.smartauthorizer.providers.cognito.CognitoTokens.USER_SUB;
import static io.github.smartauthorizer.providers.shared.ValidationResults.accepted;
import static io.github.smartauthorizer.providers.shared.ValidationResults.reason;
import static io.github.smartauthorizer.providers.shared.ValidationResults.rejection;
import static io.github.smartauthorizer.providers.shared.ValidationResults.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.Rejection;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestIssuer;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestProviderContext;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Provider {@code cognito}: user-pool tokens shaped like Cognito's (providers.md §4.2) with the issuer derived from
 * the pool id, verified against the pool's two-key JWKS served on loopback ({@code AUTHORIZER_JWKS_URI} stands in for
 * the {@code cognito-idp} host).
 */
class CognitoProviderTest {
  private static KeyPair accessKey;
  private static KeyPair idKey;

  private final TestClock clock = new TestClock();
  private LoopbackCognito cognito;
  private CognitoTokens tokens;

  @BeforeAll
  static void keys() {
    accessKey = TestKeys.rsa();
    idKey = TestKeys.rsa();
  }

  @BeforeEach
  void start() {
    cognito = LoopbackCognito.start(POOL_ID).serveJwks(CognitoTokens.jwks(accessKey, idKey));
    tokens = new CognitoTokens(clock, ISSUER, accessKey, idKey);
  }

  @AfterEach
  void stop() {
    cognito.close();
  }

  private Map<String, String> variables(String... extra) {
    return TestProviderContext.variables(Map.of(
        "AUTHORIZER_COGNITO_USER_POOL_ID", POOL_ID,
        "AUTHORIZER_COGNITO_CLIENT_IDS", APP_CLIENT + "," + M2M_CLIENT,
        "AUTHORIZER_JWKS_URI", cognito.jwksUri().toString()), extra);
  }

  private TokenValidator validator(String... extra) {
    return new CognitoProvider().createValidator(TestProviderContext.of(variables(extra), clock));
  }

  @Test
  void acceptsAUserAccessTokenShapedLikeCognitos() {
    VerifiedToken verified = accepted(validate(validator(), tokens.signAccess(tokens.userAccessToken())));

    assertEquals(ISSUER, verified.issuer(), "the issuer derived from the pool id");
    assertEquals(USER_SUB, verified.subject());
    assertEquals(USER_SCOPE, verified.scope(), "without a prefix setting the scope is kept as issued");
    assertEquals(APP_CLIENT, verified.clientId().orElseThrow());
    assertEquals(List.of(), verified.audiences(), "Cognito access tokens carry no aud");
    assertEquals("Patient/example-patient-1", verified.stringClaim("fhirUser").orElseThrow());
    assertEquals("example-patient-1", verified.stringClaim("patient").orElseThrow());
    assertNull(verified.times().notBefore(), "Cognito sets no nbf");
    assertEquals(clock.epochSecond(), verified.times().notBeforeOrIssuedAt());
  }

  @Test
  void thePoolsJwksSuppliedUpFrontNeedsNoRequestToTheJwksEndpoint() {
    TokenValidator validator = validator("AUTHORIZER_JWKS",
        new String(CognitoTokens.jwks(accessKey, idKey), StandardCharsets.UTF_8));

    accepted(validate(validator, tokens.signAccess(tokens.userAccessToken())));

    assertEquals(0, cognito.jwksRequests(), "nothing fetched at init nor for the first decision");
  }

  @Test
  void exposesCognitoGroupsAsGroups() {
    VerifiedToken verified = accepted(validate(validator(), tokens.signAccess(tokens.userAccessToken())));

    assertEquals(List.of("clinicians", "fhir-readers"), List.copyOf(verified.groups()));
  }

  @Test
  void groupsComeFromCognitoGroupsOnly() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.put("groups", List.of("clinician-admin"));
    claims.put("roles", List.of("clinician-admin"));

    assertEquals(List.of("clinicians", "fhir-readers"),
        List.copyOf(accepted(validate(validator(), tokens.signAccess(claims))).groups()),
        "a groups or roles claim can come from a pre token generation trigger; cognito:groups is the pool's");
  }

  @Test
  void theClientIsClientIdWhateverAzpOrCidSay() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.put("azp", M2M_CLIENT);
    claims.put("cid", M2M_CLIENT);

    assertEquals(APP_CLIENT, accepted(validate(validator(), tokens.signAccess(claims))).clientId().orElseThrow());
  }

  @Test
  void acceptsAnAccessTokenWithoutGroups() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.remove("cognito:groups");

    assertEquals(Set.of(), accepted(validate(validator(), tokens.signAccess(claims))).groups());
  }

  @Test
  void acceptsAMachineToMachineToken() {
    VerifiedToken verified = accepted(validate(validator("AUTHORIZER_COGNITO_SCOPE_PREFIX", "https://fhir.example.com"),
        tokens.signAccess(tokens.m2mAccessToken())));

    assertEquals("system/*.read", verified.scope());
    assertEquals(M2M_CLIENT, verified.clientId().orElseThrow());
  }

  @Test
  void refusesAnIdTokenAsTheWrongTokenType() {
    String idToken = tokens.signId(tokens.idToken());

    Rejection rejection = rejection(validate(validator(), idToken));

    assertEquals(ReasonCode.INVALID_TOKEN_TYPE, rejection.reason());
    assertEquals(clock.epochSecond() + 3600, rejection.times().expiresAt(), "the signature verified (ID-token key)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"id", "refresh", "Access", "ACCESS", ""})
  void refusesEveryTokenUseButAccess(String tokenUse) {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.put("token_use", tokenUse);

    assertEquals(ReasonCode.INVALID_TOKEN_TYPE, reason(validate(validator(), tokens.signAccess(claims))));
  }

  @Test
  void refusesATokenWithoutTokenUse() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.remove("token_use");

    assertEquals(ReasonCode.INVALID_TOKEN_TYPE, reason(validate(validator(), tokens.signAccess(claims))));
  }

  @Test
  void refusesAnAccessTokenOfAnotherAppClient() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.put("client_id", "1example23456789abcdefghij");

    Rejection rejection = rejection(validate(validator(), tokens.signAccess(claims)));

    assertEquals(ReasonCode.INVALID_CLIENT, rejection.reason());
    assertFalse(rejection.detail().contains("1example"), "the detail never echoes a claim value");
  }

  @Test
  void refusesAnAccessTokenWithoutClientId() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.remove("client_id");

    assertEquals(ReasonCode.INVALID_CLIENT, reason(validate(validator(), tokens.signAccess(claims))));
  }

  @Test
  void doesNotTakeAnAudienceForTheClient() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.remove("client_id");
    claims.put("aud", APP_CLIENT);

    assertEquals(ReasonCode.INVALID_CLIENT, reason(validate(validator(), tokens.signAccess(claims))),
        "an aud naming an allowed client is no substitute for client_id");
  }

  @Test
  void ignoresAnAudienceAnAccessTokenHappensToCarry() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.put("aud", "https://unrelated.example.com");

    accepted(validate(validator(), tokens.signAccess(claims)));
  }

  @Test
  void acceptsOnlyTheConfiguredClients() {
    TokenValidator onlyM2m = validator("AUTHORIZER_COGNITO_CLIENT_IDS", M2M_CLIENT);

    accepted(validate(onlyM2m, tokens.signAccess(tokens.m2mAccessToken())));
    assertEquals(ReasonCode.INVALID_CLIENT, reason(validate(onlyM2m, tokens.signAccess(tokens.userAccessToken()))));
  }

  @Test
  void stripsTheResourceServerPrefixAndDropsOtherResourceServersScopes() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.put("scope", "openid https://fhir.example.com/launch/patient https://fhir.example.com/patient/*.read "
        + "https://other.example.com/patient/*.write patient/Observation.rs aws.cognito.signin.user.admin");

    VerifiedToken verified = accepted(validate(validator("AUTHORIZER_COGNITO_SCOPE_PREFIX", "https://fhir.example.com/"),
        tokens.signAccess(claims)));

    assertEquals("openid launch/patient patient/*.read aws.cognito.signin.user.admin", verified.scope());
    assertEquals(claims.get("scope"), verified.claims().get("scope"), "the verified claim itself is kept as issued");
  }

  @Test
  void treatsThePrefixWithAndWithoutTrailingSlashAlike() {
    String token = tokens.signAccess(tokens.userAccessToken());

    assertEquals("openid launch/patient patient/*.read fhirUser", accepted(validate(
        validator("AUTHORIZER_COGNITO_SCOPE_PREFIX", "https://fhir.example.com"), token)).scope());
    assertEquals("openid launch/patient patient/*.read fhirUser", accepted(validate(
        validator("AUTHORIZER_COGNITO_SCOPE_PREFIX", "https://fhir.example.com/"), token)).scope());
  }

  @Test
  void keepsScopesOfContextNamedResourceServersWithoutAPrefixSetting() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.put("scope", "launch/patient patient/*.read system/*.*");

    assertEquals("launch/patient patient/*.read system/*.*",
        accepted(validate(validator(), tokens.signAccess(claims))).scope());
  }

  @Test
  void refusesATokenOfAnotherUserPool() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.put("iss", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other9876");

    assertEquals(ReasonCode.INVALID_ISSUER, reason(validate(validator(), tokens.signAccess(claims))));
  }

  @Test
  void refusesAnExpiredToken() {
    String token = tokens.signAccess(tokens.userAccessToken());
    clock.advance(Duration.ofSeconds(3600 + 61));

    assertEquals(ReasonCode.EXPIRED, reason(validate(validator(), token)));
  }

  @Test
  void refusesAnAccessTokenSignedWithTheIdTokenKeyUnderTheAccessKid() {
    String forged = new CognitoTokens(clock, ISSUER, idKey, idKey).signAccess(tokens.userAccessToken());

    assertEquals(ReasonCode.BAD_SIGNATURE, reason(validate(validator(), forged)));
  }

  @Test
  void fetchesTheJwksFromIssuerWellKnownWhenTheIssuerIsConfigured() {
    CognitoTokens local = new CognitoTokens(clock, cognito.issuer(), accessKey, idKey);
    TokenValidator validator = validator("AUTHORIZER_JWKS_URI", null, "AUTHORIZER_ISSUER", cognito.issuer());

    accepted(validate(validator, local.signAccess(local.userAccessToken())));

    assertEquals(1, cognito.jwksRequests(), "prefetched at init from " + cognito.jwksUri());
  }

  @Test
  void letsTheIssuerReplaceThePoolId() {
    CognitoTokens local = new CognitoTokens(clock, cognito.issuer(), accessKey, idKey);
    TokenValidator validator = validator("AUTHORIZER_COGNITO_USER_POOL_ID", null, "AUTHORIZER_JWKS_URI", null,
        "AUTHORIZER_ISSUER", cognito.issuer());

    accepted(validate(validator, local.signAccess(local.userAccessToken())));
    assertEquals(ReasonCode.INVALID_ISSUER, reason(validate(validator, tokens.signAccess(tokens.userAccessToken()))));
  }

  @Test
  void decidesTokensIssuedByARealOAuthServerWithCognitosClaims() {
    try (TestIssuer mock = TestIssuer.startRs256(clock, accessKey, CognitoTokens.ACCESS_KID)) {
      TokenValidator validator = validator("AUTHORIZER_COGNITO_USER_POOL_ID", null,
          "AUTHORIZER_ISSUER", mock.issuer(), "AUTHORIZER_JWKS_URI", mock.jwksUri().toString(),
          "AUTHORIZER_COGNITO_SCOPE_PREFIX", "https://fhir.example.com/");
      Map<String, Object> claims = new LinkedHashMap<>();
      claims.put("token_use", "access");
      claims.put("client_id", APP_CLIENT);
      claims.put("scope", USER_SCOPE);
      claims.put("cognito:groups", List.of("clinicians"));

      VerifiedToken verified = accepted(validate(validator,
          mock.issue(USER_SUB, "JWT", List.of(), claims, 3600)));

      assertEquals("openid launch/patient patient/*.read fhirUser", verified.scope());
      assertEquals(Set.of("clinicians"), verified.groups());
      assertEquals(APP_CLIENT, verified.clientId().orElseThrow());

      claims.put("token_use", "id");
      assertEquals(ReasonCode.INVALID_TOKEN_TYPE,
          reason(validate(validator, mock.issue(USER_SUB, "JWT", List.of(APP_CLIENT), claims, 3600))));
    }
  }
}
