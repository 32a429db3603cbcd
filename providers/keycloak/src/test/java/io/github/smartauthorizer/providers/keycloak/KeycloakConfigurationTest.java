package io.github.smartauthorizer.providers.keycloak;

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
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Provider {@code keycloak}: the issuer and endpoint derivations, and every configuration error naming its variable. */
class KeycloakConfigurationTest {
  private static Configuration config(String... pairs) {
    return Configuration.of(TestProviderContext.variables(Map.of(), pairs));
  }

  private static ConfigurationException refused(String... pairs) {
    Map<String, String> variables = TestProviderContext.variables(Map.of(), pairs);
    return assertThrows(ConfigurationException.class,
        () -> new KeycloakProvider().createValidator(TestProviderContext.of(variables, new TestClock())));
  }

  @Test
  void isFoundByServiceLoaderUnderItsName() {
    assertTrue(ServiceLoader.load(AuthorizerProvider.class).stream()
        .anyMatch(p -> p.get().name().equals("keycloak") && p.type() == KeycloakProvider.class));
  }

  @ParameterizedTest
  @CsvSource({
      "https://keycloak.example.com, smart, https://keycloak.example.com/realms/smart",
      "https://keycloak.example.com/, smart, https://keycloak.example.com/realms/smart",
      "https://sso.example.com/auth, smart, https://sso.example.com/auth/realms/smart",
      "http://localhost:8180, my-realm_2.x, http://localhost:8180/realms/my-realm_2.x"})
  void derivesTheIssuerFromBaseUrlAndRealm(String base, String realm, String issuer) {
    assertEquals(issuer, KeycloakProvider.issuer(config("AUTHORIZER_KEYCLOAK_URL", base,
        "AUTHORIZER_KEYCLOAK_REALM", realm)));
  }

  @Test
  void takesTheIssuerAsConfigured() {
    assertEquals("https://keycloak.example.com/realms/smart",
        KeycloakProvider.issuer(config("AUTHORIZER_ISSUER", "https://keycloak.example.com/realms/smart")));
  }

  @Test
  void acceptsIssuerAndBaseUrlWithRealmWhenTheyAgree() {
    assertEquals("https://keycloak.example.com/realms/smart", KeycloakProvider.issuer(config(
        "AUTHORIZER_ISSUER", "https://keycloak.example.com/realms/smart",
        "AUTHORIZER_KEYCLOAK_URL", "https://keycloak.example.com", "AUTHORIZER_KEYCLOAK_REALM", "smart")));
  }

  @Test
  void derivesTheCertsAndIntrospectionEndpointsFromTheIssuer() {
    String issuer = "https://keycloak.example.com/realms/smart";

    assertEquals(URI.create(issuer + "/protocol/openid-connect/certs"), KeycloakProvider.certsUri(config(), issuer));
    assertEquals(URI.create(issuer + "/protocol/openid-connect/token/introspect"),
        KeycloakProvider.introspectionUri(config(), issuer));
  }

  @Test
  void letsBothEndpointsBeOverridden() {
    Configuration config = config("AUTHORIZER_JWKS_URI", "https://internal.example.com/certs",
        "AUTHORIZER_INTROSPECTION_URL", "https://internal.example.com/introspect");
    String issuer = "https://keycloak.example.com/realms/smart";

    assertEquals(URI.create("https://internal.example.com/certs"), KeycloakProvider.certsUri(config, issuer));
    assertEquals(URI.create("https://internal.example.com/introspect"),
        KeycloakProvider.introspectionUri(config, issuer));
  }

  @Test
  void requiresTheBaseUrlOrTheIssuer() {
    ConfigurationException e = refused();

    assertEquals("AUTHORIZER_KEYCLOAK_URL", e.variable());
    assertTrue(e.getMessage().contains("AUTHORIZER_ISSUER"), "mentions the alternative: " + e.getMessage());
  }

  @Test
  void requiresTheRealmWithTheBaseUrl() {
    assertEquals("AUTHORIZER_KEYCLOAK_REALM",
        refused("AUTHORIZER_KEYCLOAK_URL", "https://keycloak.example.com").variable());
  }

  @Test
  void requiresTheBaseUrlWithTheRealm() {
    assertEquals("AUTHORIZER_KEYCLOAK_URL", refused("AUTHORIZER_KEYCLOAK_REALM", "smart").variable());
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://keycloak.example.com/realms/smart", "https://keycloak.example.com?x=1",
      "ftp://keycloak.example.com", "keycloak.example.com"})
  void refusesABaseUrlThatIsNotOne(String base) {
    assertEquals("AUTHORIZER_KEYCLOAK_URL",
        refused("AUTHORIZER_KEYCLOAK_URL", base, "AUTHORIZER_KEYCLOAK_REALM", "smart").variable());
  }

  @ParameterizedTest
  @ValueSource(strings = {"smart/admin", "my realm", "smart?x", "r%2Fa"})
  void refusesARealmThatWouldNeedEncoding(String realm) {
    ConfigurationException e =
        refused("AUTHORIZER_KEYCLOAK_URL", "https://keycloak.example.com", "AUTHORIZER_KEYCLOAK_REALM", realm);

    assertEquals("AUTHORIZER_KEYCLOAK_REALM", e.variable());
    assertTrue(e.getMessage().contains("AUTHORIZER_ISSUER"), "tells how to configure such a realm: " + e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://keycloak.example.com/realms/smart/", "https://keycloak.example.com",
      "https://keycloak.example.com/smart", "https://keycloak.example.com/realms/", "not a url"})
  void refusesAnIssuerThatIsNotARealmIssuer(String issuer) {
    assertEquals("AUTHORIZER_ISSUER", refused("AUTHORIZER_ISSUER", issuer).variable());
  }

  @Test
  void refusesAnIssuerThatDisagreesWithBaseUrlAndRealm() {
    ConfigurationException e = refused("AUTHORIZER_ISSUER", "https://keycloak.example.com/realms/other",
        "AUTHORIZER_KEYCLOAK_URL", "https://keycloak.example.com", "AUTHORIZER_KEYCLOAK_REALM", "smart");

    assertEquals("AUTHORIZER_ISSUER", e.variable());
  }

  @Test
  void refusesAnUnknownMode() {
    assertEquals("AUTHORIZER_KEYCLOAK_MODE", refused("AUTHORIZER_ISSUER", "https://keycloak.example.com/realms/smart",
        "AUTHORIZER_KEYCLOAK_MODE", "opaque").variable());
  }

  @Test
  void requiresClientCredentialsInIntrospectionMode() {
    assertEquals("AUTHORIZER_CLIENT_SECRET_ID", refused("AUTHORIZER_ISSUER",
        "https://keycloak.example.com/realms/smart", "AUTHORIZER_KEYCLOAK_MODE", "introspection").variable());
  }

  @Test
  void refusesAMalformedJwksUriOverride() {
    assertEquals("AUTHORIZER_JWKS_URI", refused("AUTHORIZER_ISSUER", "https://keycloak.example.com/realms/smart",
        "AUTHORIZER_JWKS_URI", "/protocol/openid-connect/certs").variable());
  }
}
