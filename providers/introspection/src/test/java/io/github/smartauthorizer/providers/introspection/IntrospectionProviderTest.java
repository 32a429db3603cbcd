package io.github.smartauthorizer.providers.introspection;

import static io.github.smartauthorizer.providers.shared.TestRequests.request;
import static io.github.smartauthorizer.providers.shared.TestSecrets.credentialsJson;
import static io.github.smartauthorizer.providers.shared.ValidationResults.accepted;
import static io.github.smartauthorizer.providers.shared.ValidationResults.assertRejected;
import static io.github.smartauthorizer.providers.shared.ValidationResults.rejection;
import static io.github.smartauthorizer.providers.shared.ValidationResults.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.Rejection;
import io.github.smartauthorizer.api.TokenTimes;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.providers.introspection.LoopbackIdp.Recorded;
import io.github.smartauthorizer.providers.introspection.LoopbackIdp.Reply;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestIssuer;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestProviderContext;
import io.github.smartauthorizer.providers.shared.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Provider {@code introspection}, built through the provider as the Lambda builds it, against an introspection
 * endpoint on loopback that this test scripts: good answers, and every bad-day answer an IdP can give.
 */
class IntrospectionProviderTest {
  private static final String SECRET_ID = "smart-authorizer/introspection";
  private static final String CLIENT_ID = "authorizer-client";
  private static final String CLIENT_SECRET = "s3cret-value";
  private static final String ISSUER = "https://idp.example.com/oauth2/default";
  private static final String AUDIENCE = "api://healthlake";
  private static final String SCOPE = "launch/patient patient/Observation.rs?category=laboratory openid fhirUser";
  private static final String TOKEN = "opaque-Token_123.abc~def+ghi/jkl==";

  private final TestClock clock = new TestClock();
  private TestSecrets secrets;
  private LoopbackIdp idp;

  @BeforeAll
  static void warmUp() {
    LoopbackIdp.warmUpHttpClient();
  }

  @BeforeEach
  void start() {
    secrets = TestSecrets.of(SECRET_ID, credentialsJson(CLIENT_ID, CLIENT_SECRET));
    idp = LoopbackIdp.start();
  }

  @AfterEach
  void stop() {
    idp.close();
  }

  /**
   * The variables every test needs (endpoint, secret id, the audience the answers name) plus {@code extra} name/value
   * pairs ({@code null} removes one).
   */
  private Map<String, String> variables(String... extra) {
    return TestProviderContext.variables(Map.of(
        "AUTHORIZER_INTROSPECTION_URL", idp.uri().toString(),
        "AUTHORIZER_CLIENT_SECRET_ID", SECRET_ID,
        "AUTHORIZER_AUDIENCE", AUDIENCE), extra);
  }

  private TokenValidator validator(String... extra) {
    return new IntrospectionProvider().createValidator(
        TestProviderContext.of(variables(extra), secrets, clock, TestProviderContext.SHORT_REMOTE_CALL_TIMEOUT));
  }

  /** An RFC 7662 answer for an active token, by the test clock; {@code changes} replace or (null) remove members. */
  private String active(Object... changes) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("active", true);
    answer.put("scope", SCOPE);
    answer.put("client_id", "smart-app");
    answer.put("username", "alice");
    answer.put("token_type", "Bearer");
    answer.put("exp", clock.epochSecond() + 3600);
    answer.put("iat", clock.epochSecond());
    answer.put("sub", "user-123");
    answer.put("aud", AUDIENCE);
    answer.put("iss", ISSUER);
    answer.put("jti", "jti-1");
    for (int i = 0; i < changes.length; i += 2) {
      if (changes[i + 1] == null) {
        answer.remove((String) changes[i]);
      } else {
        answer.put((String) changes[i], changes[i + 1]);
      }
    }
    return TestKeys.json(answer);
  }

  private static String basic(String userPass) {
    return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  // --- good answers ----------------------------------------------------------------------------------------------

  @Test
  void activeAnswerIsAcceptedWithScopeSubjectAndTimesMapped() {
    idp.respondWith(Reply.json(active()));

    VerifiedToken token = accepted(validate(validator(), TOKEN));

    assertEquals(SCOPE, token.scope(), "the scope string is kept byte for byte");
    assertEquals("user-123", token.subject());
    assertEquals(ISSUER, token.issuer());
    assertEquals(List.of(AUDIENCE), token.audiences());
    assertEquals("smart-app", token.clientId().orElseThrow());
    assertEquals(new TokenTimes(clock.epochSecond(), null, clock.epochSecond() + 3600), token.times());
    assertEquals(clock.epochSecond(), token.times().notBeforeOrIssuedAt(), "HealthLake's nbf falls back to iat");
    assertEquals("alice", token.stringClaim("username").orElseThrow());
  }

  @Test
  void theClientIsTheAnswersClientIdOnly() {
    idp.respondWith(Reply.json(active("azp", "other-app", "cid", "other-app", "appid", "other-app")));
    assertEquals(Optional.of("smart-app"), accepted(validate(validator(), TOKEN)).clientId());

    idp.respondWith(Reply.json(active("client_id", null, "azp", "smart-app", "cid", "smart-app")));
    assertEquals(Optional.empty(), accepted(validate(validator(), TOKEN)).clientId(),
        "RFC 7662 names the client client_id; nothing stands in for it");
  }

  @Test
  void groupsComeFromTheGroupsAndRolesMembersOnly() {
    idp.respondWith(Reply.json(active("groups", List.of("auditors"), "roles", List.of("reader"), "realm_access",
        Map.of("roles", List.of("admin")), "cognito:groups", List.of("admin"))));

    assertEquals(List.of("auditors", "reader"), List.copyOf(accepted(validate(validator(), TOKEN)).groups()));
  }

  @Test
  void requestIsAFormPostOfTheTokenWithAnAccessTokenHint() {
    idp.respondWith(Reply.json(active()));

    accepted(validate(validator(), TOKEN));

    Recorded sent = idp.lastRequest();
    assertEquals("POST", sent.method());
    assertEquals(LoopbackIdp.PATH, sent.path());
    String contentType = sent.header("Content-Type");
    assertTrue(contentType.startsWith("application/x-www-form-urlencoded"), contentType);
    assertEquals("application/json", sent.header("Accept"));
    assertEquals(Map.of("token", TOKEN, "token_type_hint", "access_token"), sent.form());
  }

  @Test
  void anAnswerWithoutAudIsRefusedByDefault() {
    idp.respondWith(Reply.json(active("aud", null)));

    assertRejected(ReasonCode.INVALID_AUDIENCE, validate(validator(), TOKEN));
  }

  @Test
  void anAnswerWithoutAudIsAcceptedOnlyWhenMissingAudiencesAreAllowedAndAnAudIsStillChecked() {
    TokenValidator lenient = validator("AUTHORIZER_ISSUER", ISSUER,
        "AUTHORIZER_INTROSPECTION_ALLOW_MISSING_AUDIENCE", "true");
    idp.respondWith(Reply.json(active("iss", null, "aud", null)));

    VerifiedToken token = accepted(validate(lenient, TOKEN));

    assertEquals(ISSUER, token.issuer(), "the configured issuer stands in for the missing iss");
    assertEquals(List.of(), token.audiences());
    idp.respondWith(Reply.json(active("aud", "someone-else")));
    assertRejected(ReasonCode.INVALID_AUDIENCE, validate(lenient, "another-token"));
  }

  @Test
  void matchingIssuerAndOneOfSeveralAudiencesAreAccepted() {
    idp.respondWith(Reply.json(active("aud", List.of("other-api", AUDIENCE))));

    VerifiedToken token = accepted(validate(
        validator("AUTHORIZER_ISSUER", ISSUER, "AUTHORIZER_AUDIENCE", "unrelated, " + AUDIENCE), TOKEN));

    assertEquals(List.of("other-api", AUDIENCE), token.audiences());
  }

  @Test
  void withoutAConfiguredAudienceTheAnswerMustNameTheRequestsDataStore() {
    TokenValidator validator = validator("AUTHORIZER_AUDIENCE", null);
    idp.respondWith(Reply.json(active("iss", "https://elsewhere.example.com", "aud", "someone-else")));
    assertRejected(ReasonCode.INVALID_AUDIENCE, validate(validator, TOKEN));

    idp.respondWith(Reply.json(active("iss", "https://elsewhere.example.com",
        "aud", io.github.smartauthorizer.providers.shared.TestRequests.DATASTORE_ENDPOINT)));
    assertEquals("https://elsewhere.example.com", accepted(validate(validator, "another-token")).issuer(),
        "without a configured issuer any iss is accepted");
  }

  @Test
  void expiryWithinTheClockSkewIsStillAccepted() {
    idp.respondWith(Reply.json(active("exp", clock.epochSecond() - 30, "iat", clock.epochSecond() - 3630)));

    accepted(validate(validator(), TOKEN));
  }

  // --- the token never reaches the IdP when it cannot be a bearer token ------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"two words", "tab\there", "line\nbreak", "quote\"d", "comma,separated", "semi;colon",
      "=leading-padding", "pad=in-the-middle", "n\u00f6n-ascii", "Bearer abc"})
  void tokenThatIsNotAB64TokenIsMalformedWithoutAnyRequest(String token) {
    idp.respondWith(Reply.json(active()));

    assertRejected(ReasonCode.MALFORMED_TOKEN, validate(validator(), token));
    assertEquals(0, idp.requestCount());
  }

  @Test
  void emptyTokenIsMalformedWithoutAnyRequest() {
    assertRejected(ReasonCode.MALFORMED_TOKEN, validate(validator(), ""));
    assertEquals(0, idp.requestCount());
  }

  @Test
  void tokenOverTheSizeCapIsRejectedWithoutAnyRequest() {
    idp.respondWith(Reply.json(active()));
    TokenValidator validator = validator();

    assertRejected(ReasonCode.TOKEN_TOO_LARGE, validate(validator, "a".repeat(8193)));
    assertEquals(0, idp.requestCount());

    accepted(validate(validator, "a".repeat(8192)));
    assertEquals(1, idp.requestCount(), "a token at the cap is introspected");
  }

  @Test
  void configuredSizeCapApplies() {
    TokenValidator validator = validator("AUTHORIZER_MAX_TOKEN_BYTES", "512");

    assertRejected(ReasonCode.TOKEN_TOO_LARGE, validate(validator, "a".repeat(513)));
    assertEquals(0, idp.requestCount());
  }

  // --- inactive and bad-day answers ------------------------------------------------------------------------------

  @Test
  void inactiveAnswerIsInactiveToken() {
    idp.respondWith(Reply.json("{\"active\":false}"));

    Rejection rejection = rejection(validate(validator(), TOKEN));

    assertEquals(ReasonCode.INACTIVE_TOKEN, rejection.reason(), "the AWS sample crashes here; we deny");
    assertEquals(TokenTimes.UNKNOWN, rejection.times());
  }

  @Test
  void slowIdpIsUnavailableAndTheCallEndsWithinTwiceTheTimeout() {
    idp.respondWith(Reply.json(active()));
    TokenValidator validator = validator("AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "0");
    accepted(validate(validator, "warm-up-token")); // loads classes and opens the connection
    idp.respondWith(Reply.json(active()).delayedBy(Duration.ofSeconds(3)));

    long started = System.nanoTime();
    ValidationResult result = validate(validator, TOKEN);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

    assertRejected(ReasonCode.IDP_UNAVAILABLE, result);
    assertTrue(elapsed.compareTo(TestProviderContext.SHORT_REMOTE_CALL_TIMEOUT.multipliedBy(2)) < 0,
        "took " + elapsed.toMillis() + " ms with a timeout of "
            + TestProviderContext.SHORT_REMOTE_CALL_TIMEOUT.toMillis());
  }

  @Test
  void slowRetryAfterA401StaysWithinTheSameBudget() {
    TokenValidator validator = validator("AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "0");
    idp.respondWith(Reply.json(active()));
    accepted(validate(validator, "warm-up-token"));
    secrets.put(SECRET_ID, credentialsJson(CLIENT_ID, "rotated-secret"));
    idp.enqueue(Reply.status(401, "application/json", "{\"error\":\"invalid_client\"}")
        .delayedBy(Duration.ofMillis(150)));
    idp.enqueue(Reply.json(active()).delayedBy(Duration.ofSeconds(3)));

    long started = System.nanoTime();
    ValidationResult result = validate(validator, TOKEN);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

    assertRejected(ReasonCode.IDP_UNAVAILABLE, result);
    assertEquals(3, idp.requestCount(), "warm-up, the 401, and the retry");
    assertTrue(elapsed.compareTo(TestProviderContext.SHORT_REMOTE_CALL_TIMEOUT.multipliedBy(2)) < 0,
        "the retry must not get a fresh timeout: took " + elapsed.toMillis() + " ms");
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 403, 404, 429, 500, 502, 503})
  void errorStatusIsIdpUnavailable(int status) {
    idp.respondWith(Reply.status(status, "application/json", active()));

    assertRejected(ReasonCode.IDP_UNAVAILABLE, validate(validator(), TOKEN));
  }

  @Test
  void redirectIsNotFollowedAndIsIdpUnavailable() {
    idp.respondWith(Reply.status(302, "text/plain", ""));

    assertRejected(ReasonCode.IDP_UNAVAILABLE, validate(validator(), TOKEN));
    assertEquals(1, idp.requestCount());
  }

  @ParameterizedTest
  @ValueSource(strings = {"<html><body>502 Bad Gateway</body></html>", "", "not json", "{\"active\":true",
      "{\"active\":true}{\"active\":true}", "[{\"active\":true}]", "{\"active\":true,\"active\":false}",
      "{\"active\":false,\"active\":true}", "{'active':true}", "\"active\""})
  void bodyThatIsNotOneStrictJsonObjectIsIdpUnavailable(String body) {
    idp.respondWith(Reply.json(body));

    assertRejected(ReasonCode.IDP_UNAVAILABLE, validate(validator(), TOKEN));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"active\":\"true\"}", "{\"active\":1}", "{\"active\":null}",
      "{\"Active\":true}", "{\"scope\":\"patient/*.read\",\"exp\":4102444800}"})
  void answerWithoutABooleanActiveIsIdpUnavailable(String body) {
    idp.respondWith(Reply.json(body));

    assertRejected(ReasonCode.IDP_UNAVAILABLE, validate(validator(), TOKEN));
  }

  @Test
  void answerLargerThanTheCapIsIdpUnavailable() {
    idp.respondWith(Reply.json(active("padding", "x".repeat(70 * 1024))));

    assertRejected(ReasonCode.IDP_UNAVAILABLE, validate(validator(), TOKEN));
  }

  @Test
  void refusedConnectionIsIdpUnavailable() {
    TokenValidator validator = validator("AUTHORIZER_INTROSPECTION_URL",
        "http://127.0.0.1:" + TestIssuer.freeLoopbackPort() + "/introspect");

    assertRejected(ReasonCode.IDP_UNAVAILABLE, validate(validator, TOKEN));
  }

  // --- claim rules on the answer ---------------------------------------------------------------------------------

  @Test
  void expiredExpIsExpiredWithTheAnswersTimes() {
    long exp = clock.epochSecond() - 3600;
    idp.respondWith(Reply.json(active("exp", exp, "iat", exp - 3600)));

    Rejection rejection = rejection(validate(validator(), TOKEN));

    assertEquals(ReasonCode.EXPIRED, rejection.reason());
    assertEquals(exp, rejection.times().expiresAt());
  }

  @Test
  void futureNbfIsNotYetValid() {
    idp.respondWith(Reply.json(active("nbf", clock.epochSecond() + 600)));

    assertRejected(ReasonCode.NOT_YET_VALID, validate(validator(), TOKEN));
  }

  @Test
  void futureIatIsNotYetValid() {
    idp.respondWith(Reply.json(active("iat", clock.epochSecond() + 600)));

    assertRejected(ReasonCode.NOT_YET_VALID, validate(validator(), TOKEN));
  }

  @Test
  void wrongAudIsInvalidAudienceWhenAnAudienceIsConfigured() {
    idp.respondWith(Reply.json(active("aud", List.of("https://other-api.example.com", "account"))));

    assertRejected(ReasonCode.INVALID_AUDIENCE, validate(validator("AUTHORIZER_AUDIENCE", AUDIENCE), TOKEN));
  }

  @Test
  void audThatIsNotAStringOrStringArrayIsInvalidAudience() {
    idp.respondWith(Reply.json(active("aud", 42)));

    assertRejected(ReasonCode.INVALID_AUDIENCE, validate(validator("AUTHORIZER_AUDIENCE", AUDIENCE), TOKEN));
  }

  @Test
  void issMismatchIsInvalidIssuerWhenAnIssuerIsConfigured() {
    idp.respondWith(Reply.json(active("iss", ISSUER + "/")));

    assertRejected(ReasonCode.INVALID_ISSUER, validate(validator("AUTHORIZER_ISSUER", ISSUER), TOKEN));
  }

  @Test
  void missingExpIsMissingClaim() {
    idp.respondWith(Reply.json(active("exp", null)));

    assertRejected(ReasonCode.MISSING_CLAIM, validate(validator(), TOKEN));
  }

  @Test
  void missingIatAndNbfIsMissingClaim() {
    idp.respondWith(Reply.json(active("iat", null)));

    assertRejected(ReasonCode.MISSING_CLAIM, validate(validator(), TOKEN));
  }

  @Test
  void expThatIsNotANumberIsMissingClaim() {
    idp.respondWith(Reply.json(active("exp", String.valueOf(clock.epochSecond() + 3600))));

    assertRejected(ReasonCode.MISSING_CLAIM, validate(validator(), TOKEN));
  }

  // --- client authentication on the wire -------------------------------------------------------------------------

  @Test
  void clientSecretBasicIsTheDefaultAndSendsNoCredentialsInTheBody() {
    idp.respondWith(Reply.json(active()));

    accepted(validate(validator(), TOKEN));

    Recorded sent = idp.lastRequest();
    assertEquals(basic(CLIENT_ID + ":" + CLIENT_SECRET), sent.header("Authorization"));
    assertFalse(sent.form().containsKey("client_id"));
    assertFalse(sent.form().containsKey("client_secret"));
  }

  @Test
  void clientSecretBasicFormEncodesTheIdAndSecretBeforeBase64() {
    secrets.put(SECRET_ID, credentialsJson("client:id \u00e9", "p@ss+/ =&%:w\u00f6rd"));
    idp.respondWith(Reply.json(active()));

    accepted(validate(validator("AUTHORIZER_INTROSPECTION_AUTH", "client_secret_basic"), TOKEN));

    // RFC 6749 §2.3.1 and Appendix B: application/x-www-form-urlencoded, UTF-8, space as '+'.
    assertEquals("client%3Aid+%C3%A9:p%40ss%2B%2F+%3D%26%25%3Aw%C3%B6rd", idp.lastRequest().basicCredentials());
  }

  @Test
  void clientSecretPostSendsTheCredentialsInTheFormAndNoAuthorizationHeader() {
    secrets.put(SECRET_ID, credentialsJson("client:id \u00e9", "p@ss+/ =&%:w\u00f6rd"));
    idp.respondWith(Reply.json(active()));

    accepted(validate(validator("AUTHORIZER_INTROSPECTION_AUTH", "CLIENT_SECRET_POST"), TOKEN));

    Recorded sent = idp.lastRequest();
    assertNull(sent.header("Authorization"));
    assertEquals(Map.of("token", TOKEN, "token_type_hint", "access_token",
        "client_id", "client:id \u00e9", "client_secret", "p@ss+/ =&%:w\u00f6rd"), sent.form());
  }

  @Test
  void localCredentialsAreUsedWhenNoSecretIsConfigured() {
    idp.respondWith(Reply.json(active()));

    accepted(validate(validator("AUTHORIZER_CLIENT_SECRET_ID", null,
        "AUTHORIZER_CLIENT_ID", "local-client", "AUTHORIZER_CLIENT_SECRET", "local-secret"), TOKEN));

    assertEquals(basic("local-client:local-secret"), idp.lastRequest().header("Authorization"));
    assertEquals(0, secrets.reads());
  }

  // --- credentials: read once, re-read once on 401 ---------------------------------------------------------------

  @Test
  void credentialsAreReadOnceAtInitAndNotPerRequest() {
    idp.respondWith(Reply.json(active()));
    TokenValidator validator = validator("AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "0");
    assertEquals(1, secrets.reads(SECRET_ID), "read at init, before any request");

    for (int i = 0; i < 5; i++) {
      accepted(validate(validator, "token-" + i));
    }

    assertEquals(5, idp.requestCount());
    assertEquals(1, secrets.reads(SECRET_ID));
  }

  @Test
  void unauthorizedAnswerRereadsTheRotatedSecretOnceAndRetriesWithTheNewCredentials() {
    String rotated = "rotated-secret";
    idp.respondWith(r -> basic(CLIENT_ID + ":" + rotated).equals(r.header("Authorization"))
        ? Reply.json(active())
        : Reply.status(401, "application/json", "{\"error\":\"invalid_client\"}"));
    TokenValidator validator = validator("AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "0");
    secrets.put(SECRET_ID, credentialsJson(CLIENT_ID, rotated));

    accepted(validate(validator, TOKEN));

    assertEquals(2, secrets.reads(SECRET_ID), "one read at init, exactly one re-read after the 401");
    List<Recorded> sent = idp.requests();
    assertEquals(2, sent.size());
    assertEquals(basic(CLIENT_ID + ":" + CLIENT_SECRET), sent.get(0).header("Authorization"));
    assertEquals(basic(CLIENT_ID + ":" + rotated), sent.get(1).header("Authorization"));
    assertEquals(TOKEN, sent.get(1).form().get("token"));

    accepted(validate(validator, TOKEN));
    assertEquals(3, idp.requestCount(), "the next call goes straight out with the new credentials");
    assertEquals(basic(CLIENT_ID + ":" + rotated), idp.lastRequest().header("Authorization"));
    assertEquals(2, secrets.reads(SECRET_ID));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Refresh", "refresh_token", "ID", "N_A"})
  void answerForAnythingButABearerAccessTokenIsInvalidTokenType(String tokenType) {
    idp.respondWith(Reply.json(active("token_type", tokenType)));

    assertRejected(ReasonCode.INVALID_TOKEN_TYPE, validate(validator(), TOKEN));
  }

  @Test
  void answerWithTokenUseRefreshTokenIsInvalidTokenType() {
    idp.respondWith(Reply.json(active("token_use", "refresh_token")));

    assertRejected(ReasonCode.INVALID_TOKEN_TYPE, validate(validator(), TOKEN));
  }

  @Test
  void unauthorizedAnswerWithTooLittleBudgetLeftIsNotRetriedButTheRotatedSecretIsKept() {
    String rotated = "rotated-secret";
    Duration budget = Duration.ofMillis(600);
    TokenValidator validator = new IntrospectionProvider().createValidator(TestProviderContext.of(
        variables("AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "0"), secrets, clock, budget));
    idp.respondWith(Reply.json(active()));
    accepted(validate(validator, "warm-up-token"));
    secrets.put(SECRET_ID, credentialsJson(CLIENT_ID, rotated));
    // The 401 arrives with a quarter of the budget left: less than the third a retry needs, enough to arrive in time.
    idp.enqueue(Reply.status(401, "application/json", "{\"error\":\"invalid_client\"}")
        .delayedBy(budget.multipliedBy(3).dividedBy(4)));

    assertRejected(ReasonCode.IDP_UNAVAILABLE, validate(validator, TOKEN));
    assertEquals(2, idp.requestCount(), "warm-up, then the 401: no retry with less than a third of the budget left");

    idp.respondWith(Reply.json(active()));
    accepted(validate(validator, TOKEN));
    assertEquals(basic(CLIENT_ID + ":" + rotated), idp.lastRequest().header("Authorization"),
        "the next call uses the credentials re-read after the 401");
    assertEquals(2, secrets.reads(SECRET_ID));
  }

  @Test
  void unauthorizedAnswerWithUnchangedCredentialsIsIdpUnavailableWithoutARetry() {
    idp.respondWith(Reply.status(401, "application/json", "{\"error\":\"invalid_client\"}"));
    TokenValidator validator = validator();

    assertRejected(ReasonCode.IDP_UNAVAILABLE, validate(validator, TOKEN));

    assertEquals(1, idp.requestCount(), "the same credentials are not sent twice");
    assertEquals(2, secrets.reads(SECRET_ID), "the secret was re-read once and found unchanged");
  }

  @Test
  void unauthorizedAnswerAfterTheRetryIsIdpUnavailable() {
    idp.respondWith(Reply.status(401, "application/json", "{\"error\":\"invalid_client\"}"));
    TokenValidator validator = validator();
    secrets.put(SECRET_ID, credentialsJson(CLIENT_ID, "also-wrong"));

    assertRejected(ReasonCode.IDP_UNAVAILABLE, validate(validator, TOKEN));

    assertEquals(2, idp.requestCount(), "exactly one retry");
    assertEquals(2, secrets.reads(SECRET_ID));
  }

  @Test
  void unauthorizedAnswerWithLocalCredentialsIsIdpUnavailableWithoutARetry() {
    idp.respondWith(Reply.status(401, "application/json", "{\"error\":\"invalid_client\"}"));
    TokenValidator validator = validator("AUTHORIZER_CLIENT_SECRET_ID", null,
        "AUTHORIZER_CLIENT_ID", "local-client", "AUTHORIZER_CLIENT_SECRET", "local-secret");

    assertRejected(ReasonCode.IDP_UNAVAILABLE, validate(validator, TOKEN));
    assertEquals(1, idp.requestCount());
  }

  @Test
  void unauthorizedAnswerWhenTheSecretCannotBeReadAgainIsIdpUnavailableWithoutARetry() {
    idp.respondWith(Reply.status(401, "application/json", "{\"error\":\"invalid_client\"}"));
    TokenValidator validator = validator();
    secrets.remove(SECRET_ID);

    assertRejected(ReasonCode.IDP_UNAVAILABLE, validate(validator, TOKEN));
    assertEquals(1, idp.requestCount());
  }

  // --- configuration ---------------------------------------------------------------------------------------------

  @Test
  void introspectionUrlIsRequired() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> validator("AUTHORIZER_INTROSPECTION_URL", null));

    assertEquals("AUTHORIZER_INTROSPECTION_URL", e.variable());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://idp.example.com/introspect", "/v1/introspect", "not a url"})
  void introspectionUrlMustBeAnAbsoluteHttpUrl(String url) {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> validator("AUTHORIZER_INTROSPECTION_URL", url));

    assertEquals("AUTHORIZER_INTROSPECTION_URL", e.variable());
  }

  @ParameterizedTest
  @ValueSource(strings = {"private_key_jwt", "none", "basic"})
  void unsupportedClientAuthenticationIsAConfigurationError(String method) {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> validator("AUTHORIZER_INTROSPECTION_AUTH", method));

    assertEquals("AUTHORIZER_INTROSPECTION_AUTH", e.variable());
  }

  @Test
  void missingCredentialsAreAConfigurationError() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> validator("AUTHORIZER_CLIENT_SECRET_ID", null));

    assertEquals("AUTHORIZER_CLIENT_SECRET_ID", e.variable());
  }

  @Test
  void unreadableSecretAtInitIsAConfigurationErrorWithoutTheSecret() {
    secrets.put(SECRET_ID, "{\"client_id\":\"" + CLIENT_ID + "\",\"client_secret\":\"" + CLIENT_SECRET + "\"");

    ConfigurationException e = assertThrows(ConfigurationException.class, this::validator);

    assertEquals("AUTHORIZER_CLIENT_SECRET_ID", e.variable());
    assertFalse(e.getMessage().contains(CLIENT_SECRET), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "3601", "thirty"})
  void cacheSecondsOutOfRangeIsAConfigurationError(String value) {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> validator("AUTHORIZER_INTROSPECTION_CACHE_SECONDS", value));

    assertEquals("AUTHORIZER_INTROSPECTION_CACHE_SECONDS", e.variable());
  }

  @Test
  void providerIsNamedIntrospection() {
    assertEquals("introspection", new IntrospectionProvider().name());
  }
}
