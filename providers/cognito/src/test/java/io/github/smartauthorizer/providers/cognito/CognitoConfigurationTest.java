package io.github.smartauthorizer.providers.cognito;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestProviderContext;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Provider {@code cognito}: the issuer and JWKS derivations, and every configuration error naming its variable. */
class CognitoConfigurationTest {
  private static final String POOL = "us-east-1_AbCdEf123";
  private static final String CLIENT = "4l2kcp5ap0i6ub9n7dh7evk8nq";

  private static Configuration config(String... pairs) {
    return Configuration.of(TestProviderContext.variables(Map.of(), pairs));
  }

  private static ConfigurationException refused(String... pairs) {
    Map<String, String> variables = TestProviderContext.variables(Map.of(), pairs);
    return assertThrows(ConfigurationException.class,
        () -> new CognitoProvider().createValidator(TestProviderContext.of(variables, new TestClock())));
  }

  @Test
  void isFoundByServiceLoaderUnderItsName() {
    assertTrue(ServiceLoader.load(AuthorizerProvider.class).stream()
        .anyMatch(p -> p.get().name().equals("cognito") && p.type() == CognitoProvider.class));
  }

  @ParameterizedTest
  @CsvSource({
      "us-east-1_AbC, https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC",
      "eu-central-1_xYz09AbCd, https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_xYz09AbCd",
      "ap-southeast-2_Q1w2E3r4T, https://cognito-idp.ap-southeast-2.amazonaws.com/ap-southeast-2_Q1w2E3r4T",
      "us-gov-west-1_GovPool1, https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_GovPool1"})
  void derivesTheIssuerFromThePoolIdsRegion(String poolId, String issuer) {
    assertEquals(issuer, CognitoProvider.issuer(config("AUTHORIZER_COGNITO_USER_POOL_ID", poolId)));
  }

  @Test
  void derivesTheJwksUriFromTheIssuer() {
    assertEquals(URI.create("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC/.well-known/jwks.json"),
        CognitoProvider.jwksUri(config(), "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC"));
  }

  @Test
  void letsTheIssuerAndJwksUriBeOverridden() {
    Configuration config = config("AUTHORIZER_COGNITO_USER_POOL_ID", "cn-north-1_AbC",
        "AUTHORIZER_ISSUER", "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbC",
        "AUTHORIZER_JWKS_URI", "https://keys.example.com/jwks.json");
    String issuer = CognitoProvider.issuer(config);

    assertEquals("https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbC", issuer);
    assertEquals(URI.create("https://keys.example.com/jwks.json"), CognitoProvider.jwksUri(config, issuer));
  }

  @Test
  void needsNoPoolIdWhenTheIssuerIsSet() {
    assertEquals("http://127.0.0.1:9000/us-east-1_AbC",
        CognitoProvider.issuer(config("AUTHORIZER_ISSUER", "http://127.0.0.1:9000/us-east-1_AbC")));
  }

  @Test
  void requiresThePoolIdOrTheIssuer() {
    ConfigurationException e = refused("AUTHORIZER_COGNITO_CLIENT_IDS", CLIENT);

    assertEquals("AUTHORIZER_COGNITO_USER_POOL_ID", e.variable());
    assertTrue(e.getMessage().contains("AUTHORIZER_ISSUER"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"AbCdEf123", "us-east-1-AbC", "US-EAST-1_AbC", "us-east-1_", "_AbC", "useast1_AbC",
      "us-east-1_Ab-C", "us-east-1_AbC/../x", "us-east_AbC"})
  void refusesAMalformedPoolId(String poolId) {
    ConfigurationException e =
        refused("AUTHORIZER_COGNITO_USER_POOL_ID", poolId, "AUTHORIZER_COGNITO_CLIENT_IDS", CLIENT);

    assertEquals("AUTHORIZER_COGNITO_USER_POOL_ID", e.variable());
    assertTrue(e.getMessage().contains("us-east-1_"), "shows the expected form: " + e.getMessage());
  }

  @Test
  void validatesThePoolIdEvenWhenTheIssuerIsSet() {
    assertEquals("AUTHORIZER_COGNITO_USER_POOL_ID", refused("AUTHORIZER_COGNITO_USER_POOL_ID", "not-a-pool",
        "AUTHORIZER_ISSUER", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC",
        "AUTHORIZER_COGNITO_CLIENT_IDS", CLIENT).variable());
  }

  @Test
  void requiresTheAllowedAppClients() {
    ConfigurationException e = refused("AUTHORIZER_COGNITO_USER_POOL_ID", POOL);

    assertEquals("AUTHORIZER_COGNITO_CLIENT_IDS", e.variable());
  }

  @Test
  void refusesAnAudienceSettingCognitoAccessTokensCannotMeet() {
    ConfigurationException e = refused("AUTHORIZER_COGNITO_USER_POOL_ID", POOL, "AUTHORIZER_COGNITO_CLIENT_IDS", CLIENT,
        "AUTHORIZER_AUDIENCE", CLIENT);

    assertEquals("AUTHORIZER_AUDIENCE", e.variable());
    assertTrue(e.getMessage().contains("AUTHORIZER_COGNITO_CLIENT_IDS"), e.getMessage());
  }

  @Test
  void refusesAnIssuerThatIsNotAUrl() {
    assertEquals("AUTHORIZER_ISSUER", refused("AUTHORIZER_ISSUER", "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC",
        "AUTHORIZER_COGNITO_CLIENT_IDS", CLIENT).variable());
  }

  @Test
  void normalizesTheScopePrefixToEndWithASlash() {
    assertEquals(Optional.of("https://fhir.example.com/"),
        CognitoProvider.scopePrefix(config("AUTHORIZER_COGNITO_SCOPE_PREFIX", "https://fhir.example.com")));
    assertEquals(Optional.of("https://fhir.example.com/"),
        CognitoProvider.scopePrefix(config("AUTHORIZER_COGNITO_SCOPE_PREFIX", "https://fhir.example.com/")));
    assertEquals(Optional.empty(), CognitoProvider.scopePrefix(config()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"patient", "patient/", "system", "user/", "launch", "/", "https://fhir example.com/"})
  void refusesAScopePrefixThatWouldMangleSmartScopes(String prefix) {
    assertEquals("AUTHORIZER_COGNITO_SCOPE_PREFIX", refused("AUTHORIZER_COGNITO_USER_POOL_ID", POOL,
        "AUTHORIZER_COGNITO_CLIENT_IDS", CLIENT, "AUTHORIZER_COGNITO_SCOPE_PREFIX", prefix).variable());
  }
}
