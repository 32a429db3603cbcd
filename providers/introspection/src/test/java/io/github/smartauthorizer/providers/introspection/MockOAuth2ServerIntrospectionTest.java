package io.github.smartauthorizer.providers.introspection;

import static io.github.smartauthorizer.providers.shared.TestRequests.DATASTORE_ENDPOINT;
import static io.github.smartauthorizer.providers.shared.TestSecrets.credentialsJson;
import static io.github.smartauthorizer.providers.shared.ValidationResults.reason;
import static io.github.smartauthorizer.providers.shared.ValidationResults.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestIssuer;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestProviderContext;
import io.github.smartauthorizer.providers.shared.TestSecrets;
import io.github.smartauthorizer.providers.shared.TestTokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Provider {@code introspection} against the real introspection endpoint of nav's mock-oauth2-server
 * ({@code <issuer>/introspect}), which requires an {@code Authorization} header and answers for the tokens it
 * issued.
 *
 * <p>What that endpoint really answers (mock-oauth2-server 2.3.0, probed): for an active token
 * {@code {"active":true,"scope":...,"client_id":"null","username":"null","token_type":"null","sub":...,
 * "aud":"[...]","iss":...,"jti":...}}, i.e. <em>without</em> {@code exp}, {@code iat} or {@code nbf} (it copies them
 * only when the parsed claim is a {@code Long}, but nimbus parses them as {@code Date}s), with {@code aud} as the
 * string form of a list; {@code {"active":false}} for any token it cannot verify (not its signature, expired by the
 * clock it was started with); HTTP 401 {@code invalid_client} when no {@code Authorization} header is sent.
 * HealthLake needs {@code exp}, so an active answer from this mock is denied {@code MISSING_CLAIM}; the accepted path
 * is proven against the scripted endpoint in {@link IntrospectionProviderTest}.
 */
class MockOAuth2ServerIntrospectionTest {
  private static final String SECRET_ID = "smart-authorizer/introspection";

  /** The mock both stamps its tokens and judges them, when introspecting, by this clock. */
  private static final TestClock clock = new TestClock();
  private static TestIssuer issuer;
  private TestSecrets secrets;

  /**
   * The mock's own key handling: its introspection endpoint verifies with the key set it generates per issuer, so an
   * issuer started with a key of ours ({@link TestIssuer#startRs256}) answers {@code active:false} to its own tokens.
   */
  @BeforeAll
  static void startIssuer() {
    issuer = TestIssuer.startGenerated(clock, "RS256", 0);
  }

  @AfterAll
  static void stopIssuer() {
    issuer.close();
  }

  @BeforeEach
  void reset() {
    clock.set(TestClock.DEFAULT_START);
    secrets = TestSecrets.of(SECRET_ID, credentialsJson("authorizer-client", "s3cret"));
    issuer.takeRequests();
  }

  private static String introspectionUrl() {
    return issuer.server().url(TestIssuer.ISSUER_ID + "/introspect").toString();
  }

  private TokenValidator validator(String... extra) {
    Map<String, String> variables = TestProviderContext.variables(Map.of(
        "AUTHORIZER_INTROSPECTION_URL", introspectionUrl(),
        "AUTHORIZER_CLIENT_SECRET_ID", SECRET_ID,
        "AUTHORIZER_ISSUER", issuer.issuer(),
        "AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "0"), extra);
    // The mock's first answer in a JVM takes a moment of one-time initialization: a generous call timeout.
    TokenValidator validator = new IntrospectionProvider().createValidator(
        TestProviderContext.of(variables, secrets, clock, Duration.ofSeconds(2)));
    issuer.takeRequests(); // the provider's priming call at init
    return validator;
  }

  private static String issuedToken(long lifetimeSeconds) {
    return issuer.issue("user-123", "JWT", List.of(DATASTORE_ENDPOINT),
        Map.of("scope", "launch/patient patient/*.read"), lifetimeSeconds);
  }

  @Test
  void activeAnswerOfTheMockLacksExpSoItsTokensAreDeniedAsMissingClaim() {
    String token = issuedToken(3600);

    ValidationResult result = validate(validator(), token);

    // Not IDP_UNAVAILABLE: our Basic credentials were accepted; not INACTIVE_TOKEN: the mock said active.
    assertEquals(ReasonCode.MISSING_CLAIM, reason(result));
    assertEquals(List.of("/" + TestIssuer.ISSUER_ID + "/introspect"), issuer.takeRequests());
  }

  @Test
  void activeAnswerOfTheMockIsNotCachedBecauseItWasDenied() {
    String token = issuedToken(3600);
    TokenValidator validator = validator("AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "30");

    assertEquals(ReasonCode.MISSING_CLAIM, reason(validate(validator, token)));
    assertEquals(ReasonCode.MISSING_CLAIM, reason(validate(validator, token)));

    assertEquals(2, issuer.takeRequests().size());
  }

  @Test
  void opaqueTokenTheMockDidNotIssueIsInactive() {
    assertEquals(ReasonCode.INACTIVE_TOKEN, reason(validate(validator(), "some-opaque-token-value")));
  }

  @Test
  void jwtSignedWithAnotherKeyIsInactive() {
    String forged = TestTokens.rs256(issuer.kid(), TestKeys.rsa())
        .sign(TestTokens.claims(issuer.issuer(), DATASTORE_ENDPOINT, clock.epochSecond(), 3600));

    assertEquals(ReasonCode.INACTIVE_TOKEN, reason(validate(validator(), forged)));
  }

  @Test
  void tokenTheMockIssuedIsInactiveOnceExpiredByItsClock() {
    String token = issuedToken(60);
    clock.advance(Duration.ofHours(2));

    assertEquals(ReasonCode.INACTIVE_TOKEN, reason(validate(validator(), token)));
  }

  @Test
  void clientSecretPostIsRefusedByTheMockWhichWantsAnAuthorizationHeader() {
    TokenValidator validator = validator("AUTHORIZER_INTROSPECTION_AUTH", "client_secret_post");

    assertEquals(ReasonCode.IDP_UNAVAILABLE, reason(validate(validator, issuedToken(3600))));

    assertEquals(1, issuer.takeRequests().size(), "its 401 is not retried with the same credentials");
    assertEquals(2, secrets.reads(SECRET_ID), "the 401 made us re-read the secret once");
  }
}
