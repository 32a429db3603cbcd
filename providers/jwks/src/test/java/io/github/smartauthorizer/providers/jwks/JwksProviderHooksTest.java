package io.github.smartauthorizer.providers.jwks;

import static io.github.smartauthorizer.providers.shared.TestRequests.DATASTORE_ENDPOINT;
import static io.github.smartauthorizer.providers.shared.ValidationResults.accepted;
import static io.github.smartauthorizer.providers.shared.ValidationResults.validate;
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
import io.github.smartauthorizer.providers.shared.TestTokens;
import io.github.smartauthorizer.providers.shared.ToolkitWarmUp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provider {@code jwks} through the api's hooks only: its settings, its warm-up and its validator's lifecycle. */
class JwksProviderHooksTest {
  private static final String ISSUER = "https://idp.partner.example";

  private final TestClock clock = new TestClock();
  private final JwsSigner key = JwsSigner.generate(JwsAlgorithm.ES256, "k1");
  private JwksLoopback jwks;

  @BeforeEach
  void start() {
    jwks = new JwksLoopback().serve(TestKeys.jwks(List.of(key.publicJwk())));
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
        Map.of("AUTHORIZER_ISSUER", jwks.uri("").toString()), // discovery
        Map.of("AUTHORIZER_ISSUER", ISSUER, "AUTHORIZER_ALGORITHMS", "ES256", "AUTHORIZER_JWKS",
            new String(TestKeys.jwks(List.of(key.publicJwk())), StandardCharsets.UTF_8))), // keys supplied up front
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

  @Test
  void keysSuppliedInAFileNeedNoRequestAtInitPrimingRestoreOrTheFirstDecision(@TempDir Path directory)
      throws IOException {
    Path file = Files.write(directory.resolve("jwks.json"), TestKeys.jwks(List.of(key.publicJwk())));
    TokenValidator validator = new JwksProvider().createValidator(TestProviderContext.of(Map.of(
        "AUTHORIZER_ISSUER", ISSUER,
        "AUTHORIZER_JWKS_URI", jwks.jwksUri().toString(),
        "AUTHORIZER_ALGORITHMS", "ES256",
        "AUTHORIZER_JWKS_FILE", file.toString()), clock));

    validator.prime(Duration.ofSeconds(2));
    validator.refreshAfterRestore(Duration.ofSeconds(2));
    accepted(validate(validator, key.sign(TestTokens.claims(ISSUER, DATASTORE_ENDPOINT, clock.epochSecond(), 300))));

    assertEquals(0, jwks.requestCount(), jwks.requests().toString());
    assertEquals(new ValidatorCounters(0, 0, 0), validator.counters());
    assertEquals("1 verification key cached after 0 fetches (supplied up front)", validator.diagnostics().state());
    assertEquals(List.of(jwks.jwksUri().toString()), validator.diagnostics().endpoints(), "the source of refreshes");
  }
}
