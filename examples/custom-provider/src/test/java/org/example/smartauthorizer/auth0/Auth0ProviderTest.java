package org.example.smartauthorizer.auth0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.ProviderContext;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestProviderContext;
import io.github.smartauthorizer.providers.shared.TestRequests;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code auth0} provider through the api: found by name, deciding Auth0-shaped tokens of a loopback tenant. */
class Auth0ProviderTest {
  private final TestClock clock = new TestClock();
  private final LoopbackTenant tenant = new LoopbackTenant();

  @AfterEach
  void stopTenant() {
    tenant.close();
  }

  private static AuthorizerProvider provider() {
    return ServiceLoader.load(AuthorizerProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("auth0")).findFirst().orElseThrow();
  }

  /** The tenant's issuer, then these {@code AUTHORIZER_} settings as key/value pairs. */
  private ProviderContext context(String... settings) {
    Map<String, String> variables = new HashMap<>();
    variables.put("AUTHORIZER_ISSUER", tenant.issuer());
    for (int i = 0; i + 1 < settings.length; i += 2) {
      variables.put("AUTHORIZER_" + settings[i], settings[i + 1]);
    }
    return TestProviderContext.of(variables, clock);
  }

  private TokenValidator validator(String... settings) {
    return provider().createValidator(context(settings));
  }

  private Map<String, Object> claims() {
    return tenant.claims(clock.epochSecond());
  }

  private VerifiedToken accepted(TokenValidator validator, Map<String, Object> claims) {
    String token = tenant.token(claims);
    ValidationResult result = validator.validate(token, TestRequests.request(LoopbackTenant.ENDPOINT, token));
    if (result instanceof ValidationResult.Rejected rejected) {
      throw new AssertionError("rejected: " + rejected.rejection());
    }
    return ((ValidationResult.Accepted) result).token();
  }

  private ReasonCode refused(TokenValidator validator, Map<String, Object> claims) {
    String token = tenant.token(claims);
    return assertInstanceOf(ValidationResult.Rejected.class,
        validator.validate(token, TestRequests.request(LoopbackTenant.ENDPOINT, token))).rejection().reason();
  }

  @Test
  void isRegisteredThroughMetaInfServicesUnderItsName() {
    assertInstanceOf(Auth0Provider.class, provider());
  }

  @Test
  void fetchesTheTenantsKeysAtInit() {
    validator();

    assertEquals(List.of("/.well-known/jwks.json"), tenant.server.requests());
  }

  @Test
  void anAccessTokenWithPermissionsAndNoScopeIsAcceptedWithThePermissionsAsItsScope() {
    Map<String, Object> claims = claims();
    claims.remove("scope");
    claims.put("permissions", List.of("patient/Observation.rs", "patient/Patient.rs"));

    VerifiedToken token = accepted(validator(), claims);

    assertEquals("patient/Observation.rs patient/Patient.rs", token.scope());
    assertEquals(tenant.issuer(), token.issuer());
    assertEquals("auth0|patient-456", token.subject());
    assertEquals("smart-app-client", token.clientId().orElseThrow(), "the client is azp");
    assertEquals("456", token.stringClaim("launch_response_patient").orElseThrow());
  }

  @Test
  void aScopeIsKeptByteForByteAndPermissionsAreAddedOnlyWhenMerging() {
    Map<String, Object> claims = claims();
    claims.put("permissions", List.of("patient/Observation.rs", "patient/Condition.rs"));

    assertEquals("openid fhirUser launch/patient patient/Observation.rs", accepted(validator(), claims).scope());
    assertEquals("openid fhirUser launch/patient patient/Observation.rs patient/Condition.rs",
        accepted(validator("AUTH0_PERMISSIONS", "merge"), claims).scope());
    claims.remove("scope");
    assertEquals("", accepted(validator("AUTH0_PERMISSIONS", "ignore"), claims).scope());
  }

  @Test
  void aPermissionThatIsNotOneScopeTokenIsDropped() {
    Map<String, Object> claims = claims();
    claims.remove("scope");
    claims.put("permissions", List.of("patient/Observation.rs user/*.cruds", "patient/Patient.rs", "", 42));

    assertEquals("patient/Patient.rs", accepted(validator(), claims).scope());
  }

  @Test
  void aTokenForAnotherAudienceIsRefused() {
    Map<String, Object> idToken = claims();
    idToken.put("aud", "smart-app-client");

    assertEquals(ReasonCode.INVALID_AUDIENCE, refused(validator(), idToken));
  }

  @Test
  void theApiIdentifierIsTheAudienceWhenConfigured() {
    Map<String, Object> claims = claims();
    claims.put("aud", List.of("https://fhir.example.com/", tenant.issuer() + "userinfo"));
    TokenValidator validator = validator("AUDIENCE", "https://fhir.example.com");

    accepted(validator, claims);
    assertEquals(ReasonCode.INVALID_AUDIENCE, refused(validator, claims()), "not the data store endpoint any more");
  }

  @Test
  void aTokenOfAnotherIssuerIsRefused() {
    Map<String, Object> claims = claims();
    claims.put("iss", tenant.issuer().substring(0, tenant.issuer().length() - 1));

    assertEquals(ReasonCode.INVALID_ISSUER, refused(validator(), claims), "the issuer without its trailing slash");
  }

  @Test
  void aClientOutsideTheAllowListIsRefused() {
    TokenValidator validator = validator("CLIENT_IDS", "other-client, smart-app-client");
    Map<String, Object> other = claims();
    other.put("azp", "stranger");
    Map<String, Object> none = claims();
    none.remove("azp");
    none.put("client_id", "smart-app-client");

    accepted(validator, claims());
    assertEquals(ReasonCode.INVALID_CLIENT, refused(validator, other));
    assertEquals(ReasonCode.INVALID_CLIENT, refused(validator, none), "azp is the one client claim");
  }

  @Test
  void anExpiredTokenIsRefused() {
    TokenValidator validator = validator();
    Map<String, Object> claims = claims();

    clock.advance(Duration.ofHours(1).plusSeconds(61));

    assertEquals(ReasonCode.EXPIRED, refused(validator, claims), "an hour and the default 60 s skew later");
  }

  @Test
  void theIssuerComesFromTheDomainWithItsTrailingSlash() {
    ProviderContext context = TestProviderContext.of(Map.of("AUTHORIZER_AUTH0_DOMAIN", "Example.us.auth0.com"), clock);

    assertEquals("https://example.us.auth0.com/", provider().route(context).issuer());
    assertEquals("https://example.us.auth0.com/.well-known/jwks.json",
        Auth0Provider.jwksUri(context.configuration(), "https://example.us.auth0.com/").toString());
  }

  @Test
  void anIssuerWithoutItsTrailingSlashOrAgainstTheDomainIsAConfigurationError() {
    ConfigurationException slash = assertThrows(ConfigurationException.class,
        () -> provider().route(context("ISSUER", "https://example.us.auth0.com")));
    assertTrue(slash.getMessage().contains("trailing slash"), slash.getMessage());
    assertEquals("AUTHORIZER_ISSUER", assertThrows(ConfigurationException.class, () -> provider().route(
        context("ISSUER", "https://a.auth0.com/", "AUTH0_DOMAIN", "b.auth0.com"))).variable());
    assertEquals("AUTHORIZER_AUTH0_DOMAIN", assertThrows(ConfigurationException.class,
        () -> provider().route(TestProviderContext.of(Map.of(), clock))).variable());
  }

  /** A wrong value refused with its variable's name proves the setting is read; each must then be declared. */
  @ParameterizedTest
  @CsvSource({"AUTH0_DOMAIN, https://x.auth0.com/", "ISSUER, not a url", "JWKS_URI, not a url",
      "AUTH0_PERMISSIONS, all", "ALGORITHMS, HS256", "CLOCK_SKEW_SECONDS, 301", "MAX_TOKEN_BYTES, 1",
      "JWKS_TTL_SECONDS, 1", "JWKS_REFETCH_INTERVAL_SECONDS, 0", "JWKS_MAX_STALE_SECONDS, 604801"})
  void everySettingItReadsIsAmongItsSettingNames(String key, String wrongValue) {
    ConfigurationException error = assertThrows(ConfigurationException.class, () -> validator(key, wrongValue));

    assertEquals("AUTHORIZER_" + key, error.variable());
    assertTrue(provider().settingNames().contains(key), key);
    assertTrue(provider().settingNames().containsAll(List.of("AUDIENCE", "CLIENT_IDS", "REQUIRED_TOKEN_TYPE")));
  }
}
