package io.github.smartauthorizer.lambda;

import static io.github.smartauthorizer.lambda.LambdaFixtures.ENDPOINT;
import static io.github.smartauthorizer.lambda.LambdaFixtures.ROLE;
import static io.github.smartauthorizer.lambda.LambdaFixtures.event;
import static io.github.smartauthorizer.lambda.LambdaFixtures.smartClaims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.api.TokenTimes;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.ProviderContext;
import io.github.smartauthorizer.api.spi.SecretSource;
import io.github.smartauthorizer.api.spi.TokenRoute;
import io.github.smartauthorizer.providers.cognito.CognitoProvider;
import io.github.smartauthorizer.providers.introspection.IntrospectionProvider;
import io.github.smartauthorizer.providers.introspection.OktaProvider;
import io.github.smartauthorizer.providers.jwks.JwksProvider;
import io.github.smartauthorizer.providers.keycloak.KeycloakProvider;
import io.github.smartauthorizer.providers.shared.JwtValidator;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several provider instances in one authorizer ({@code AUTHORIZER_PROVIDERS}): scoped configuration, routing by the
 * unverified {@code iss}, opaque tokens to the introspection instance, and the configuration errors around them. Two
 * issuer ids of one mock-oauth2-server are two issuers with their own keys.
 */
class ProviderInstancesTest {
  private static final String OPAQUE = "opaque-partner-token-0001";
  private static MockOAuth2Server server;

  @BeforeAll
  static void startIssuer() {
    server = new MockOAuth2Server();
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterAll
  static void stopIssuer() {
    server.shutdown();
  }

  private static String issuer(String id) {
    return server.issuerUrl(id).toString();
  }

  private static String token(String issuerId, Map<String, Object> claims) {
    return server.issueToken(issuerId, "app", new DefaultOAuth2TokenCallback(issuerId, "user-" + issuerId, "JWT",
        List.of(ENDPOINT), claims, 3600)).serialize();
  }

  /** {@code staff:jwks,patients:jwks} on issuers {@code staff} and {@code patients}, plus extra pairs. */
  private static Map<String, String> twoIssuers(String... extra) {
    Map<String, String> env = new HashMap<>();
    env.put("AUTHORIZER_PROVIDERS", "staff:jwks,patients:jwks");
    env.put("AUTHORIZER_STAFF_ISSUER", issuer("staff"));
    env.put("AUTHORIZER_PATIENTS_ISSUER", issuer("patients"));
    env.put("AUTHORIZER_IAM_ROLE_ARN", ROLE);
    for (int i = 0; i + 1 < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return env;
  }

  private static Authorizer build(Map<String, String> env, LambdaFixtures.CapturedStream log) {
    return Authorizer.builder().environment(env).logStream(log.stream).build();
  }

  private static Authorizer build(Map<String, String> env) {
    return build(env, new LambdaFixtures.CapturedStream());
  }

  private static ConfigurationException fails(Map<String, String> env) {
    return assertThrows(ConfigurationException.class, () -> build(env));
  }

  private static ConfigurationException fails(Map<String, String> env, List<AuthorizerProvider> providers) {
    return assertThrows(ConfigurationException.class, () -> Authorizer.builder().environment(env).providers(providers)
        .logStream(new LambdaFixtures.CapturedStream().stream).build());
  }

  private static String unsigned(String payloadJson) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"RS256\",\"kid\":\"k\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(new byte[256]);
  }

  // --- routing ---

  @Test
  void eachJwtIsDecidedByTheInstanceOfItsIssuer() {
    LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();
    Authorizer authorizer = build(twoIssuers(), log);
    assertEquals("staff:jwks,patients:jwks", authorizer.providerName());

    Decision staff = authorizer.decide(event(token("staff", smartClaims())));
    Decision patients = authorizer.decide(event(token("patients", smartClaims())));
    assertTrue(staff.authorized(), staff.detail());
    assertTrue(patients.authorized(), patients.detail());
    assertEquals("staff", staff.instance());
    assertEquals("patients", patients.instance());
    assertEquals(issuer("patients"), patients.response().authPayload().iss());

    log.reset();
    authorizer.handle(event(token("patients", smartClaims())), "req-1");
    Map<String, Object> line = log.decisionLines().get(0);
    assertEquals("ALLOW", line.get("outcome"));
    assertEquals("patients", line.get("instance"));
    assertEquals("jwks", line.get("provider"));
  }

  @Test
  void anInstanceReadsOnlyItsOwnScopedVariables() {
    // The staff instance requires at+jwt; the patients instance does not. Mock tokens are typ JWT.
    Authorizer authorizer = build(twoIssuers("AUTHORIZER_STAFF_REQUIRED_TOKEN_TYPE", "at+jwt"));
    assertEquals(ReasonCode.INVALID_TOKEN_TYPE, authorizer.decide(event(token("staff", smartClaims()))).reason());
    assertTrue(authorizer.decide(event(token("patients", smartClaims()))).authorized());
  }

  @Test
  void aTokenOfAnUnknownIssuerIsDeniedWithoutAnyNetworkCall() throws Exception {
    try (CountingEndpoint staffKeys = CountingEndpoint.jwks(URI.create(server.jwksUrl("staff").toString()));
        CountingEndpoint patientKeys = CountingEndpoint.jwks(URI.create(server.jwksUrl("patients").toString()))) {
      LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();
      Authorizer authorizer = build(twoIssuers("AUTHORIZER_STAFF_JWKS_URI", staffKeys.uri().toString(),
          "AUTHORIZER_PATIENTS_JWKS_URI", patientKeys.uri().toString()), log);
      assertEquals(1, staffKeys.requests(), "keys are prefetched at init");
      assertEquals(1, patientKeys.requests());

      String foreign = token("intruder", smartClaims());
      Decision decision = authorizer.decide(event(foreign));
      assertFalse(decision.authorized());
      assertEquals(ReasonCode.INVALID_ISSUER, decision.reason());
      assertNull(decision.instance());
      assertEquals(ROLE, decision.response().iamRoleArn());
      assertEquals(ENDPOINT, decision.response().authPayload().aud());
      assertNull(decision.response().authPayload().exp(), "unverified times are never echoed");
      assertEquals(1, staffKeys.requests(), "no JWKS request for a token of an unknown issuer");
      assertEquals(1, patientKeys.requests(), "no JWKS request for a token of an unknown issuer");
      assertFalse(decision.detail().contains(issuer("intruder")), "the token's iss is not echoed");

      log.reset();
      authorizer.handle(event(foreign), "r");
      Map<String, Object> line = log.decisionLines().get(0);
      assertEquals("INVALID_ISSUER", line.get("reason"));
      assertFalse(line.containsKey("instance"));
      assertEquals("staff:jwks,patients:jwks", line.get("provider"));
    }
  }

  @Test
  void aJwtWithoutIssOrWithANonStringIssIsInvalidIssuer() {
    Authorizer authorizer = build(twoIssuers());
    long now = Instant.now().getEpochSecond();
    assertEquals(ReasonCode.INVALID_ISSUER, authorizer.decide(event(unsigned("{\"sub\":\"x\",\"exp\":" + (now + 60)
        + "}"))).reason());
    assertEquals(ReasonCode.INVALID_ISSUER, authorizer.decide(event(unsigned("{\"iss\":[\"" + issuer("staff")
        + "\"]}"))).reason());
  }

  @Test
  void aForgedTokenNamingAKnownIssuerIsRoutedAndThenRefusedByThatInstance() {
    Authorizer authorizer = build(twoIssuers());
    Decision decision = authorizer.decide(event(unsigned("{\"iss\":\"" + issuer("staff") + "\"}")));
    assertEquals("staff", decision.instance());
    assertEquals(ReasonCode.UNKNOWN_KID, decision.reason(), "the instance verifies the routed token fully");
  }

  @Test
  void opaqueTokensGoToTheIntrospectionInstanceAndJwtsNever() {
    long now = Instant.now().getEpochSecond();
    String active = "{\"active\":true,\"aud\":\"" + LambdaFixtures.ENDPOINT + "\",\"scope\":\"system/*.rs\",\"client_id\":\"partner-backend\",\"sub\":\"svc\","
        + "\"iat\":" + now + ",\"exp\":" + (now + 300) + ",\"iss\":\"https://partner.example\"}";
    try (CountingEndpoint introspection = CountingEndpoint.introspection(Map.of(OPAQUE, active))) {
      Map<String, String> env = twoIssuers("AUTHORIZER_PROVIDERS", "staff:jwks,partners:introspection",
          "AUTHORIZER_PARTNERS_INTROSPECTION_URL", introspection.uri().toString(),
          "AUTHORIZER_PARTNERS_CLIENT_ID", "authorizer", "AUTHORIZER_PARTNERS_CLIENT_SECRET", "s3cr3t",
          "AUTHORIZER_PARTNERS_INTROSPECTION_CACHE_SECONDS", "0");
      env.remove("AUTHORIZER_PATIENTS_ISSUER");
      Authorizer authorizer = build(env);
      int atInit = introspection.requests();

      Decision opaque = authorizer.decide(event(OPAQUE));
      assertTrue(opaque.authorized(), opaque.detail());
      assertEquals("partners", opaque.instance());
      assertEquals("system/*.rs", opaque.response().authPayload().scope());
      assertEquals(atInit + 1, introspection.requests());

      assertTrue(authorizer.decide(event(token("staff", smartClaims()))).authorized());
      assertEquals(ReasonCode.INVALID_ISSUER, authorizer.decide(event(token("intruder", smartClaims()))).reason(),
          "a JWT of an unknown issuer is not introspected either");
      assertEquals(ReasonCode.MALFORMED_TOKEN, authorizer.decide(event(unsigned("not json"))).reason(),
          "a JWT with an unreadable payload is not opaque");
      assertEquals(atInit + 1, introspection.requests(), "no JWT went to the introspection endpoint");

      Decision inactive = authorizer.decide(event("some-other-opaque-token"));
      assertEquals(ReasonCode.INACTIVE_TOKEN, inactive.reason());
      assertEquals("partners", inactive.instance());
    }
  }

  @Test
  void anIntrospectionInstanceWithAnIssuerAlsoTakesThatIssuersJwts() {
    long now = Instant.now().getEpochSecond();
    String jwt = token("okta", Map.of("scope", "user/*.rs"));
    String active = "{\"active\":true,\"aud\":\"" + LambdaFixtures.ENDPOINT + "\",\"scope\":\"user/*.rs\",\"sub\":\"u\",\"iat\":" + now + ",\"exp\":" + (now + 300)
        + ",\"iss\":\"" + issuer("okta") + "\"}";
    try (CountingEndpoint introspection = CountingEndpoint.introspection(Map.of(jwt, active))) {
      Map<String, String> env = twoIssuers("AUTHORIZER_PROVIDERS", "staff:jwks,okta:introspection",
          "AUTHORIZER_OKTA_INTROSPECTION_URL", introspection.uri().toString(), "AUTHORIZER_OKTA_ISSUER",
          issuer("okta"), "AUTHORIZER_OKTA_CLIENT_ID", "authorizer", "AUTHORIZER_OKTA_CLIENT_SECRET", "s3cr3t");
      env.remove("AUTHORIZER_PATIENTS_ISSUER");
      Decision decision = build(env).decide(event(jwt));
      assertTrue(decision.authorized(), decision.detail());
      assertEquals("okta", decision.instance());
    }
  }

  @Test
  void anOpaqueTokenIsMalformedWhenNoInstanceTakesOpaqueTokens() {
    Decision decision = build(twoIssuers()).decide(event("opaque-token"));
    assertEquals(ReasonCode.MALFORMED_TOKEN, decision.reason());
    assertNull(decision.instance());
  }

  @Test
  void aTokenTooLargeForAnyInstanceIsRefusedBeforeRouting() {
    HealthLakeRequest request = HealthLakeRequest.builder().datastoreEndpoint(ENDPOINT).operationName("ReadResource")
        .bearerToken("t").build();
    ValidationResult result = build(twoIssuers()).validator().validate(
        "a".repeat(ProviderInstances.MAX_TOKEN_BYTES + 1), request);
    assertEquals(ReasonCode.TOKEN_TOO_LARGE, ((ValidationResult.Rejected) result).rejection().reason());
  }

  @Test
  void theValidatorForPrimingRoutesToo() {
    Authorizer authorizer = build(twoIssuers());
    TokenValidator validator = authorizer.validator();
    HealthLakeRequest request = HealthLakeRequest.builder().datastoreEndpoint(ENDPOINT).operationName("ReadResource")
        .bearerToken("t").build();
    assertTrue(validator.validate(token("patients", smartClaims()), request).isAccepted());
    assertInstanceOf(ValidationResult.Rejected.class, validator.validate(token("intruder", smartClaims()), request));
  }

  @Test
  void withASingleProviderNothingIsRoutedAndTheLogHasNoInstance() {
    LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();
    Map<String, String> env = Map.of("AUTHORIZER_PROVIDER", "jwks", "AUTHORIZER_ISSUER", issuer("staff"),
        "AUTHORIZER_IAM_ROLE_ARN", ROLE);
    Authorizer authorizer = build(env, log);
    assertInstanceOf(JwtValidator.class, authorizer.validator(), "the provider's own validator, unwrapped");
    String intruder = token("intruder", smartClaims());
    authorizer.handle(event(intruder), "r");
    Decision foreign = authorizer.decide(event(intruder));
    assertFalse(foreign.authorized());
    assertEquals(ReasonCode.UNKNOWN_KID, foreign.reason(), "refused by the validator itself (another issuer's key)");
    assertNull(foreign.instance());
    assertFalse(log.decisionLines().get(0).containsKey("instance"));
    assertEquals("jwks", log.decisionLines().get(0).get("provider"));
  }

  // --- configuration ---

  @Test
  void providerAndProvidersTogetherAreAConfigurationError() {
    ConfigurationException e = fails(twoIssuers("AUTHORIZER_PROVIDER", "jwks"));
    assertEquals("AUTHORIZER_PROVIDERS", e.variable());
    assertTrue(e.getMessage().contains("AUTHORIZER_PROVIDER"), e.getMessage());
  }

  @Test
  void opaqueTokensWithoutProvidersIsAConfigurationError() {
    ConfigurationException e = fails(Map.of("AUTHORIZER_PROVIDER", "jwks", "AUTHORIZER_ISSUER", issuer("staff"),
        "AUTHORIZER_IAM_ROLE_ARN", ROLE, "AUTHORIZER_OPAQUE_TOKENS", "none"));
    assertEquals("AUTHORIZER_OPAQUE_TOKENS", e.variable());
  }

  @Test
  void aMissingScopedSettingNamesTheScopedVariable() {
    Map<String, String> env = twoIssuers();
    env.remove("AUTHORIZER_PATIENTS_ISSUER");
    ConfigurationException e = fails(env);
    assertEquals("AUTHORIZER_PATIENTS_ISSUER", e.variable());
    assertTrue(e.getMessage().startsWith("AUTHORIZER_PATIENTS_ISSUER "), e.getMessage());
  }

  @Test
  void aWrongScopedSettingNamesTheScopedVariable() {
    ConfigurationException e = fails(twoIssuers("AUTHORIZER_STAFF_CLOCK_SKEW_SECONDS", "9000"));
    assertEquals("AUTHORIZER_STAFF_CLOCK_SKEW_SECONDS", e.variable());
  }

  @ParameterizedTest
  @ValueSource(strings = {"AUTHORIZER_ISSUER", "AUTHORIZER_AUDIENCE", "AUTHORIZER_KEYCLOAK_URL",
      "AUTHORIZER_COGNITO_CLIENT_IDS", "AUTHORIZER_CLIENT_SECRET_ID", "AUTHORIZER_JWKS_URI"})
  void anUnscopedProviderSettingNextToProvidersIsAConfigurationError(String variable) {
    ConfigurationException e = fails(twoIssuers(variable, "https://idp.example.com"));
    assertEquals(variable, e.variable());
    assertTrue(e.getMessage().contains("AUTHORIZER_STAFF_"), e.getMessage());
  }

  @Test
  void twoInstancesForOneIssuerAreAConfigurationError() {
    ConfigurationException e = fails(twoIssuers("AUTHORIZER_PATIENTS_ISSUER", issuer("staff")));
    assertEquals("AUTHORIZER_PROVIDERS", e.variable());
    assertTrue(e.getMessage().contains("'staff'") && e.getMessage().contains("'patients'"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"staff", "staff:", ":jwks", "Staff:jwks", "1staff:jwks", "st-aff:jwks", "st_aff:jwks",
      "staff:jwks,staff:jwks", "staff:nosuch", "staff:jwks:x", "a234567890123456789012345678901234:jwks", ","})
  void malformedProviderListsAreConfigurationErrors(String providers) {
    ConfigurationException e = fails(twoIssuers("AUTHORIZER_PROVIDERS", providers));
    assertEquals("AUTHORIZER_PROVIDERS", e.variable(), e.getMessage());
  }

  @Test
  void theProviderListIsCaseInsensitiveForProviderNames() {
    Authorizer authorizer = build(twoIssuers("AUTHORIZER_PROVIDERS", " staff : JWKS , patients:jwks "));
    assertEquals("staff:jwks,patients:jwks", authorizer.providerName());
  }

  @Test
  void severalOpaqueInstancesNeedOpaqueTokensToChoose() {
    try (CountingEndpoint a = CountingEndpoint.introspection(Map.of());
        CountingEndpoint b = CountingEndpoint.introspection(Map.of())) {
      Map<String, String> env = twoIssuers("AUTHORIZER_PROVIDERS", "staff:jwks,a:introspection,b:introspection",
          "AUTHORIZER_A_INTROSPECTION_URL", a.uri().toString(), "AUTHORIZER_A_CLIENT_ID", "c",
          "AUTHORIZER_A_CLIENT_SECRET", "s", "AUTHORIZER_B_INTROSPECTION_URL", b.uri().toString(),
          "AUTHORIZER_B_CLIENT_ID", "c", "AUTHORIZER_B_CLIENT_SECRET", "s");
      env.remove("AUTHORIZER_PATIENTS_ISSUER");
      ConfigurationException e = fails(env);
      assertEquals("AUTHORIZER_OPAQUE_TOKENS", e.variable());

      env.put("AUTHORIZER_OPAQUE_TOKENS", "B");
      int before = b.requests();
      Decision chosen = build(env).decide(event("opaque-1"));
      assertEquals("b", chosen.instance());
      assertEquals(before + 2, b.requests(), "b was primed at init and then asked");

      env.put("AUTHORIZER_OPAQUE_TOKENS", "none");
      assertEquals(ReasonCode.MALFORMED_TOKEN, build(env).decide(event("opaque-1")).reason());

      env.put("AUTHORIZER_OPAQUE_TOKENS", "staff");
      ConfigurationException notOpaque = fails(env);
      assertEquals("AUTHORIZER_OPAQUE_TOKENS", notOpaque.variable());
      assertTrue(notOpaque.getMessage().contains("JWTs only"), notOpaque.getMessage());
    }
  }

  /** A provider of the test's choosing, with or without a route. */
  static final class RoutedTestProvider implements AuthorizerProvider {
    private final String name;
    private final TokenRoute route;

    RoutedTestProvider(String name, TokenRoute route) {
      this.name = name;
      this.route = route;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public TokenValidator createValidator(ProviderContext context) {
      if (context.configuration().optional("FAIL").isPresent()) {
        throw new IllegalStateException("cannot start");
      }
      return (token, request) -> ValidationResult.accepted(VerifiedToken.builder().issuer(route.issuer())
          .subject("s").times(new TokenTimes(1L, null, Instant.now().getEpochSecond() + 60)).scope("user/*.rs")
          .build());
    }

    @Override
    public TokenRoute route(ProviderContext context) {
      return route;
    }
  }

  @Test
  void aProviderThatDoesNotSayWhichTokensItTakesCannotBeOneOfSeveral() {
    Map<String, String> env = Map.of("AUTHORIZER_PROVIDERS", "a:routed,b:unrouted", "AUTHORIZER_IAM_ROLE_ARN", ROLE);
    ConfigurationException e = fails(env, List.of(new RoutedTestProvider("routed", TokenRoute.jwtIssuer("https://a")),
        new RoutedTestProvider("unrouted", TokenRoute.UNKNOWN)));
    assertEquals("AUTHORIZER_PROVIDERS", e.variable());
    assertTrue(e.getMessage().contains("instance 'b'"), e.getMessage());
  }

  @Test
  void aTokenGoesToTheInstanceNamingItsIssuerAmongSeveral() {
    Map<String, String> env = Map.of("AUTHORIZER_PROVIDERS", "a:several,b:one", "AUTHORIZER_IAM_ROLE_ARN", ROLE);
    Authorizer authorizer = Authorizer.builder().environment(env).providers(List.of(
            new RoutedTestProvider("several", TokenRoute.jwtIssuers(List.of("https://a", "https://a2"))),
            new RoutedTestProvider("one", TokenRoute.jwtIssuer("https://b"))))
        .logStream(new LambdaFixtures.CapturedStream().stream).build();
    long exp = Instant.now().getEpochSecond() + 60;

    assertEquals("a", authorizer.decide(event(unsigned("{\"iss\":\"https://a2\",\"exp\":" + exp + "}"))).instance());
    assertEquals("a", authorizer.decide(event(unsigned("{\"iss\":\"https://a\",\"exp\":" + exp + "}"))).instance());
    assertEquals("b", authorizer.decide(event(unsigned("{\"iss\":\"https://b\",\"exp\":" + exp + "}"))).instance());
    assertEquals(ReasonCode.INVALID_ISSUER,
        authorizer.decide(event(unsigned("{\"iss\":\"https://a3\",\"exp\":" + exp + "}"))).reason());
  }

  @Test
  void anIssuerNamedAmongSeveralByTwoInstancesIsAConfigurationError() {
    Map<String, String> env = Map.of("AUTHORIZER_PROVIDERS", "a:several,b:one", "AUTHORIZER_IAM_ROLE_ARN", ROLE);
    ConfigurationException e = fails(env, List.of(
        new RoutedTestProvider("several", TokenRoute.jwtIssuers(List.of("https://a", "https://b"))),
        new RoutedTestProvider("one", TokenRoute.jwtIssuer("https://b"))));
    assertEquals("AUTHORIZER_PROVIDERS", e.variable());
    assertTrue(e.getMessage().contains("'https://b'"), e.getMessage());
  }

  @Test
  void aRouteListsItsIssuerFirstAndEachOnce() {
    assertEquals(List.of("https://a"), TokenRoute.jwtIssuer("https://a").issuers());
    assertEquals(List.of(), TokenRoute.introspection(null).issuers());
    assertEquals(new TokenRoute("https://a", false), TokenRoute.jwtIssuer("https://a"));
    assertEquals("https://a", TokenRoute.jwtIssuers(List.of("https://a", "https://b")).issuer());
    assertThrows(IllegalArgumentException.class, () -> TokenRoute.jwtIssuers(List.of()));
    assertThrows(IllegalArgumentException.class, () -> TokenRoute.jwtIssuers(List.of("https://a", "https://a")));
    assertThrows(IllegalArgumentException.class, () -> TokenRoute.jwtIssuers(List.of("https://a", " ")));
    assertThrows(IllegalArgumentException.class, () -> new TokenRoute("https://a", false, List.of("https://b")));
  }

  @Test
  void aProviderThatFailsAtInitIsAConfigurationErrorNamingTheInstance() {
    Map<String, String> env = Map.of("AUTHORIZER_PROVIDERS", "a:routed,b:routed", "AUTHORIZER_B_FAIL", "yes",
        "AUTHORIZER_IAM_ROLE_ARN", ROLE);
    ConfigurationException e = fails(env, List.of(new RoutedTestProvider("routed",
        TokenRoute.jwtIssuer("https://a"))));
    assertEquals("AUTHORIZER_PROVIDERS", e.variable());
    assertTrue(e.getMessage().contains("instance 'b'") && e.getMessage().contains("cannot start"), e.getMessage());
  }

  private static ProviderContext context(Map<String, String> variables) {
    return new HostContext(Configuration.of(variables), SecretSource.none(), Clock.systemUTC(),
        Duration.ofMillis(100), Duration.ofMillis(100), null);
  }

  @Test
  void theBuiltInProvidersSayWhichTokensTheyTakeWithoutAnyIo() {
    assertEquals(TokenRoute.introspection(null), new IntrospectionProvider().route(context(Map.of(
        "AUTHORIZER_INTROSPECTION_URL", "https://idp.example.com/introspect"))));
    assertEquals(TokenRoute.introspection("https://idp.example.com"), new IntrospectionProvider().route(context(
        Map.of("AUTHORIZER_ISSUER", "https://idp.example.com"))));
    assertEquals(TokenRoute.jwtIssuer("https://idp.example.com"), new JwksProvider().route(context(Map.of(
        "AUTHORIZER_ISSUER", "https://idp.example.com"))));
    assertEquals(TokenRoute.jwtIssuer("https://kc.example.com/realms/smart"), new KeycloakProvider().route(context(
        Map.of("AUTHORIZER_KEYCLOAK_URL", "https://kc.example.com/", "AUTHORIZER_KEYCLOAK_REALM", "smart",
            "AUTHORIZER_KEYCLOAK_MODE", "introspection"))));
    assertEquals(TokenRoute.jwtIssuers(List.of("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123",
        "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123")),
        new CognitoProvider().route(context(Map.of("AUTHORIZER_COGNITO_USER_POOL_ID", "eu-west-1_AbC123"))));
    assertEquals(TokenRoute.introspection("https://example.okta.com/oauth2/default"), new OktaProvider().route(
        context(Map.of("AUTHORIZER_ISSUER", "https://example.okta.com/oauth2/default"))));
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> new JwksProvider().route(context(
        Map.of())));
    assertEquals("AUTHORIZER_ISSUER", e.variable());
  }

  @Test
  void aRouteNeverHasABlankIssuer() {
    assertThrows(IllegalArgumentException.class, () -> TokenRoute.jwtIssuer(" "));
    assertFalse(TokenRoute.UNKNOWN.isKnown());
    assertTrue(TokenRoute.introspection(null).isKnown());
  }
}
