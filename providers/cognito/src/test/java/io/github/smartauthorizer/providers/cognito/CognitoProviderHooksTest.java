package io.github.smartauthorizer.providers.cognito;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.SecretSource;
import io.github.smartauthorizer.providers.shared.JwksLoopback;
import io.github.smartauthorizer.providers.shared.JwtSettings;
import io.github.smartauthorizer.providers.shared.SettingNamesCheck;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestProviderContext;
import io.github.smartauthorizer.providers.shared.ToolkitWarmUp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Provider {@code cognito} through the api's hooks only: its settings, its warm-up and its validator's lifecycle. */
class CognitoProviderHooksTest {
  private static final String POOL_ID = "us-east-1_AbCdEf123";

  private final TestClock clock = new TestClock();
  private JwksLoopback jwks;

  @BeforeEach
  void start() {
    jwks = new JwksLoopback().serve(TestKeys.jwks(List.of(TestKeys.rsaJwk(
        (java.security.interfaces.RSAPublicKey) TestKeys.rsa().getPublic(), "k1", "RS256"))));
  }

  @AfterEach
  void stop() {
    jwks.close();
  }

  @Test
  void everySettingItReadsIsDeclaredAndEveryDeclaredSettingIsRead() {
    SettingNamesCheck.assertReadsAreDeclared(new CognitoProvider(), List.of(
        Map.of("AUTHORIZER_COGNITO_USER_POOL_ID", POOL_ID, "AUTHORIZER_COGNITO_CLIENT_IDS", "app-1",
            "AUTHORIZER_COGNITO_SCOPE_PREFIX", "https://fhir.example.com/",
            "AUTHORIZER_COGNITO_REPLICA_REGIONS", "us-west-2", "AUTHORIZER_JWKS_URI", jwks.jwksUri().toString()),
        Map.of("AUTHORIZER_ISSUER", "https://cognito-idp.us-east-1.amazonaws.com/" + POOL_ID,
            "AUTHORIZER_COGNITO_CLIENT_IDS", "app-1", "AUTHORIZER_JWKS_URI", jwks.jwksUri().toString())),
        SecretSource.none(), clock);

    Set<String> expected = new TreeSet<>(JwtSettings.SETTING_NAMES);
    expected.addAll(Set.of("COGNITO_USER_POOL_ID", "COGNITO_CLIENT_IDS", "COGNITO_SCOPE_PREFIX",
        "COGNITO_REPLICA_REGIONS"));
    assertEquals(expected, new CognitoProvider().settingNames());
  }

  @Test
  void warmUpNeverThrowsAndStartsTheToolkitWarmUpOnce() {
    CognitoProvider provider = new CognitoProvider();

    provider.warmUp();
    provider.warmUp();

    assertFalse(ToolkitWarmUp.start(), "already started by the provider");
  }

  @Test
  void itsValidatorIsPrimedDiagnosedAndCountedThroughTheApi() {
    TokenValidator validator = new CognitoProvider().createValidator(TestProviderContext.of(Map.of(
        "AUTHORIZER_COGNITO_USER_POOL_ID", POOL_ID, "AUTHORIZER_COGNITO_CLIENT_IDS", "app-1",
        "AUTHORIZER_JWKS_URI", jwks.jwksUri().toString()), clock));

    validator.prime(Duration.ofSeconds(2));
    validator.refreshAfterRestore(Duration.ofSeconds(2));

    assertEquals(3, jwks.requestCount(), "the init prefetch, the one of prime and the one after the restore");
    assertEquals(3, validator.counters().keyFetches());
    assertEquals("1 verification key cached after 3 fetches", validator.diagnostics().state());
    assertTrue(validator.diagnostics().ready());
  }
}
