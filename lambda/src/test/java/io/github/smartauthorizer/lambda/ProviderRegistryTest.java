package io.github.smartauthorizer.lambda;

import static io.github.smartauthorizer.lambda.LambdaFixtures.ROLE;
import static io.github.smartauthorizer.lambda.LambdaFixtures.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.providers.jwks.JwksProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Providers are found with ServiceLoader and chosen by name; ambiguity and absence are configuration errors. */
class ProviderRegistryTest {
  private static final String SERVICE_FILE = "META-INF/services/" + AuthorizerProvider.class.getName();

  /** A class loader that adds one {@code META-INF/services} registration to the test class path. */
  private static URLClassLoader withServiceFile(Path dir, String... providerClassNames) throws IOException {
    Path file = dir.resolve(SERVICE_FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "# test registration\n" + String.join("\n", providerClassNames) + "\n",
        StandardCharsets.UTF_8);
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, ProviderRegistryTest.class.getClassLoader());
  }

  private static ConfigurationException buildFails(Map<String, String> environment) {
    return assertThrows(ConfigurationException.class, () -> Authorizer.builder().environment(environment)
        .logStream(new LambdaFixtures.CapturedStream().stream).build());
  }

  @Test
  void serviceLoaderFindsTheJwksProviderOnTheClassPath() {
    ProviderRegistry registry = ProviderRegistry.load(Authorizer.class.getClassLoader());
    assertTrue(registry.names().contains("jwks"), registry.names().toString());
    assertInstanceOf(JwksProvider.class, registry.named("jwks"));
  }

  @Test
  void anUnknownProviderNameIsAConfigurationErrorListingTheKnownOnes() {
    ProviderRegistry registry = ProviderRegistry.load(Authorizer.class.getClassLoader());
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> registry.named("okta-typo"));
    assertEquals("AUTHORIZER_PROVIDER", e.variable());
    assertTrue(e.getMessage().contains("AUTHORIZER_PROVIDER"), e.getMessage());
    assertTrue(e.getMessage().contains("jwks"), "lists the providers found: " + e.getMessage());
    assertTrue(e.getMessage().contains("okta-typo"), e.getMessage());
  }

  @Test
  void anUnknownProviderNameFailsTheBuildNamingTheVariable() {
    ConfigurationException e = buildFails(Map.of("AUTHORIZER_PROVIDER", "nosuch", "AUTHORIZER_IAM_ROLE_ARN", ROLE,
        "AUTHORIZER_ISSUER", "https://idp.example.com"));
    assertEquals("AUTHORIZER_PROVIDER", e.variable());
    assertTrue(e.getMessage().contains("jwks"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void aMissingProviderNameIsAConfigurationErrorNamingTheVariable(String value) {
    Map<String, String> environment = value.isEmpty()
        ? Map.of("AUTHORIZER_IAM_ROLE_ARN", ROLE, "AUTHORIZER_ISSUER", "https://idp.example.com")
        : Map.of("AUTHORIZER_PROVIDER", value, "AUTHORIZER_IAM_ROLE_ARN", ROLE);
    ConfigurationException e = buildFails(environment);
    assertEquals("AUTHORIZER_PROVIDER", e.variable());
    assertTrue(e.getMessage().startsWith("AUTHORIZER_PROVIDER "), e.getMessage());
    assertTrue(e.getMessage().contains("jwks"), "tells the operator what to choose from: " + e.getMessage());
  }

  @Test
  void twoProvidersWithOneNameAreRefusedNamingBothClasses() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> ProviderRegistry.of(List.of(new JwksProvider(), new DuplicateJwksProvider())));
    assertEquals("AUTHORIZER_PROVIDER", e.variable());
    assertTrue(e.getMessage().contains(JwksProvider.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains(DuplicateJwksProvider.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains("'jwks'"), e.getMessage());
  }

  @Test
  void twoProvidersWithOneNameFoundByServiceLoaderAreRefused(@TempDir Path dir) throws IOException {
    try (URLClassLoader loader = withServiceFile(dir, DuplicateJwksProvider.class.getName())) {
      ConfigurationException e = assertThrows(ConfigurationException.class, () -> ProviderRegistry.load(loader));
      assertEquals("AUTHORIZER_PROVIDER", e.variable());
      assertTrue(e.getMessage().contains(JwksProvider.class.getName()), e.getMessage());
      assertTrue(e.getMessage().contains(DuplicateJwksProvider.class.getName()), e.getMessage());
    }
  }

  @Test
  void twoProvidersWithOneNameFailTheBuildEvenWhenAnotherProviderIsChosen() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> Authorizer.builder()
        .environment(Map.of("AUTHORIZER_PROVIDER", "jwks", "AUTHORIZER_IAM_ROLE_ARN", ROLE))
        .providers(List.of(new DuplicateJwksProvider(), new DuplicateJwksProvider()))
        .logStream(new LambdaFixtures.CapturedStream().stream).build());
    assertEquals("AUTHORIZER_PROVIDER", e.variable());
  }

  @Test
  void aRegistrationOfAMissingClassIsAConfigurationError(@TempDir Path dir) throws IOException {
    try (URLClassLoader loader = withServiceFile(dir, "io.github.smartauthorizer.lambda.NoSuchProvider")) {
      ConfigurationException e = assertThrows(ConfigurationException.class, () -> ProviderRegistry.load(loader));
      assertEquals("AUTHORIZER_PROVIDER", e.variable());
    }
  }

  @Test
  void aProviderWhoseConstructorFailsIsAConfigurationError(@TempDir Path dir) throws IOException {
    try (URLClassLoader loader = withServiceFile(dir, BrokenConstructorProvider.class.getName())) {
      ConfigurationException e = assertThrows(ConfigurationException.class, () -> ProviderRegistry.load(loader));
      assertEquals("AUTHORIZER_PROVIDER", e.variable());
      assertTrue(e.getMessage().contains("AUTHORIZER_PROVIDER"), e.getMessage());
    }
  }

  @Test
  void anExtraProviderRegisteredBesideJwksIsFoundAndChosenByName(@TempDir Path dir) throws IOException {
    try (URLClassLoader loader = withServiceFile(dir, NamedTestProvider.class.getName())) {
      ProviderRegistry registry = ProviderRegistry.load(loader);
      Set<String> expected = new java.util.TreeSet<>(ProviderRegistry.load(Authorizer.class.getClassLoader()).names());
      expected.add("named-test");
      assertEquals(expected, registry.names());
      assertTrue(registry.names().contains("jwks"));
      assertInstanceOf(NamedTestProvider.class, registry.named("named-test"));
      assertInstanceOf(JwksProvider.class, registry.named("jwks"));
    }
  }

  @Test
  void theProviderNameIsMatchedCaseInsensitively() {
    Authorizer authorizer = Authorizer.builder()
        .environment(Map.of("AUTHORIZER_PROVIDER", "Named-TEST", "AUTHORIZER_IAM_ROLE_ARN", ROLE))
        .providers(List.of(new NamedTestProvider(), new DuplicateJwksProvider()))
        .logStream(new LambdaFixtures.CapturedStream().stream)
        .build();
    assertEquals("named-test", authorizer.providerName());
    Decision decision = authorizer.decide(event("a.b.c"));
    assertEquals(ReasonCode.INVALID_TOKEN_TYPE, decision.reason(), "the chosen provider's validator decides");
  }

  @Test
  void explicitProvidersReplaceServiceLoaderDiscovery() {
    ConfigurationException e = buildFails(Map.of());
    assertTrue(e.getMessage().contains("jwks"), "by default ServiceLoader finds jwks: " + e.getMessage());

    ConfigurationException explicit = assertThrows(ConfigurationException.class, () -> Authorizer.builder()
        .environment(Map.of("AUTHORIZER_PROVIDER", "jwks", "AUTHORIZER_IAM_ROLE_ARN", ROLE))
        .providers(List.of(new NamedTestProvider()))
        .logStream(new LambdaFixtures.CapturedStream().stream).build());
    assertEquals("AUTHORIZER_PROVIDER", explicit.variable());
    assertTrue(explicit.getMessage().contains("named-test"), explicit.getMessage());
  }
}
