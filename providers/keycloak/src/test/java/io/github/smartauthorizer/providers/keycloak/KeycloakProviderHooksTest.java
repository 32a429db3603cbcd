package io.github.smartauthorizer.providers.keycloak;

import static io.github.smartauthorizer.providers.keycloak.KeycloakTokens.BACKEND;
import static io.github.smartauthorizer.providers.keycloak.KeycloakTokens.KID;
import static io.github.smartauthorizer.providers.keycloak.KeycloakTokens.REALM;
import static io.github.smartauthorizer.providers.keycloak.KeycloakTokens.introspectionAnswer;
import static io.github.smartauthorizer.providers.shared.TestRequests.request;
import static io.github.smartauthorizer.providers.shared.TestSecrets.credentialsJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.spi.ValidatorCounters;
import io.github.smartauthorizer.api.spi.ValidatorDiagnostics;
import io.github.smartauthorizer.providers.shared.IntrospectionSettings;
import io.github.smartauthorizer.providers.shared.JwtSettings;
import io.github.smartauthorizer.providers.shared.SettingNamesCheck;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestProviderContext;
import io.github.smartauthorizer.providers.shared.TestSecrets;
import io.github.smartauthorizer.providers.shared.TestTokens;
import io.github.smartauthorizer.providers.shared.ToolkitWarmUp;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Provider {@code keycloak} through the api's hooks only: its settings in both modes, its warm-up, and the lifecycle
 * of its validators, the introspection-mode one being a wrapper that must pass every hook through.
 */
class KeycloakProviderHooksTest {
  private static final String SECRET_ID = "smart-authorizer/keycloak";
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final TestClock clock = new TestClock();
  private final TestSecrets secrets = TestSecrets.of(SECRET_ID, credentialsJson(BACKEND, "backend-secret"));
  private LoopbackKeycloak keycloak;
  private KeycloakTokens tokens;

  @BeforeEach
  void start() {
    keycloak = LoopbackKeycloak.start(REALM);
    tokens = new KeycloakTokens(clock, keycloak.issuer(), TestTokens.rs256(KID));
  }

  @AfterEach
  void stop() {
    keycloak.close();
  }

  private TokenValidator introspectionModeValidator() {
    Map<String, String> variables = new HashMap<>();
    variables.put("AUTHORIZER_KEYCLOAK_URL", keycloak.baseUrl());
    variables.put("AUTHORIZER_KEYCLOAK_REALM", REALM);
    variables.put("AUTHORIZER_KEYCLOAK_MODE", "introspection");
    variables.put("AUTHORIZER_CLIENT_SECRET_ID", SECRET_ID);
    return new KeycloakProvider().createValidator(TestProviderContext.of(variables, secrets, clock));
  }

  @Test
  void everySettingItReadsInEitherModeIsDeclaredAndEveryDeclaredSettingIsRead() {
    SettingNamesCheck.assertReadsAreDeclared(new KeycloakProvider(), List.of(
        Map.of("AUTHORIZER_KEYCLOAK_URL", keycloak.baseUrl(), "AUTHORIZER_KEYCLOAK_REALM", REALM),
        Map.of("AUTHORIZER_ISSUER", keycloak.issuer(), "AUTHORIZER_CLIENT_IDS", "smart-app"),
        Map.of("AUTHORIZER_ISSUER", keycloak.issuer(), "AUTHORIZER_KEYCLOAK_MODE", "introspection",
            "AUTHORIZER_CLIENT_SECRET_ID", SECRET_ID),
        Map.of("AUTHORIZER_KEYCLOAK_URL", keycloak.baseUrl(), "AUTHORIZER_KEYCLOAK_REALM", REALM,
            "AUTHORIZER_KEYCLOAK_MODE", "introspection", "AUTHORIZER_CLIENT_ID", BACKEND,
            "AUTHORIZER_CLIENT_SECRET", "backend-secret")),
        secrets, clock);

    Set<String> expected = new TreeSet<>(JwtSettings.SETTING_NAMES);
    expected.addAll(IntrospectionSettings.SETTING_NAMES);
    expected.addAll(Set.of("KEYCLOAK_URL", "KEYCLOAK_REALM", "KEYCLOAK_MODE", "CLIENT_IDS", "INTROSPECTION_URL"));
    assertEquals(expected, new KeycloakProvider().settingNames());
  }

  @Test
  void warmUpNeverThrowsAndStartsTheToolkitWarmUpOnce() {
    KeycloakProvider provider = new KeycloakProvider();

    provider.warmUp();
    provider.warmUp();

    assertFalse(ToolkitWarmUp.start(), "already started by the provider");
  }

  @Test
  void theIntrospectionModeWrapperPassesPrimeAndRefreshThrough() {
    TokenValidator validator = introspectionModeValidator();
    assertInstanceOf(AudienceHintValidator.class, validator);
    assertEquals(1, keycloak.warmUpCalls(), "the warm-up call at init");

    validator.prime(TIMEOUT);
    validator.refreshAfterRestore(TIMEOUT);

    assertEquals(3, keycloak.warmUpCalls());
    assertEquals(List.of(), keycloak.introspections(), "no call about a real token");
  }

  @Test
  void theIntrospectionModeWrapperPassesDiagnosticsThrough() {
    ValidatorDiagnostics diagnostics = introspectionModeValidator().diagnostics();

    assertEquals("each token introspected (RFC 7662); answers cached for up to 30 s", diagnostics.validation());
    assertEquals(List.of(keycloak.introspectionUri().toString()), diagnostics.endpoints());
    assertTrue(diagnostics.ready(), diagnostics.toString());
  }

  @Test
  void theIntrospectionModeWrapperPassesCountersThrough() {
    TokenValidator validator = introspectionModeValidator();
    String token = tokens.sign(tokens.userAccessToken());
    String answer = TestKeys.json(introspectionAnswer(tokens.userAccessToken(), "patient1"));
    keycloak.answerIntrospection(t -> t.equals(token) ? answer : "{\"active\":false}");

    assertInstanceOf(ValidationResult.Accepted.class, validator.validate(token, request(token)));
    assertInstanceOf(ValidationResult.Accepted.class, validator.validate(token, request(token)));

    assertEquals(new ValidatorCounters(0, 2, 1), validator.counters(), "the warm-up call, one call, one hit");
  }

  @Test
  void theIntrospectionModeWrapperStillAddsTheAudienceHintToAnInactiveToken() {
    TokenValidator validator = introspectionModeValidator();
    String token = tokens.sign(tokens.userAccessToken());

    ValidationResult result = validator.validate(token, request(token));

    ValidationResult.Rejected rejected = assertInstanceOf(ValidationResult.Rejected.class, result);
    assertEquals(ReasonCode.INACTIVE_TOKEN, rejected.rejection().reason());
    assertTrue(rejected.rejection().detail().endsWith("(" + KeycloakProvider.AUDIENCE_HINT + ")"));
  }

  @Test
  void theJwksModeValidatorIsDiagnosedAndCountedThroughTheApi() {
    keycloak.serveJwks(TestKeys.jwks(List.of(TestKeys.rsaJwk(
        (java.security.interfaces.RSAPublicKey) TestKeys.rsa().getPublic(), KID, "RS256"))));
    TokenValidator validator = new KeycloakProvider().createValidator(TestProviderContext.of(Map.of(
        "AUTHORIZER_KEYCLOAK_URL", keycloak.baseUrl(), "AUTHORIZER_KEYCLOAK_REALM", REALM), clock));

    assertEquals(List.of(keycloak.certsUri().toString()), validator.diagnostics().endpoints());
    assertEquals(new ValidatorCounters(1, 0, 0), validator.counters());
    assertTrue(validator.diagnostics().ready());
  }
}
