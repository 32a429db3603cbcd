package io.github.smartauthorizer.providers.introspection;

import static io.github.smartauthorizer.providers.shared.TestSecrets.credentialsJson;
import static io.github.smartauthorizer.providers.shared.ValidationResults.accepted;
import static io.github.smartauthorizer.providers.shared.ValidationResults.reason;
import static io.github.smartauthorizer.providers.shared.ValidationResults.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.providers.introspection.LoopbackIdp.Reply;
import io.github.smartauthorizer.providers.shared.TestClock;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestProviderContext;
import io.github.smartauthorizer.providers.shared.TestRequests;
import io.github.smartauthorizer.providers.shared.TestSecrets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The result cache as a provider uses it ({@code AUTHORIZER_INTROSPECTION_CACHE_SECONDS}, default 30): counted in
 * requests the loopback endpoint received, with a {@link TestClock} moving time.
 */
class IntrospectionResultCacheTest {
  private static final String SECRET_ID = "smart-authorizer/introspection";
  private static final String TOKEN = "opaque-token-1";

  private final TestClock clock = new TestClock();
  private TestSecrets secrets;
  private LoopbackIdp idp;
  /** Seconds from "now" (by the test clock, when the IdP answers) to the {@code exp} it reports. */
  private volatile long tokenLifetimeSeconds = 3600;

  @BeforeAll
  static void warmUp() {
    LoopbackIdp.warmUpHttpClient();
  }

  @BeforeEach
  void start() {
    secrets = TestSecrets.of(SECRET_ID, credentialsJson("authorizer-client", "s3cret"));
    idp = LoopbackIdp.start().respondWith(r -> Reply.json(active()));
  }

  @AfterEach
  void stop() {
    idp.close();
  }

  private String active() {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("active", true);
    answer.put("scope", "patient/*.read");
    answer.put("sub", "user-123");
    answer.put("aud", TestRequests.DATASTORE_ENDPOINT);
    answer.put("iat", clock.epochSecond());
    answer.put("exp", clock.epochSecond() + tokenLifetimeSeconds);
    return TestKeys.json(answer);
  }

  private TokenValidator validator(String... extra) {
    Map<String, String> variables = TestProviderContext.variables(Map.of(
        "AUTHORIZER_INTROSPECTION_URL", idp.uri().toString(),
        "AUTHORIZER_CLIENT_SECRET_ID", SECRET_ID), extra);
    return new IntrospectionProvider().createValidator(
        TestProviderContext.of(variables, secrets, clock, TestProviderContext.SHORT_REMOTE_CALL_TIMEOUT));
  }

  @Test
  void repeatedTokenCostsOneIntrospectionCall() {
    TokenValidator validator = validator();

    VerifiedToken first = accepted(validate(validator, TOKEN));
    VerifiedToken second = accepted(validate(validator, TOKEN));
    VerifiedToken third = accepted(validate(validator, TOKEN));

    assertEquals(1, idp.requestCount(), "hits do no network I/O");
    assertEquals(first.scope(), second.scope());
    assertEquals(first.times(), third.times());
  }

  @Test
  void cacheHitServesTheResultEvenWhileTheIdpIsDown() {
    TokenValidator validator = validator();
    accepted(validate(validator, TOKEN));
    idp.close();

    accepted(validate(validator, TOKEN));
  }

  @Test
  void differentTokensAreIntrospectedSeparately() {
    TokenValidator validator = validator();

    accepted(validate(validator, "token-a"));
    accepted(validate(validator, "token-b"));
    accepted(validate(validator, "token-a"));
    accepted(validate(validator, "token-b"));

    assertEquals(2, idp.requestCount());
  }

  @Test
  void entryExpiresAfterTheDefaultThirtySeconds() {
    TokenValidator validator = validator();
    accepted(validate(validator, TOKEN));

    clock.advance(Duration.ofSeconds(29));
    accepted(validate(validator, TOKEN));
    assertEquals(1, idp.requestCount());

    clock.advance(Duration.ofSeconds(1));
    accepted(validate(validator, TOKEN));
    assertEquals(2, idp.requestCount(), "an expired entry costs another introspection");

    accepted(validate(validator, TOKEN));
    assertEquals(2, idp.requestCount(), "and is cached again");
  }

  @Test
  void entryExpiresAfterTheConfiguredCacheSeconds() {
    TokenValidator validator = validator("AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "5");
    accepted(validate(validator, TOKEN));

    clock.advance(Duration.ofSeconds(4));
    accepted(validate(validator, TOKEN));
    assertEquals(1, idp.requestCount());

    clock.advance(Duration.ofSeconds(1));
    accepted(validate(validator, TOKEN));
    assertEquals(2, idp.requestCount());
  }

  @Test
  void entryExpiresAtTheTokensExpWhenThatComesBeforeTheCacheSeconds() {
    tokenLifetimeSeconds = 10;
    TokenValidator validator = validator("AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "300");
    accepted(validate(validator, TOKEN));

    clock.advance(Duration.ofSeconds(9));
    accepted(validate(validator, TOKEN));
    assertEquals(1, idp.requestCount());

    clock.advance(Duration.ofSeconds(1));
    accepted(validate(validator, TOKEN));
    assertEquals(2, idp.requestCount(), "a cached result is never served past the token's exp");
  }

  @Test
  void zeroCacheSecondsSendsEveryCallToTheIdp() {
    TokenValidator validator = validator("AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "0");

    for (int i = 0; i < 4; i++) {
      accepted(validate(validator, TOKEN));
    }

    assertEquals(4, idp.requestCount());
  }

  @Test
  void inactiveAnswerIsNotCached() {
    idp.respondWith(Reply.json("{\"active\":false}"));
    TokenValidator validator = validator();

    assertEquals(ReasonCode.INACTIVE_TOKEN, reason(validate(validator, TOKEN)));
    assertEquals(ReasonCode.INACTIVE_TOKEN, reason(validate(validator, TOKEN)));
    assertEquals(2, idp.requestCount(), "each inactive answer is asked for again");

    idp.respondWith(r -> Reply.json(active()));
    accepted(validate(validator, TOKEN));
    assertEquals(3, idp.requestCount());
  }

  @Test
  void failedIntrospectionIsNotCached() {
    idp.enqueue(Reply.status(503, "text/plain", "busy"));
    TokenValidator validator = validator();

    assertEquals(ReasonCode.IDP_UNAVAILABLE, reason(validate(validator, TOKEN)));
    accepted(validate(validator, TOKEN));
    accepted(validate(validator, TOKEN));

    assertEquals(2, idp.requestCount());
  }

  @Test
  void activeAnswerRejectedByTheClaimRulesIsNotCached() {
    idp.respondWith(r -> Reply.json("{\"active\":true,\"aud\":\"someone-else\",\"iat\":" + clock.epochSecond()
        + ",\"exp\":" + (clock.epochSecond() + 3600) + "}"));
    TokenValidator validator = validator("AUTHORIZER_AUDIENCE", "api://healthlake");

    assertEquals(ReasonCode.INVALID_AUDIENCE, reason(validate(validator, TOKEN)));
    assertEquals(ReasonCode.INVALID_AUDIENCE, reason(validate(validator, TOKEN)));

    assertEquals(2, idp.requestCount());
  }

  @Test
  void configuredMaxEntriesEvictsTheLeastRecentlyUsedToken() {
    TokenValidator validator = validator("AUTHORIZER_INTROSPECTION_CACHE_MAX_ENTRIES", "2");

    accepted(validate(validator, "token-a"));
    accepted(validate(validator, "token-b"));
    accepted(validate(validator, "token-c")); // evicts token-a
    assertEquals(3, idp.requestCount());

    accepted(validate(validator, "token-c"));
    accepted(validate(validator, "token-b"));
    assertEquals(3, idp.requestCount(), "b and c are still cached");

    accepted(validate(validator, "token-a"));
    assertEquals(4, idp.requestCount(), "a was evicted");
  }
}
