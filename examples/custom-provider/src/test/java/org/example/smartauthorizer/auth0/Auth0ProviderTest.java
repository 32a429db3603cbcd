package org.example.smartauthorizer.auth0;

import static org.example.smartauthorizer.auth0.TestTenant.ENDPOINT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.Rejection;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.ProviderContext;
import io.github.smartauthorizer.api.spi.SecretSource;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code auth0} provider through the api alone: found by name, deciding Auth0-shaped tokens of a loopback tenant. */
class Auth0ProviderTest {
  private TestTenant tenant;

  @BeforeEach
  void startTenant() throws Exception {
    tenant = new TestTenant();
  }

  @AfterEach
  void stopTenant() {
    tenant.close();
  }

  static ProviderContext context(Map<String, String> environment) {
    return new ProviderContext() {
      @Override
      public Configuration configuration() {
        return Configuration.of(environment);
      }

      @Override
      public SecretSource secrets() {
        return SecretSource.none();
      }

      @Override
      public Clock clock() {
        return Clock.systemUTC();
      }

      @Override
      public Duration remoteCallTimeout() {
        return Duration.ofMillis(500);
      }

      @Override
      public Duration initTimeout() {
        return Duration.ofSeconds(3);
      }

      @Override
      public System.Logger logger(String name) {
        return System.getLogger(name);
      }
    };
  }

  private TokenValidator validator(String... extra) {
    Map<String, String> environment = new HashMap<>();
    environment.put("AUTHORIZER_ISSUER", tenant.issuer());
    for (int i = 0; i + 1 < extra.length; i += 2) {
      environment.put(extra[i], extra[i + 1]);
    }
    return provider().createValidator(context(environment));
  }

  private static AuthorizerProvider provider() {
    return ServiceLoader.load(AuthorizerProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("auth0")).findFirst().orElseThrow();
  }

  private static HealthLakeRequest request(String token) {
    return HealthLakeRequest.builder().datastoreEndpoint(ENDPOINT).operationName("SearchWithGet").bearerToken(token)
        .build();
  }

  private static VerifiedToken accepted(TokenValidator validator, String token) {
    ValidationResult result = validator.validate(token, request(token));
    if (result instanceof ValidationResult.Rejected rejected) {
      throw new AssertionError("rejected: " + rejected.rejection());
    }
    return ((ValidationResult.Accepted) result).token();
  }

  private static Rejection rejected(TokenValidator validator, String token) {
    return assertInstanceOf(ValidationResult.Rejected.class, validator.validate(token, request(token))).rejection();
  }

  @Test
  void isRegisteredThroughMetaInfServicesUnderItsName() {
    assertInstanceOf(Auth0Provider.class, provider());
  }

  @Test
  void acceptsAnAuth0AccessTokenAndNormalizesItsClaims() {
    Map<String, Object> claims = tenant.claims();

    VerifiedToken token = accepted(validator(), tenant.token(claims));

    assertEquals(tenant.issuer(), token.issuer());
    assertEquals("auth0|patient-456", token.subject());
    assertEquals("openid fhirUser launch/patient patient/Observation.rs", token.scope());
    assertEquals("smart-app-client", token.clientId().orElseThrow(), "azp in the default dialect");
    assertEquals(claims.get("iat"), token.times().issuedAt());
    assertEquals(claims.get("iat"), token.times().notBeforeOrIssuedAt(), "no nbf: HealthLake gets iat");
    assertEquals("456", token.stringClaim("launch_response_patient").orElseThrow());
    assertEquals(List.of(ENDPOINT, tenant.issuer() + "userinfo"), token.audiences());
  }

  @Test
  void anIssuerWithoutTheTrailingSlashIsRefused() {
    Map<String, Object> claims = tenant.claims();
    claims.put("iss", tenant.issuer().substring(0, tenant.issuer().length() - 1));

    assertEquals(ReasonCode.INVALID_ISSUER, rejected(validator(), tenant.token(claims)).reason());
  }

  @Test
  void anIdTokenIsRefusedByItsAudience() {
    Map<String, Object> claims = tenant.claims();
    claims.put("aud", "smart-app-client");

    Rejection rejection = rejected(validator(), tenant.token(claims));

    assertEquals(ReasonCode.INVALID_AUDIENCE, rejection.reason());
    assertEquals(claims.get("exp"), rejection.times().expiresAt(), "a verified token's times are kept");
  }

  @Test
  void theApiIdentifierIsTheAudienceWhenConfigured() {
    Map<String, Object> claims = tenant.claims();
    claims.put("aud", "https://fhir.example.com/");

    TokenValidator validator = validator("AUTHORIZER_AUDIENCE", "https://fhir.example.com");

    accepted(validator, tenant.token(claims));
    assertEquals(ReasonCode.INVALID_AUDIENCE, rejected(validator, tenant.token(tenant.claims())).reason(),
        "the data store endpoint is no longer accepted");
  }

  @Test
  void timesAreChecked() {
    Map<String, Object> expired = tenant.claims();
    expired.put("exp", (Long) expired.get("iat") - 120);
    Map<String, Object> future = tenant.claims();
    future.put("iat", (Long) future.get("iat") + 600);
    Map<String, Object> noIat = tenant.claims();
    noIat.remove("iat");
    TokenValidator validator = validator();

    assertEquals(ReasonCode.EXPIRED, rejected(validator, tenant.token(expired)).reason());
    assertEquals(ReasonCode.NOT_YET_VALID, rejected(validator, tenant.token(future)).reason());
    assertEquals(ReasonCode.MISSING_CLAIM, rejected(validator, tenant.token(noIat)).reason());
  }

  @Test
  void onlyRs256WithTheTenantsKeyIsAccepted() {
    TokenValidator validator = validator();
    Map<String, Object> claims = tenant.claims();

    assertEquals(ReasonCode.ALG_NOT_ALLOWED,
        rejected(validator, tenant.token(Map.of("alg", "HS256", "kid", tenant.kid), claims, tenant.key)).reason());
    String unsigned = TestTenant.b64("{\"alg\":\"none\"}") + "." + TestTenant.b64(TestTenant.json(claims)) + ".x";
    assertEquals(ReasonCode.ALG_NOT_ALLOWED, rejected(validator, unsigned).reason());
    assertEquals(ReasonCode.BAD_SIGNATURE,
        rejected(validator, tenant.token(Map.of("alg", "RS256", "kid", tenant.kid), claims, tenant.otherKey))
            .reason());
    assertEquals(ReasonCode.UNSUPPORTED_CRIT, rejected(validator, tenant.token(
        Map.of("alg", "RS256", "kid", tenant.kid, "crit", List.of("exp")), claims, tenant.key)).reason());
  }

  @Test
  void anUnknownKidRefetchesAtMostOncePerInterval() {
    TokenValidator validator = validator();
    assertEquals(1, tenant.jwksRequests(), "keys fetched at init");
    String stranger = tenant.token(Map.of("alg", "RS256", "kid", "rotated-key"), tenant.claims(), tenant.otherKey);

    assertEquals(ReasonCode.UNKNOWN_KID, rejected(validator, stranger).reason());
    assertEquals(ReasonCode.UNKNOWN_KID, rejected(validator, stranger).reason());

    assertEquals(2, tenant.jwksRequests(), "one refetch for the unknown kid, then none within the interval");
  }

  @Test
  void aRotatedKeyIsPickedUpByTheRefetch() {
    TokenValidator validator = validator();
    tenant.publish(Map.of(tenant.kid, (RSAPublicKey) tenant.key.getPublic(),
        "next-key", (RSAPublicKey) tenant.otherKey.getPublic()));

    accepted(validator, tenant.token(Map.of("alg", "RS256", "kid", "next-key"), tenant.claims(), tenant.otherKey));
  }

  @Test
  void permissionsBecomeTheScopeOnlyWhenTheTokenHasNoneByDefault() {
    Map<String, Object> m2m = tenant.claims();
    m2m.remove("scope");
    m2m.put("permissions", List.of("system/Patient.rs", "system/Observation.rs"));
    Map<String, Object> both = tenant.claims();
    both.put("permissions", List.of("patient/Observation.rs", "patient/Condition.rs"));

    TokenValidator fallback = validator();
    assertEquals("system/Patient.rs system/Observation.rs", accepted(fallback, tenant.token(m2m)).scope());
    assertEquals("openid fhirUser launch/patient patient/Observation.rs",
        accepted(fallback, tenant.token(both)).scope());

    TokenValidator merge = validator("AUTHORIZER_AUTH0_PERMISSIONS", "merge");
    assertEquals("openid fhirUser launch/patient patient/Observation.rs patient/Condition.rs",
        accepted(merge, tenant.token(both)).scope(), "the scope byte for byte, then the missing permissions");

    TokenValidator ignore = validator("AUTHORIZER_AUTH0_PERMISSIONS", "ignore");
    assertEquals("", accepted(ignore, tenant.token(m2m)).scope());
  }

  @Test
  void theRfc9068DialectCanBeRequired() {
    Map<String, Object> claims = tenant.claims();
    claims.remove("azp");
    claims.put("client_id", "smart-app-client");
    claims.put("jti", "a1b2c3");
    TokenValidator validator = validator("AUTHORIZER_REQUIRED_TOKEN_TYPE", "at+jwt");

    VerifiedToken token = accepted(validator,
        tenant.token(Map.of("alg", "RS256", "typ", "at+jwt", "kid", tenant.kid), claims, tenant.key));

    assertEquals("smart-app-client", token.clientId().orElseThrow());
    assertEquals(ReasonCode.INVALID_TOKEN_TYPE, rejected(validator, tenant.token(claims)).reason());
  }

  @Test
  void theClientAllowListIsEnforced() {
    TokenValidator validator = validator("AUTHORIZER_CLIENT_IDS", "other-client, another");

    assertEquals(ReasonCode.INVALID_CLIENT, rejected(validator, tenant.token(tenant.claims())).reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "a.b", "a.b.c.d", "e30.e30.", "e30=.e30.sig", "!!!.e30.sig", "W10.e30.c2ln"})
  void garbageIsMalformedNeverAnException(String token) {
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejected(validator(), token).reason());
  }

  @Test
  void anOversizedTokenIsRefusedBeforeDecoding() {
    assertEquals(ReasonCode.TOKEN_TOO_LARGE, rejected(validator(), "a".repeat(8193)).reason());
  }

  @Test
  void anUnreachableJwksDeniesAsIdpUnavailable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    TokenValidator validator = validator("AUTHORIZER_JWKS_URI", "http://127.0.0.1:" + port + "/jwks.json");

    assertEquals(ReasonCode.IDP_UNAVAILABLE, rejected(validator, tenant.token(tenant.claims())).reason());
  }

  @Test
  void theIssuerComesFromTheDomainWithItsTrailingSlash() {
    Auth0Settings settings = Auth0Settings.from(Configuration.of(Map.of("AUTHORIZER_AUTH0_DOMAIN",
        "Example.us.auth0.com")));

    assertEquals("https://example.us.auth0.com/", settings.issuer());
    assertEquals("https://example.us.auth0.com/.well-known/jwks.json", settings.jwksUri().toString());
    assertEquals(Auth0Settings.Permissions.FALLBACK, settings.permissions());
  }

  @Test
  void configurationErrorsNameTheVariable() {
    assertEquals("AUTHORIZER_AUTH0_DOMAIN", assertThrows(ConfigurationException.class,
        () -> Auth0Settings.from(Configuration.of(Map.of()))).variable());
    assertEquals("AUTHORIZER_AUTH0_DOMAIN", assertThrows(ConfigurationException.class,
        () -> Auth0Settings.from(Configuration.of(Map.of("AUTHORIZER_AUTH0_DOMAIN", "https://x.auth0.com/"))))
        .variable());
    ConfigurationException slash = assertThrows(ConfigurationException.class, () -> Auth0Settings.from(
        Configuration.of(Map.of("AUTHORIZER_ISSUER", "https://example.us.auth0.com"))));
    assertTrue(slash.getMessage().contains("trailing slash"), slash.getMessage());
    assertEquals("AUTHORIZER_ISSUER", assertThrows(ConfigurationException.class, () -> Auth0Settings.from(
        Configuration.of(Map.of("AUTHORIZER_ISSUER", "https://a.auth0.com/", "AUTHORIZER_AUTH0_DOMAIN",
            "b.auth0.com")))).variable());
    assertEquals("AUTHORIZER_AUTH0_PERMISSIONS", assertThrows(ConfigurationException.class, () -> Auth0Settings.from(
        Configuration.of(Map.of("AUTHORIZER_AUTH0_DOMAIN", "a.auth0.com", "AUTHORIZER_AUTH0_PERMISSIONS", "all"))))
        .variable());
  }
}
