package io.github.smartauthorizer.providers.keycloak;

import static io.github.smartauthorizer.providers.keycloak.KeycloakTokens.BACKEND;
import static io.github.smartauthorizer.providers.keycloak.KeycloakTokens.KID;
import static io.github.smartauthorizer.providers.keycloak.KeycloakTokens.REALM;
import static io.github.smartauthorizer.providers.keycloak.KeycloakTokens.SMART_APP;
import static io.github.smartauthorizer.providers.keycloak.KeycloakTokens.USER_ID;
import static io.github.smartauthorizer.providers.keycloak.KeycloakTokens.USER_SCOPE;
import static io.github.smartauthorizer.providers.shared.TestRequests.DATASTORE_ENDPOINT;
import static io.github.smartauthorizer.providers.shared.TestRequests.request;
import static io.github.smartauthorizer.providers.shared.ValidationResults.accepted;
import static io.github.smartauthorizer.providers.shared.ValidationResults.reason;
import static io.github.smartauthorizer.providers.shared.ValidationResults.rejection;
import static io.github.smartauthorizer.providers.shared.ValidationResults.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.Rejection;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestIssuer;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestProviderContext;
import io.github.smartauthorizer.providers.shared.TestTokens;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Provider {@code keycloak} in its default {@code jwks} mode: Keycloak-shaped tokens (providers.md §3.2) signed with
 * the realm key, verified against the certs endpoint served at Keycloak's own path on loopback.
 */
class KeycloakProviderTest {
  private static KeyPair realmKey;
  private static KeyPair encryptionKey;

  private final TestClock clock = new TestClock();
  private LoopbackKeycloak keycloak;
  private KeycloakTokens tokens;

  @BeforeAll
  static void keys() {
    realmKey = TestKeys.rsa();
    encryptionKey = TestKeys.rsa();
  }

  @BeforeEach
  void start() {
    keycloak = LoopbackKeycloak.start(REALM)
        .serveJwks(KeycloakTokens.certs((RSAPublicKey) realmKey.getPublic(), (RSAPublicKey) encryptionKey.getPublic()));
    tokens = new KeycloakTokens(clock, keycloak.issuer(), TestTokens.rs256(KID, realmKey));
  }

  @AfterEach
  void stop() {
    keycloak.close();
  }

  private Map<String, String> variables(String... extra) {
    return TestProviderContext.variables(Map.of(
        "AUTHORIZER_KEYCLOAK_URL", keycloak.baseUrl(),
        "AUTHORIZER_KEYCLOAK_REALM", REALM), extra);
  }

  private TokenValidator validator(String... extra) {
    return new KeycloakProvider().createValidator(TestProviderContext.of(variables(extra), clock));
  }

  @Test
  void acceptsAUserAccessTokenShapedLikeKeycloaks() {
    String token = tokens.sign(tokens.userAccessToken());

    VerifiedToken verified = accepted(validate(validator(), token));

    assertEquals(keycloak.issuer(), verified.issuer());
    assertEquals(USER_ID, verified.subject());
    assertEquals(USER_SCOPE, verified.scope(), "Keycloak's scope string is kept byte for byte");
    assertEquals(SMART_APP, verified.clientId().orElseThrow(), "the client comes from azp");
    assertEquals("Patient/example-patient-1", verified.stringClaim("fhirUser").orElseThrow());
    assertEquals("example-patient-1", verified.stringClaim("patient").orElseThrow());
    assertNull(verified.times().notBefore(), "Keycloak sets no nbf");
    assertEquals(clock.epochSecond(), verified.times().notBeforeOrIssuedAt(), "nbf falls back to iat");
    assertTrue(verified.groups().isEmpty(), "fullScopeAllowed:false keeps role claims out");
  }

  @Test
  void acceptsAServiceAccountTokenWithTheRfc9068HeaderType() {
    String token = tokens.sign("at+jwt", tokens.serviceAccountToken());

    VerifiedToken verified = accepted(validate(validator(), token));

    assertEquals("system/*.read", verified.scope());
    assertEquals(BACKEND, verified.clientId().orElseThrow());
  }

  @Test
  void honoursTheSharedHeaderTypeRequirementForTheAtJwtOptIn() {
    TokenValidator validator = validator("AUTHORIZER_REQUIRED_TOKEN_TYPE", "at+jwt");

    accepted(validate(validator, tokens.sign("at+jwt", tokens.serviceAccountToken())));
    assertEquals(ReasonCode.INVALID_TOKEN_TYPE, reason(validate(validator, tokens.sign(tokens.userAccessToken()))));
  }

  @Test
  void refusesAnIdTokenAsTheWrongTokenTypeRatherThanTheWrongAudience() {
    String idToken = tokens.sign(tokens.idToken());

    Rejection rejection = rejection(validate(validator(), idToken));

    assertEquals(ReasonCode.INVALID_TOKEN_TYPE, rejection.reason());
    assertEquals(clock.epochSecond() + 300, rejection.times().expiresAt(), "the signature verified: times are known");
  }

  @Test
  void refusesAnIdTokenEvenWhenTheClientIsAnAcceptedAudience() {
    TokenValidator validator = validator("AUTHORIZER_AUDIENCE", SMART_APP);

    assertEquals(ReasonCode.INVALID_TOKEN_TYPE, reason(validate(validator, tokens.sign(tokens.idToken()))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Refresh", "Offline", "ID", "DPoP", "bearer", "JWT", ""})
  void refusesEveryPayloadTypeButBearer(String typ) {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.put("typ", typ);

    assertEquals(ReasonCode.INVALID_TOKEN_TYPE, reason(validate(validator(), tokens.sign(claims))));
  }

  @Test
  void refusesATokenWithoutPayloadType() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.remove("typ");

    assertEquals(ReasonCode.INVALID_TOKEN_TYPE, reason(validate(validator(), tokens.sign(claims))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Refresh", "Offline"})
  void refusesRefreshTokensSignedWithTheRealmKeyAsTheWrongTokenType(String typ) {
    assertEquals(ReasonCode.INVALID_TOKEN_TYPE, reason(validate(validator(), tokens.sign(tokens.refreshToken(typ)))));
  }

  @Test
  void refusesARealRefreshTokenAlreadyForItsHmacAlgorithm() {
    String refresh = KeycloakTokens.signHs512(tokens.refreshToken("Refresh"));

    assertEquals(ReasonCode.ALG_NOT_ALLOWED, reason(validate(validator(), refresh)));
  }

  @Test
  void requiresTheDataStoreEndpointInTheAudienceByDefault() {
    Map<String, Object> stock = tokens.userAccessToken();
    stock.put("aud", "account");
    Map<String, Object> none = tokens.userAccessToken();
    none.remove("aud");

    assertEquals(ReasonCode.INVALID_AUDIENCE, reason(validate(validator(), tokens.sign(stock))));
    assertEquals(ReasonCode.INVALID_AUDIENCE, reason(validate(validator(), tokens.sign(none))));
  }

  @Test
  void acceptsTheDataStoreEndpointWithoutItsTrailingSlash() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.put("aud", DATASTORE_ENDPOINT.substring(0, DATASTORE_ENDPOINT.length() - 1));

    accepted(validate(validator(), tokens.sign(claims)));
  }

  @Test
  void checksTheConfiguredAudienceInsteadOfTheEndpoint() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.put("aud", List.of(BACKEND));
    String token = tokens.sign(claims);

    accepted(validate(validator("AUTHORIZER_AUDIENCE", "api://fhir," + BACKEND), token));
    assertEquals(ReasonCode.INVALID_AUDIENCE,
        reason(validate(validator("AUTHORIZER_AUDIENCE", "api://fhir"), tokens.sign(tokens.userAccessToken()))));
  }

  @Test
  void acceptsAnyClientWithoutAnAllowList() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.put("azp", "some-other-app");

    assertEquals("some-other-app", accepted(validate(validator(), tokens.sign(claims))).clientId().orElseThrow());
  }

  @Test
  void acceptsOnlyAllowedClientsWhenAnAllowListIsSet() {
    TokenValidator validator = validator("AUTHORIZER_CLIENT_IDS", "other-app, " + SMART_APP);
    Map<String, Object> other = tokens.userAccessToken();
    other.put("azp", "some-other-app");
    Map<String, Object> none = tokens.userAccessToken();
    none.remove("azp");

    accepted(validate(validator, tokens.sign(tokens.userAccessToken())));
    Rejection refused = rejection(validate(validator, tokens.sign(other)));
    assertEquals(ReasonCode.INVALID_CLIENT, refused.reason());
    assertFalse(refused.detail().contains("some-other-app"), "the detail never echoes a claim value");
    assertEquals(ReasonCode.INVALID_CLIENT, reason(validate(validator, tokens.sign(none))));
  }

  @Test
  void checksTheClientWithAzpNotClientId() {
    TokenValidator validator = validator("AUTHORIZER_CLIENT_IDS", BACKEND);
    Map<String, Object> claims = tokens.serviceAccountToken();
    claims.put("azp", SMART_APP);

    assertEquals(ReasonCode.INVALID_CLIENT, reason(validate(validator, tokens.sign(claims))));
  }

  @Test
  void exposesRealmRolesAndClientRolesAsGroups() {
    VerifiedToken verified = accepted(validate(validator(), tokens.sign(tokens.userAccessTokenWithRoles())));

    assertEquals(List.of("default-roles-smart", "offline_access", "uma_authorization", "clinician",
        BACKEND + ":fhir-reader", "account:manage-account", "account:manage-account-links", "account:view-profile"),
        List.copyOf(verified.groups()));
  }

  @Test
  void theClientIsAzpWhateverClientIdCidOrAppidSay() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.put("client_id", BACKEND);
    claims.put("cid", BACKEND);
    claims.put("appid", BACKEND);

    assertEquals(Optional.of(SMART_APP), accepted(validate(validator(), tokens.sign(claims))).clientId());
  }

  @Test
  void aTokenWithoutAzpNamesNoClientEvenWithAClientIdClaim() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.remove("azp");
    claims.put("client_id", BACKEND);

    assertEquals(Optional.empty(), accepted(validate(validator(), tokens.sign(claims))).clientId());
  }

  @Test
  void topLevelGroupsAndRolesClaimsAreNotGroups() {
    Map<String, Object> claims = tokens.userAccessTokenWithRoles();
    claims.put("groups", List.of("clinician-admin", "/hospital/admins"));
    claims.put("roles", List.of("clinician-admin"));

    assertEquals(List.of("default-roles-smart", "offline_access", "uma_authorization", "clinician",
        BACKEND + ":fhir-reader", "account:manage-account", "account:manage-account-links", "account:view-profile"),
        List.copyOf(accepted(validate(validator(), tokens.sign(claims))).groups()),
        "only realm roles and client roles: a groups or roles claim comes from any mapper");
  }

  @Test
  void ignoresRoleClaimsOfTheWrongShape() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.put("realm_access", List.of("clinician"));
    claims.put("resource_access", Map.of(BACKEND, List.of("fhir-reader"), "account", Map.of("roles", "admin")));

    assertEquals(Set.of(), accepted(validate(validator(), tokens.sign(claims))).groups());
  }

  @Test
  void refusesATokenOfAnotherRealm() {
    Map<String, Object> claims = tokens.userAccessToken();
    claims.put("iss", keycloak.baseUrl() + "/realms/master");

    assertEquals(ReasonCode.INVALID_ISSUER, reason(validate(validator(), tokens.sign(claims))));
  }

  @Test
  void refusesAnExpiredToken() {
    String token = tokens.sign(tokens.userAccessToken());
    clock.advance(Duration.ofSeconds(300 + 61));

    assertEquals(ReasonCode.EXPIRED, reason(validate(validator(), token)));
  }

  @Test
  void refusesATokenSignedWithAnotherKey() {
    String forged = new KeycloakTokens(clock, keycloak.issuer(), TestTokens.rs256(KID)).sign(tokens.userAccessToken());

    assertEquals(ReasonCode.BAD_SIGNATURE, reason(validate(validator(), forged)));
  }

  @Test
  void fetchesTheCertsAtInitFromTheRealmsCertsEndpoint() {
    validator();

    assertEquals(1, keycloak.certsRequests(), "prefetched at init from " + keycloak.certsUri());
  }

  @Test
  void cachesTheCertsOnItsOwnTtlDespiteKeycloaksNoCache() {
    TokenValidator validator = validator("AUTHORIZER_JWKS_TTL_SECONDS", "60");
    for (int i = 0; i < 5; i++) {
      accepted(validate(validator, tokens.sign(tokens.userAccessToken())));
    }
    assertEquals(1, keycloak.certsRequests(), "Cache-Control: no-cache does not cause a fetch per request");

    clock.advance(Duration.ofSeconds(61));
    accepted(validate(validator, tokens.sign(tokens.userAccessToken())));

    assertEquals(2, keycloak.certsRequests(), "fetched again once the TTL has passed");
  }

  @Test
  void usesTheConfiguredJwksUriInsteadOfTheCertsEndpoint() {
    try (TestIssuer mock = TestIssuer.startRs256(clock, realmKey, KID)) {
      TokenValidator validator = validator("AUTHORIZER_JWKS_URI", mock.jwksUri().toString());

      accepted(validate(validator, tokens.sign(tokens.userAccessToken())));

      assertEquals(0, keycloak.certsRequests());
      assertEquals(1, mock.takeJwksRequests(), "the keys came from the mock issuer's JWKS");
    }
  }

  @Test
  void acceptsTheSameTokensWithTheIssuerConfiguredDirectly() {
    TokenValidator validator = validator("AUTHORIZER_KEYCLOAK_URL", null, "AUTHORIZER_KEYCLOAK_REALM", null,
        "AUTHORIZER_ISSUER", keycloak.issuer());

    accepted(validate(validator, tokens.sign(tokens.userAccessToken())));
    assertEquals(1, keycloak.certsRequests());
  }

  @Test
  void aCopyOfTheRealmsCertsSuppliedUpFrontNeedsNoRequestToTheCertsEndpoint() {
    String certs = new String(KeycloakTokens.certs((RSAPublicKey) realmKey.getPublic(),
        (RSAPublicKey) encryptionKey.getPublic()), StandardCharsets.UTF_8);
    TokenValidator validator = validator("AUTHORIZER_JWKS", certs);

    accepted(validate(validator, tokens.sign(tokens.userAccessToken())));

    assertEquals(0, keycloak.certsRequests(), "nothing fetched at init nor for the first decision");
    assertEquals("1 verification key cached after 0 fetches (supplied up front)", validator.diagnostics().state(),
        "the realm's encryption key is skipped, as in a fetched certs document");
  }

  @AfterAll
  static void forgetKeys() {
    realmKey = null;
    encryptionKey = null;
  }
}
