package io.github.smartauthorizer.providers.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.SecretSource;
import io.github.smartauthorizer.api.spi.ValidatorCounters;
import io.github.smartauthorizer.providers.shared.JwksLoopback;
import io.github.smartauthorizer.providers.shared.JwsAlgorithm;
import io.github.smartauthorizer.providers.shared.JwsSigner;
import io.github.smartauthorizer.providers.shared.JwtSettings;
import io.github.smartauthorizer.providers.shared.SettingNamesCheck;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestProviderContext;
import io.github.smartauthorizer.providers.shared.ToolkitWarmUp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Provider {@code jwks} through the api's hooks only: its settings, its warm-up and its validator's lifecycle. */
class JwksProviderHooksTest {
  private static final String ISSUER = "https://idp.partner.example";

  private final TestClock clock = new TestClock();
  private JwksLoopback jwks;

  @BeforeEach
  void start() {
    jwks = new JwksLoopback().serve(TestKeys.jwks(List.of(JwsSigner.generate(JwsAlgorithm.ES256, "k1").publicJwk())));
  }

  @AfterEach
  void stop() {
    jwks.close();
  }

  @Test
  void everySettingItReadsIsDeclaredAndEveryDeclaredSettingIsRead() {
    SettingNamesCheck.assertReadsAreDeclared(new JwksProvider(), List.of(
        Map.of("AUTHORIZER_ISSUER", ISSUER, "AUTHORIZER_JWKS_URI", jwks.jwksUri().toString(),
            "AUTHORIZER_ALGORITHMS", "ES256"),
        Map.of("AUTHORIZER_ISSUER", jwks.uri("").toString())), // discovery
        SecretSource.none(), clock);

    assertEquals(JwtSettings.SETTING_NAMES, new JwksProvider().settingNames());
  }

  @Test
  void warmUpNeverThrowsAndStartsTheToolkitWarmUpOnce() {
    JwksProvider provider = new JwksProvider();

    provider.warmUp();
    provider.warmUp();

    assertFalse(ToolkitWarmUp.start(), "already started by the provider");
  }

  @Test
  void itsValidatorIsPrimedDiagnosedAndCountedThroughTheApi() {
    TokenValidator validator = new JwksProvider().createValidator(TestProviderContext.of(Map.of(
        "AUTHORIZER_ISSUER", ISSUER,
        "AUTHORIZER_JWKS_URI", jwks.jwksUri().toString(),
        "AUTHORIZER_ALGORITHMS", "ES256"), clock));

    validator.prime(Duration.ofSeconds(2));

    assertEquals(2, jwks.requestCount(), "the init prefetch and the one of prime");
    assertEquals(new ValidatorCounters(2, 0, 0), validator.counters());
    assertTrue(validator.diagnostics().ready(), validator.diagnostics().toString());
    assertEquals(List.of(jwks.jwksUri().toString()), validator.diagnostics().endpoints());
  }
}
