package io.github.smartauthorizer.providers.cognito;

import static io.github.smartauthorizer.providers.cognito.CognitoTokens.APP_CLIENT;
import static io.github.smartauthorizer.providers.cognito.CognitoTokens.POOL_ID;
import static io.github.smartauthorizer.providers.shared.ValidationResults.accepted;
import static io.github.smartauthorizer.providers.shared.ValidationResults.reason;
import static io.github.smartauthorizer.providers.shared.ValidationResults.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.TokenRoute;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestProviderContext;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Provider {@code cognito}: the issuer forms a pool can put in {@code iss} (the original
 * {@code https://cognito-idp.{region}.amazonaws.com/{poolId}} and the updated
 * {@code https://issuer-cognito-idp.{region}.amazonaws.com/{poolId}} of the home region, the original form of each
 * replica region configured), each verified against the JWKS of its own issuer, served on loopback in place of the
 * Cognito hosts; every other {@code iss} is {@code INVALID_ISSUER}.
 */
class CognitoIssuerFormsTest {
  private static final String ORIGINAL = "https://cognito-idp.us-east-1.amazonaws.com/" + POOL_ID;
  private static final String UPDATED = "https://issuer-cognito-idp.us-east-1.amazonaws.com/" + POOL_ID;
  private static final String REPLICA = "https://cognito-idp.us-west-2.amazonaws.com/" + POOL_ID;

  private static KeyPair accessKey;
  private static KeyPair idKey;

  private final TestClock clock = new TestClock();
  private LoopbackCognito cognito;

  @BeforeAll
  static void keys() {
    accessKey = TestKeys.rsa();
    idKey = TestKeys.rsa();
  }

  @BeforeEach
  void start() {
    cognito = LoopbackCognito.start(POOL_ID).serveJwks(CognitoTokens.jwks(accessKey, idKey));
  }

  @AfterEach
  void stop() {
    cognito.close();
  }

  private TestProviderContext context(String... extra) {
    return TestProviderContext.of(TestProviderContext.variables(Map.of(
        "AUTHORIZER_COGNITO_USER_POOL_ID", POOL_ID,
        "AUTHORIZER_COGNITO_CLIENT_IDS", APP_CLIENT), extra), clock);
  }

  private TokenValidator validator(String... extra) {
    return new CognitoProvider(cognito::hosting).createValidator(context(extra));
  }

  private String token(String issuer) {
    CognitoTokens tokens = new CognitoTokens(clock, issuer, accessKey, idKey);
    return tokens.signAccess(tokens.userAccessToken());
  }

  @Test
  void acceptsBothFormsOfTheHomeRegion() {
    TokenValidator validator = validator();

    assertEquals(ORIGINAL, accepted(validate(validator, token(ORIGINAL))).issuer());
    assertEquals(UPDATED, accepted(validate(validator, token(UPDATED))).issuer());
  }

  @Test
  void fetchesTheKeysFromTheJwksOfEachForm() {
    TokenValidator validator = validator("AUTHORIZER_COGNITO_REPLICA_REGIONS", "us-west-2");

    accepted(validate(validator, token(UPDATED)));
    accepted(validate(validator, token(REPLICA)));

    assertEquals(1, cognito.jwksRequests("cognito-idp.us-east-1.amazonaws.com"));
    assertEquals(1, cognito.jwksRequests("issuer-cognito-idp.us-east-1.amazonaws.com"));
    assertEquals(1, cognito.jwksRequests("cognito-idp.us-west-2.amazonaws.com"));
    assertEquals(3, cognito.jwksRequests(), "one fetch per form, at init; none for the decisions");
    assertEquals(3, validator.counters().keyFetches());
    assertEquals(3, validator.diagnostics().endpoints().size(), validator.diagnostics().toString());
    assertTrue(validator.diagnostics().ready(), validator.diagnostics().toString());
  }

  @Test
  void acceptsAReplicaRegionsOriginalFormOnlyWhenThatRegionIsConfigured() {
    assertEquals(ReasonCode.INVALID_ISSUER, reason(validate(validator(), token(REPLICA))));

    TokenValidator validator = validator("AUTHORIZER_COGNITO_REPLICA_REGIONS", "us-west-2,eu-west-1");
    assertEquals(REPLICA, accepted(validate(validator, token(REPLICA))).issuer());
    assertEquals(ReasonCode.INVALID_ISSUER, reason(validate(validator,
        token("https://issuer-cognito-idp.us-west-2.amazonaws.com/" + POOL_ID))),
        "the updated form names the primary region only");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other999",
      "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_Other999",
      "https://cognito-idp.ap-south-1.amazonaws.com/" + POOL_ID,
      "https://issuer-cognito-idp.eu-west-1.amazonaws.com/" + POOL_ID,
      "http://cognito-idp.us-east-1.amazonaws.com/" + POOL_ID,
      "http://issuer-cognito-idp.us-east-1.amazonaws.com/" + POOL_ID,
      "https://cognito-idp.us-east-1.amazonaws.com/" + POOL_ID + "/",
      "https://issuer-cognito-idp.us-east-1.amazonaws.com/" + POOL_ID + "/",
      "https://cognito-idp.us-west-2.amazonaws.com/" + POOL_ID + "/",
      "https://COGNITO-IDP.us-east-1.amazonaws.com/" + POOL_ID,
      "https://evil.example.com/" + POOL_ID})
  void refusesEveryOtherIssuer(String issuer) {
    TokenValidator validator = validator("AUTHORIZER_COGNITO_REPLICA_REGIONS", "us-west-2,eu-west-1");

    assertEquals(ReasonCode.INVALID_ISSUER, reason(validate(validator, token(issuer))));
  }

  @Test
  void routesEveryFormToThisInstance() {
    TokenRoute route = new CognitoProvider().route(context("AUTHORIZER_COGNITO_REPLICA_REGIONS", "us-west-2"));

    assertEquals(ORIGINAL, route.issuer());
    assertEquals(List.of(ORIGINAL, UPDATED, REPLICA), route.issuers());
  }

  @Test
  void anOverriddenIssuerIsTheOnlyForm() {
    TokenRoute route = new CognitoProvider().route(context("AUTHORIZER_ISSUER", cognito.issuer()));

    assertEquals(List.of(cognito.issuer()), route.issuers());
  }

  @ParameterizedTest
  @ValueSource(strings = {"us-west", "US-WEST-2", "us-west-2/", "cognito-idp.us-west-2", "us-east-1"})
  void refusesAReplicaRegionThatIsNotAnotherAwsRegion(String regions) {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> validator("AUTHORIZER_COGNITO_REPLICA_REGIONS", regions));

    assertEquals("AUTHORIZER_COGNITO_REPLICA_REGIONS", e.variable());
  }

  @Test
  void refusesReplicaRegionsWithAnOverriddenIssuer() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> validator(
        "AUTHORIZER_ISSUER", cognito.issuer(), "AUTHORIZER_COGNITO_REPLICA_REGIONS", "us-west-2"));

    assertEquals("AUTHORIZER_COGNITO_REPLICA_REGIONS", e.variable());
    assertTrue(e.getMessage().contains("AUTHORIZER_ISSUER"), e.getMessage());
  }
}
