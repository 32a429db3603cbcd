package io.github.smartauthorizer.providers.introspection;

import static io.github.smartauthorizer.providers.shared.TestSecrets.credentialsJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.ValidatorCounters;
import io.github.smartauthorizer.api.spi.ValidatorDiagnostics;
import io.github.smartauthorizer.providers.shared.IntrospectionSettings;
import io.github.smartauthorizer.providers.shared.JwksLoopback;
import io.github.smartauthorizer.providers.shared.SettingNamesCheck;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestProviderContext;
import io.github.smartauthorizer.providers.shared.TestSecrets;
import io.github.smartauthorizer.providers.shared.ToolkitWarmUp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Providers {@code introspection} and {@code okta} through the api's hooks only: their settings, their warm-up and
 * their validators' lifecycle, against an introspection endpoint on loopback that answers {@code active: false}.
 */
class IntrospectionProvidersHooksTest {
  private static final String SECRET_ID = "smart-authorizer/introspection";

  private final TestClock clock = new TestClock();
  private final TestSecrets secrets = TestSecrets.of(SECRET_ID, credentialsJson("authorizer", "s3cret"));
  private JwksLoopback idp;

  @BeforeEach
  void start() {
    idp = new JwksLoopback().serve("{\"active\":false}");
  }

  @AfterEach
  void stop() {
    idp.close();
  }

  private String endpoint() {
    return idp.uri("/introspect").toString();
  }

  @Test
  void introspectionReadsExactlyWhatItDeclares() {
    SettingNamesCheck.assertReadsAreDeclared(new IntrospectionProvider(), List.of(
        Map.of("AUTHORIZER_INTROSPECTION_URL", endpoint(), "AUTHORIZER_CLIENT_SECRET_ID", SECRET_ID),
        Map.of("AUTHORIZER_INTROSPECTION_URL", endpoint(), "AUTHORIZER_ISSUER", "https://idp.example",
            "AUTHORIZER_CLIENT_ID", "authorizer", "AUTHORIZER_CLIENT_SECRET", "s3cret")),
        secrets, clock);

    assertEquals(union(IntrospectionSettings.SETTING_NAMES, Set.of("INTROSPECTION_URL", "ISSUER")),
        new IntrospectionProvider().settingNames());
  }

  @Test
  void oktaReadsExactlyWhatItDeclares() {
    String issuer = idp.uri("/oauth2/default").toString(); // http is allowed on 127.0.0.1
    SettingNamesCheck.assertReadsAreDeclared(new OktaProvider(), List.of(
        Map.of("AUTHORIZER_ISSUER", issuer, "AUTHORIZER_CLIENT_SECRET_ID", SECRET_ID),
        Map.of("AUTHORIZER_ISSUER", issuer, "AUTHORIZER_INTROSPECTION_URL", endpoint(),
            "AUTHORIZER_CLIENT_ID", "authorizer", "AUTHORIZER_CLIENT_SECRET", "s3cret")),
        secrets, clock);

    assertEquals(union(IntrospectionSettings.SETTING_NAMES, Set.of("INTROSPECTION_URL", "ISSUER")),
        new OktaProvider().settingNames());
  }

  @Test
  void warmUpNeverThrowsAndStartsTheToolkitWarmUpOnce() {
    for (AuthorizerProvider provider : List.of(new IntrospectionProvider(), new OktaProvider())) {
      provider.warmUp();
      provider.warmUp();
    }

    assertFalse(ToolkitWarmUp.start(), "already started by the providers");
  }

  @Test
  void theIntrospectionValidatorIsPrimedDiagnosedAndCountedThroughTheApi() {
    TokenValidator validator = new IntrospectionProvider().createValidator(TestProviderContext.of(Map.of(
        "AUTHORIZER_INTROSPECTION_URL", endpoint(), "AUTHORIZER_CLIENT_SECRET_ID", SECRET_ID), secrets, clock));

    validator.refreshAfterRestore(Duration.ofSeconds(2));

    assertEquals(2, idp.requestCount(), "the warm-up call at init and the one after the restore");
    assertEquals(new ValidatorCounters(0, 2, 0), validator.counters());
    ValidatorDiagnostics diagnostics = validator.diagnostics();
    assertEquals(List.of(endpoint()), diagnostics.endpoints());
    assertTrue(diagnostics.validation().startsWith("each token introspected (RFC 7662)"), diagnostics.validation());
    assertTrue(diagnostics.ready(), diagnostics.toString());
  }

  @Test
  void theOktaValidatorIsPrimedDiagnosedAndCountedThroughTheApi() {
    TokenValidator validator = new OktaProvider().createValidator(TestProviderContext.of(Map.of(
        "AUTHORIZER_ISSUER", idp.uri("/oauth2/default").toString(), "AUTHORIZER_CLIENT_SECRET_ID", SECRET_ID),
        secrets, clock));

    validator.prime(Duration.ofSeconds(2));

    assertEquals(List.of("/oauth2/default/v1/introspect", "/oauth2/default/v1/introspect"), idp.requests());
    assertEquals(2, validator.counters().idpCalls());
    assertEquals(List.of(idp.uri("/oauth2/default/v1/introspect").toString()), validator.diagnostics().endpoints());
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}
