package io.github.smartauthorizer.lambda;

import static io.github.smartauthorizer.lambda.LambdaFixtures.DATASTORE_ID;
import static io.github.smartauthorizer.lambda.LambdaFixtures.ENDPOINT;
import static io.github.smartauthorizer.lambda.LambdaFixtures.OTHER_ENDPOINT;
import static io.github.smartauthorizer.lambda.LambdaFixtures.ROLE;
import static io.github.smartauthorizer.lambda.LambdaFixtures.authPayload;
import static io.github.smartauthorizer.lambda.LambdaFixtures.env;
import static io.github.smartauthorizer.lambda.LambdaFixtures.event;
import static io.github.smartauthorizer.lambda.LambdaFixtures.eventJson;
import static io.github.smartauthorizer.lambda.LambdaFixtures.parse;
import static io.github.smartauthorizer.lambda.LambdaFixtures.payloadSegment;
import static io.github.smartauthorizer.lambda.LambdaFixtures.smartClaims;
import static io.github.smartauthorizer.lambda.LambdaFixtures.token;
import static io.github.smartauthorizer.lambda.LambdaFixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.AuthPayload;
import io.github.smartauthorizer.api.ClaimMapper;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.api.TokenTimes;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.ProviderContext;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The decision core: logging without the token, faults and misconfiguration turned into denies. */
class AuthorizerTest {
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

  private static String fingerprint(String token) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    return "sha256:" + HexFormat.of().formatHex(digest, 0, 6);
  }

  private static void assertSecretFree(String logged, String token) {
    String[] segments = token.split("\\.");
    assertFalse(logged.contains(token), "the token is logged");
    assertFalse(logged.contains(segments[1]), "the token's payload segment is logged");
    assertFalse(logged.contains(segments[2]), "the token's signature segment is logged");
    assertFalse(logged.contains(segments[1].substring(0, 24)), "a prefix of the payload segment is logged");
  }

  @Test
  void eachDecisionIsOneJsonLogLineWithAFingerprintAndNeverTheToken() throws Exception {
    LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();
    Authorizer authorizer = Authorizer.builder().environment(env(server)).logStream(log.stream).build();
    String allowed = token(server, "patient-456", smartClaims());
    String wrongAudience = token(server, "patient-456", List.of(OTHER_ENDPOINT), smartClaims(), 3600);
    String expired = token(server, "patient-456", List.of(ENDPOINT), smartClaims(), -3600);

    authorizer.handle(event(allowed), "req-allow");
    authorizer.handle(event(wrongAudience), "req-audience");
    authorizer.handle(event("Bearer " + expired), "req-expired");
    authorizer.handle(utf8("{\"operationName\":\"ReadResource\",\"bearerToken\":\"" + allowed + "\"}"), "req-bad");
    new HealthLakeAuthorizerHandler(authorizer).handleRequest(new java.io.ByteArrayInputStream(event(allowed)),
        new java.io.ByteArrayOutputStream(), null);

    String logged = log.text();
    for (String line : logged.split("\\R")) {
      assertTrue(line.startsWith("{") && line.endsWith("}"), "every log line is one JSON object: " + line);
      parse(line);
    }
    List<Map<String, Object>> decisions = log.decisionLines();
    assertEquals(5, decisions.size(), logged);

    Map<String, Object> allow = decisions.get(0);
    assertEquals("req-allow", allow.get("requestId"));
    assertEquals("ALLOW", allow.get("outcome"));
    assertFalse(allow.containsKey("reason"), "an allow has no reason");
    assertEquals("jwks", allow.get("provider"));
    assertEquals("SearchWithGet", allow.get("operationName"));
    assertEquals(DATASTORE_ID, allow.get("datastoreId"));
    assertInstanceOf(Number.class, allow.get("latencyMs"));
    assertTrue(((Number) allow.get("latencyMs")).doubleValue() >= 0);
    assertEquals(fingerprint(allowed), allow.get("token"));
    assertNotNull(allow.get("time"));
    assertEquals("INFO", allow.get("level"));

    Map<String, Object> audience = decisions.get(1);
    assertEquals("DENY", audience.get("outcome"));
    assertEquals("INVALID_AUDIENCE", audience.get("reason"));
    assertEquals(fingerprint(wrongAudience), audience.get("token"));
    assertEquals("jwks", audience.get("provider"));
    assertEquals(DATASTORE_ID, audience.get("datastoreId"));
    assertInstanceOf(String.class, audience.get("detail"));

    Map<String, Object> expiredLine = decisions.get(2);
    assertEquals("EXPIRED", expiredLine.get("reason"));
    assertEquals(fingerprint(expired), expiredLine.get("token"), "fingerprint of the token without the prefix");

    Map<String, Object> bad = decisions.get(3);
    assertEquals("DENY", bad.get("outcome"));
    assertEquals("INVALID_REQUEST", bad.get("reason"));
    assertEquals("jwks", bad.get("provider"));

    Map<String, Object> fromHandler = decisions.get(4);
    assertEquals("ALLOW", fromHandler.get("outcome"));
    assertFalse(fromHandler.containsKey("requestId"), "no context, no request id");

    for (Map<String, Object> line : decisions) {
      Object fp = line.get("token");
      if (fp != null) {
        assertTrue(fp.toString().matches("sha256:[0-9a-f]{12}"), fp.toString());
      }
    }
    for (String token : List.of(allowed, wrongAudience, expired)) {
      assertSecretFree(logged, token);
    }
  }

  @Test
  void decideDoesNotLogButHandleDoes() {
    LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();
    Authorizer authorizer = Authorizer.builder().environment(env(server)).logStream(log.stream).build();
    log.reset();
    authorizer.decide(event("garbage"));
    assertEquals("", log.text());
    authorizer.handle(event("garbage"), null);
    assertEquals(1, log.decisionLines().size());
  }

  @Test
  void theProviderAndItsKeysAreReadyAfterBuild() {
    LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();
    Authorizer authorizer = Authorizer.builder().environment(env(server)).logStream(log.stream).build();
    assertEquals("jwks", authorizer.providerName());
    assertNotNull(authorizer.validator());
    assertTrue(log.jsonLines().stream().anyMatch(l -> "init".equals(l.get("logger"))
        && "jwks".equals(l.get("provider"))), log.text());
  }

  /** A test provider (not a mock of project code) whose validator and mapper are given by the test. */
  static class TestProvider implements AuthorizerProvider {
    private final String name;
    private final TokenValidator validator;
    private final ClaimMapper mapper;

    TestProvider(String name, TokenValidator validator, ClaimMapper mapper) {
      this.name = name;
      this.validator = validator;
      this.mapper = mapper;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public TokenValidator createValidator(ProviderContext context) {
      return validator;
    }

    @Override
    public ClaimMapper createClaimMapper(ProviderContext context, ClaimMapper standard) {
      return mapper != null ? mapper : standard;
    }
  }

  private static Map<String, String> testEnv(String provider) {
    return Map.of("AUTHORIZER_PROVIDER", provider, "AUTHORIZER_IAM_ROLE_ARN", ROLE);
  }

  private static VerifiedToken acceptedToken() {
    return VerifiedToken.builder().issuer("https://idp.example.com").subject("s")
        .times(new TokenTimes(1_700_000_000L, null, 1_700_003_600L)).scope("user/*.rs").build();
  }

  @Test
  void aProviderThatThrowsFromValidateGivesAnInternalErrorDeny() {
    LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();
    TokenValidator throwing = (token, request) -> {
      throw new IllegalStateException("provider bug");
    };
    Authorizer authorizer = Authorizer.builder()
        .environment(testEnv("throwing"))
        .providers(List.of(new TestProvider("throwing", throwing, null)))
        .logStream(log.stream)
        .build();
    String token = token(server, "patient-456", smartClaims());

    Decision decision = authorizer.decide(event(token));
    assertFalse(decision.authorized());
    assertEquals(ReasonCode.INTERNAL_ERROR, decision.reason());
    assertEquals(ENDPOINT, decision.response().authPayload().aud());
    assertEquals(ROLE, decision.response().iamRoleArn());

    log.reset();
    Map<String, Object> response = parse(authorizer.handle(event(token), "req-1"));
    assertEquals(Boolean.FALSE, authPayload(response).get("isAuthorized"));
    assertEquals("", authPayload(response).get("scope"));
    assertEquals(ROLE, response.get("iamRoleARN"));
    Map<String, Object> line = log.decisionLines().get(0);
    assertEquals("INTERNAL_ERROR", line.get("reason"));
    assertEquals("WARNING", line.get("level"), "an environment fault is logged as a warning");
    assertEquals("throwing", line.get("provider"));
    assertTrue(log.jsonLines().stream().anyMatch(l -> "ERROR".equals(l.get("level"))
        && IllegalStateException.class.getName().equals(l.get("error"))), log.text());
    assertSecretFree(log.text(), token);
  }

  @Test
  void aValidatorThatThrowsAnErrorOrReturnsNullStillGivesADeny() {
    TokenValidator erroring = (token, request) -> {
      throw new StackOverflowError();
    };
    TokenValidator nulling = (token, request) -> null;
    for (TokenValidator validator : List.of(erroring, nulling)) {
      Authorizer authorizer = Authorizer.builder()
          .environment(testEnv("odd"))
          .providers(List.of(new TestProvider("odd", validator, null)))
          .logStream(new LambdaFixtures.CapturedStream().stream)
          .build();
      Decision decision = authorizer.decide(event("a.b.c"));
      assertFalse(decision.authorized());
      assertEquals(ReasonCode.INTERNAL_ERROR, decision.reason());
    }
  }

  @Test
  void aMapperThatThrowsGivesInternalErrorAndOneThatRefusesGivesInsufficientScope() {
    TokenValidator accepting = (token, request) -> ValidationResult.accepted(acceptedToken());
    ClaimMapper throwing = (token, request) -> {
      throw new IllegalArgumentException("mapper bug");
    };
    ClaimMapper refusing = (token, request) -> AuthPayload.builder().aud(request.datastoreEndpoint())
        .authorized(false).build();

    Authorizer withThrowing = Authorizer.builder().environment(testEnv("p"))
        .providers(List.of(new TestProvider("p", accepting, throwing)))
        .logStream(new LambdaFixtures.CapturedStream().stream).build();
    assertEquals(ReasonCode.INTERNAL_ERROR, withThrowing.decide(event("t")).reason());

    Authorizer withRefusing = Authorizer.builder().environment(testEnv("p"))
        .providers(List.of(new TestProvider("p", accepting, refusing)))
        .logStream(new LambdaFixtures.CapturedStream().stream).build();
    Decision refused = withRefusing.decide(event("t"));
    assertFalse(refused.authorized());
    assertEquals(ReasonCode.INSUFFICIENT_SCOPE, refused.reason());
    assertEquals("", refused.response().authPayload().scope());
  }

  @Test
  void theStandardMapperIsUsedForAnAcceptedTokenOfATestProvider() {
    TokenValidator accepting = (token, request) -> ValidationResult.accepted(acceptedToken());
    Authorizer authorizer = Authorizer.builder().environment(testEnv("p"))
        .providers(List.of(new TestProvider("p", accepting, null)))
        .logStream(new LambdaFixtures.CapturedStream().stream).build();
    Decision decision = authorizer.decide(event("t"));
    assertTrue(decision.authorized());
    AuthPayload payload = decision.response().authPayload();
    assertEquals(ENDPOINT, payload.aud());
    assertEquals(1_700_000_000L, payload.nbf(), "nbf falls back to iat");
    assertEquals("user/*.rs", payload.scope());
    assertEquals(ROLE, decision.response().iamRoleArn());
  }

  @Test
  void theValidatorSeesTheTokenWithoutTheBearerPrefixAndTheRequest() {
    AtomicInteger calls = new AtomicInteger();
    TokenValidator checking = (token, request) -> {
      calls.incrementAndGet();
      assertEquals("abc.def.ghi", token);
      assertEquals(ENDPOINT, request.datastoreEndpoint());
      assertEquals("CreateResource", request.operationName());
      return ValidationResult.rejected(ReasonCode.BAD_SIGNATURE, "test");
    };
    Authorizer authorizer = Authorizer.builder().environment(testEnv("p"))
        .providers(List.of(new TestProvider("p", checking, null)))
        .logStream(new LambdaFixtures.CapturedStream().stream).build();
    Decision decision = authorizer.decide(utf8(eventJson(ENDPOINT, "CreateResource", "Bearer abc.def.ghi")));
    assertEquals(1, calls.get());
    assertEquals(ReasonCode.BAD_SIGNATURE, decision.reason());
  }

  @Test
  void aFaultWhoseMessageQuotesTheTokenNeverPutsTheTokenInTheLog() {
    LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();
    TokenValidator leaky = (token, request) -> {
      throw new IllegalArgumentException("cannot parse '" + token + "' (payload "
          + token.split("\\.")[1] + ")");
    };
    Authorizer authorizer = Authorizer.builder().environment(testEnv("leaky"))
        .providers(List.of(new TestProvider("leaky", leaky, null))).logStream(log.stream).build();
    String token = token(server, "patient-456", smartClaims());

    Decision decision = authorizer.decide(event(token));
    assertEquals(ReasonCode.INTERNAL_ERROR, decision.reason());
    authorizer.handle(event("Bearer " + token), "req-leak");

    String logged = log.text();
    assertTrue(logged.contains(IllegalArgumentException.class.getName()), "the fault is still logged: " + logged);
    assertEquals(1, log.decisionLines().size());
    assertSecretFree(logged, token);
  }

  @Test
  void anUnreachableIssuerAtInitDoesNotFailTheBuildAndDeniesWithIdpUnavailable() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String issuer = "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + closedPort + "/smart";
    LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();
    Authorizer authorizer = Authorizer.builder()
        .environment(Map.of("AUTHORIZER_PROVIDER", "jwks", "AUTHORIZER_ISSUER", issuer,
            "AUTHORIZER_IAM_ROLE_ARN", ROLE, "AUTHORIZER_TIMEOUT_MS", "200"))
        .logStream(log.stream).build();

    Decision decision = authorizer.decide(event(token(server, "patient-456", smartClaims())));
    assertFalse(decision.authorized());
    assertEquals(ReasonCode.IDP_UNAVAILABLE, decision.reason());
    assertEquals(ROLE, decision.response().iamRoleArn());
  }

  @ParameterizedTest
  @ValueSource(strings = {"not a url", "urn:example:issuer", "ftp://idp.example.com/"})
  void anIssuerThatCannotBeDiscoveredIsAConfigurationErrorNotACrash(String issuer) {
    Authorizer.Builder builder = Authorizer.builder()
        .environment(Map.of("AUTHORIZER_PROVIDER", "jwks", "AUTHORIZER_ISSUER", issuer,
            "AUTHORIZER_IAM_ROLE_ARN", ROLE, "AUTHORIZER_TIMEOUT_MS", "200"))
        .logStream(new LambdaFixtures.CapturedStream().stream);
    ConfigurationException e = assertThrows(ConfigurationException.class, builder::build);
    assertTrue(e.getMessage().startsWith(e.variable() + " "), e.getMessage());
    assertEquals("AUTHORIZER_ISSUER", e.variable(), e.getMessage());

    Decision decision = builder.misconfigured(e).decide(event("a.b.c"));
    assertFalse(decision.authorized());
    assertEquals(ReasonCode.CONFIGURATION_ERROR, decision.reason());
  }

  @Test
  void aProviderThatThrowsAtInitIsAConfigurationErrorNamingTheProvider() {
    AuthorizerProvider failing = new TestProvider("failing", null, null) {
      @Override
      public TokenValidator createValidator(ProviderContext context) {
        throw new IllegalStateException("cannot start");
      }
    };
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> Authorizer.builder()
        .environment(testEnv("failing")).providers(List.of(failing))
        .logStream(new LambdaFixtures.CapturedStream().stream).build());
    assertEquals("AUTHORIZER_PROVIDER", e.variable());
    assertTrue(e.getMessage().contains("failing") && e.getMessage().contains("cannot start"), e.getMessage());
    assertInstanceOf(IllegalStateException.class, e.getCause());
  }

  @Test
  void aConfigurationExceptionFromTheProviderIsPassedThroughUnchanged() {
    ConfigurationException original = new ConfigurationException("AUTHORIZER_AUDIENCE", "is wrong");
    AuthorizerProvider failing = new TestProvider("failing", null, null) {
      @Override
      public TokenValidator createValidator(ProviderContext context) {
        throw original;
      }
    };
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> Authorizer.builder()
        .environment(testEnv("failing")).providers(List.of(failing))
        .logStream(new LambdaFixtures.CapturedStream().stream).build());
    assertEquals(original, e);
  }

  @Test
  void aMissingIssuerIsAConfigurationErrorNamingIt() {
    Map<String, String> environment = new HashMap<>(env(server));
    environment.remove("AUTHORIZER_ISSUER");
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> Authorizer.builder()
        .environment(environment).logStream(new LambdaFixtures.CapturedStream().stream).build());
    assertEquals("AUTHORIZER_ISSUER", e.variable());
  }

  @Test
  void redactCutsTheTokenAndItsSegmentsOutOfAMessage() {
    assertEquals("bad [token] here", Authorizer.redact("bad aaaaaaaa.bbbbbbbb.cccccccc here",
        "aaaaaaaa.bbbbbbbb.cccccccc"));
    assertEquals("payload [token]", Authorizer.redact("payload bbbbbbbb", "aaaaaaaa.bbbbbbbb.cccccccc"));
    assertEquals("nothing", Authorizer.redact("nothing", "aaaaaaaa.bbbbbbbb.cccccccc"));
    assertNull(Authorizer.redact(null, "t"));
    assertEquals("m", Authorizer.redact("m", null));
  }

  @Test
  void aMissingRoleArnIsAConfigurationErrorNamingTheVariable() {
    Map<String, String> environment = new HashMap<>(env(server));
    environment.remove("AUTHORIZER_IAM_ROLE_ARN");
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> Authorizer.builder().environment(environment).logStream(new LambdaFixtures.CapturedStream().stream)
            .build());
    assertEquals("AUTHORIZER_IAM_ROLE_ARN", e.variable());
    assertTrue(e.getMessage().contains("AUTHORIZER_IAM_ROLE_ARN"), e.getMessage());
  }

  @Test
  void aBlankRoleArnCountsAsMissing() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> Authorizer.builder().environment(env(server, "AUTHORIZER_IAM_ROLE_ARN", "   "))
            .logStream(new LambdaFixtures.CapturedStream().stream).build());
    assertEquals("AUTHORIZER_IAM_ROLE_ARN", e.variable());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "HealthLakeSmart",
      "arn:aws:iam::11112222333:role/HealthLakeSmart",
      "arn:aws:iam::1111222233334:role/HealthLakeSmart",
      "arn:aws:iam::111122223333:user/alice",
      "arn:aws:iam::111122223333:role/",
      "arn:aws:s3:::my-bucket",
      "arn:aws:iam::111122223333:role/Health Lake",
      "arn:aws:iam:us-east-1:111122223333:role/HealthLakeSmart"})
  void aMalformedRoleArnIsAConfigurationErrorNamingTheVariable(String role) {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> Authorizer.builder().environment(env(server, "AUTHORIZER_IAM_ROLE_ARN", role))
            .logStream(new LambdaFixtures.CapturedStream().stream).build());
    assertEquals("AUTHORIZER_IAM_ROLE_ARN", e.variable());
    assertTrue(e.getMessage().startsWith("AUTHORIZER_IAM_ROLE_ARN "), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "arn:aws:iam::111122223333:role/HealthLakeSmart",
      "arn:aws:iam::111122223333:role/service-role/path/HealthLake+Smart=1,a.b@c-d_e",
      "arn:aws-us-gov:iam::111122223333:role/HealthLakeSmart",
      "arn:aws-cn:iam::111122223333:role/HealthLakeSmart"})
  void wellFormedRoleArnsAreAcceptedAndReturned(String role) {
    Authorizer authorizer = Authorizer.builder().environment(env(server, "AUTHORIZER_IAM_ROLE_ARN", role))
        .logStream(new LambdaFixtures.CapturedStream().stream).build();
    Decision decision = authorizer.decide(event(token(server, "p", smartClaims())));
    assertTrue(decision.authorized());
    assertEquals(role, decision.response().iamRoleArn());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "49", "901", "1000", "-1", "abc", "1.5", "500ms"})
  void aTimeoutOutOfRangeIsAConfigurationErrorNamingTheVariable(String timeout) {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> Authorizer.builder().environment(env(server, "AUTHORIZER_TIMEOUT_MS", timeout))
            .logStream(new LambdaFixtures.CapturedStream().stream).build());
    assertEquals("AUTHORIZER_TIMEOUT_MS", e.variable());
    assertTrue(e.getMessage().contains("AUTHORIZER_TIMEOUT_MS"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"50", "900", "250"})
  void timeoutsWithinRangeAreAccepted(String timeout) {
    Authorizer authorizer = Authorizer.builder().environment(env(server, "AUTHORIZER_TIMEOUT_MS", timeout))
        .logStream(new LambdaFixtures.CapturedStream().stream).build();
    assertEquals("jwks", authorizer.providerName());
  }

  @Test
  void aWrongLogLevelIsAConfigurationErrorNamingTheVariable() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> Authorizer.builder().environment(env(server, "AUTHORIZER_LOG_LEVEL", "verbose"))
            .logStream(new LambdaFixtures.CapturedStream().stream).build());
    assertEquals("AUTHORIZER_LOG_LEVEL", e.variable());
  }

  @Test
  void theLogLevelSuppressesInfoDecisionLinesButKeepsWarnings() {
    LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();
    TokenValidator throwing = (token, request) -> {
      throw new IllegalStateException("x");
    };
    Authorizer quiet = Authorizer.builder().environment(env(server, "AUTHORIZER_LOG_LEVEL", "warning"))
        .logStream(log.stream).build();
    quiet.handle(event("garbage"), "r");
    assertEquals(List.of(), log.decisionLines(), "a MALFORMED_TOKEN deny is INFO and filtered out");

    Map<String, String> environment = new HashMap<>(testEnv("t"));
    environment.put("AUTHORIZER_LOG_LEVEL", "WARNING");
    Authorizer quietThrowing = Authorizer.builder().environment(environment)
        .providers(List.of(new TestProvider("t", throwing, null))).logStream(log.stream).build();
    quietThrowing.handle(event("garbage"), "r");
    assertEquals(1, log.decisionLines().size(), log.text());
  }

  @Test
  void aMisconfiguredAuthorizerDeniesEverythingWithConfigurationError() {
    LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();
    Map<String, String> environment = env(server, "AUTHORIZER_TIMEOUT_MS", "5000");
    Authorizer.Builder builder = Authorizer.builder().environment(environment).logStream(log.stream);
    ConfigurationException error = assertThrows(ConfigurationException.class, builder::build);
    Authorizer denyAll = builder.misconfigured(error);

    assertNull(denyAll.providerName());
    List<Map<String, Object>> init = log.jsonLines();
    assertEquals(1, init.size(), "the configuration error is logged once: " + log.text());
    assertEquals("ERROR", init.get(0).get("level"));
    assertEquals("AUTHORIZER_TIMEOUT_MS", init.get(0).get("variable"));
    assertTrue(init.get(0).get("message").toString().contains("AUTHORIZER_TIMEOUT_MS"));

    String token = token(server, "patient-456", smartClaims());
    Decision decision = denyAll.decide(event(token));
    assertFalse(decision.authorized(), "a valid token is still denied");
    assertEquals(ReasonCode.CONFIGURATION_ERROR, decision.reason());
    assertEquals(ENDPOINT, decision.response().authPayload().aud());
    assertEquals(ROLE, decision.response().iamRoleArn(), "the configured role is still returned when known");

    assertEquals(ReasonCode.CONFIGURATION_ERROR, denyAll.decide(utf8("not json")).reason());
    assertEquals(ReasonCode.CONFIGURATION_ERROR, denyAll.decide(new byte[0]).reason());

    log.reset();
    Map<String, Object> response = parse(denyAll.handle(event(token), "req-9"));
    assertEquals(Boolean.FALSE, authPayload(response).get("isAuthorized"));
    assertEquals("", authPayload(response).get("scope"));
    assertEquals(ENDPOINT, authPayload(response).get("aud"));
    Map<String, Object> line = log.decisionLines().get(0);
    assertEquals("CONFIGURATION_ERROR", line.get("reason"));
    assertEquals("WARNING", line.get("level"));
    assertFalse(line.containsKey("provider"));
    assertSecretFree(log.text(), token);
  }

  @Test
  void aMisconfiguredAuthorizerWithoutARoleAnswersAnEmptyRole() {
    LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();
    Map<String, String> environment = new HashMap<>(env(server));
    environment.remove("AUTHORIZER_IAM_ROLE_ARN");
    Authorizer.Builder builder = Authorizer.builder().environment(environment).logStream(log.stream);
    Authorizer denyAll = builder.misconfigured(assertThrows(ConfigurationException.class, builder::build));

    Map<String, Object> response = parse(denyAll.handle(event("x.y.z"), null));
    assertEquals("", response.get("iamRoleARN"));
    assertEquals(Boolean.FALSE, authPayload(response).get("isAuthorized"));
    assertEquals("CONFIGURATION_ERROR", log.decisionLines().get(0).get("reason"));
  }
}
