package io.github.smartauthorizer.providers.shared;

import static io.github.smartauthorizer.providers.shared.TestRequests.DATASTORE_ENDPOINT;
import static io.github.smartauthorizer.providers.shared.TestRequests.request;
import static io.github.smartauthorizer.providers.shared.ValidationResults.accepted;
import static io.github.smartauthorizer.providers.shared.ValidationResults.reason;
import static io.github.smartauthorizer.providers.shared.ValidationResults.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.VerifiedToken;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The key cache against a real embedded issuer (nav's mock-oauth2-server): fetch counts are the requests the issuer
 * received, rotation is a new issuer on the same port with a new key, an outage is the issuer shut down.
 */
class JwksCacheTest {
  private static final Duration TTL = Duration.ofMinutes(15);
  private static final Duration REFETCH_INTERVAL = Duration.ofSeconds(30);
  private static final Duration MAX_STALE = Duration.ofHours(1);

  private final TestClock clock = new TestClock();
  private final List<TestIssuer> issuers = new ArrayList<>();

  @AfterEach
  void stopIssuers() {
    issuers.forEach(TestIssuer::close);
  }

  private TestIssuer startIssuer(KeyPair key, String kid, int port) {
    TestIssuer issuer = TestIssuer.startRs256(clock, key, kid, port);
    issuers.add(issuer);
    return issuer;
  }

  private TestIssuer startIssuer(String kid) {
    return startIssuer(TestKeys.rsa(), kid, 0);
  }

  private JwksCache.Builder cache(JwksLocation location) {
    return cache(location, Duration.ofMillis(500));
  }

  /**
   * A cache whose fetches time out after {@code timeout}. Paths that hit the mock issuer's discovery document use a
   * longer one: its first answer in a JVM takes about half a second of one-time initialization.
   */
  private JwksCache.Builder cache(JwksLocation location, Duration timeout) {
    return JwksCache.builder()
        .fetcher(new HttpFetcher(timeout, JwtSettings.MAX_DOCUMENT_BYTES))
        .location(location)
        .algorithms(EnumSet.of(JwsAlgorithm.RS256))
        .clock(clock)
        .ttl(TTL)
        .refetchInterval(REFETCH_INTERVAL)
        .maxStale(MAX_STALE)
        .refreshExecutor(null);
  }

  private JwksCache cache(URI jwksUri) {
    return cache(JwksLocation.fixed(jwksUri)).build();
  }

  private JwtValidator validator(String issuer, JwksCache keys) {
    return JwtValidator.builder().issuer(issuer).keys(keys).clock(clock).build();
  }

  /** A token valid for three hours, so that only the keys decide across the TTL and max-stale windows. */
  private static String longLivedToken(TestIssuer issuer) {
    return issuer.issue("user-123", "JWT", List.of(DATASTORE_ENDPOINT), Map.of("scope", "patient/*.read"),
        Duration.ofHours(3).toSeconds());
  }

  /** A token the issuer's JWKS does not know, signed by a key of this test. */
  private String strangerToken(String issuer, String kid) {
    return TestTokens.rs256(kid, STRANGER_KEY)
        .sign(TestTokens.claims(issuer, DATASTORE_ENDPOINT, clock.epochSecond(), 3600));
  }

  private static final KeyPair STRANGER_KEY = TestKeys.rsa();

  // --- fetching --------------------------------------------------------------------------------------------------

  @Test
  void prefetchLoadsTheKeysWithOneRequest() {
    TestIssuer issuer = startIssuer("gen-1");
    JwksCache keys = cache(issuer.jwksUri());
    assertEquals(0, keys.size());
    assertTrue(keys.prefetch());
    assertEquals(1, keys.size());
    assertEquals(1, keys.fetchCount());
    assertEquals(1, issuer.takeJwksRequests());
  }

  @Test
  void cachedKeysServeManyTokensWithoutFurtherRequests() {
    TestIssuer issuer = startIssuer("gen-1");
    JwksCache keys = cache(issuer.jwksUri());
    JwtValidator validator = validator(issuer.issuer(), keys);
    for (int i = 0; i < 20; i++) {
      accepted(validate(validator, longLivedToken(issuer)));
      clock.advance(Duration.ofSeconds(30));
    }
    assertEquals(1, keys.fetchCount(), "the first token fetched the keys; 10 minutes later they are still fresh");
    assertEquals(1, issuer.takeJwksRequests());
  }

  @Test
  void aKnownKidBoundToAnotherAlgorithmIsRefused() throws Exception {
    TestIssuer issuer = startIssuer("gen-1");
    JwksCache keys = cache(issuer.jwksUri());
    assertEquals(JwsAlgorithm.RS256, keys.key("gen-1", JwsAlgorithm.RS256).algorithm());
    TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> keys.key("gen-1", JwsAlgorithm.RS384));
    assertEquals(ReasonCode.ALG_NOT_ALLOWED, e.rejection().reason());
  }

  // --- unknown kid -----------------------------------------------------------------------------------------------

  @Test
  void unknownKidTriggersOneRefetchThenRejects() {
    TestIssuer issuer = startIssuer("gen-1");
    JwksCache keys = cache(issuer.jwksUri());
    JwtValidator validator = validator(issuer.issuer(), keys);
    assertTrue(keys.prefetch());
    assertEquals(1, issuer.takeJwksRequests());

    clock.advance(REFETCH_INTERVAL);
    assertEquals(ReasonCode.UNKNOWN_KID, reason(validate(validator, strangerToken(issuer.issuer(), "unknown-1"))));
    assertEquals(2, keys.fetchCount());
    assertEquals(1, issuer.takeJwksRequests(), "exactly one refetch");

    // Still unknown right after: rejected without another request.
    assertEquals(ReasonCode.UNKNOWN_KID, reason(validate(validator, strangerToken(issuer.issuer(), "unknown-1"))));
    assertEquals(2, keys.fetchCount());
    assertEquals(0, issuer.takeJwksRequests());
  }

  @Test
  void aKeyRotatedRightAfterTheInitPrefetchIsFoundAtOnce() {
    TestIssuer before = startIssuer("gen-1");
    JwksCache keys = cache(before.jwksUri());
    JwtValidator validator = validator(before.issuer(), keys);
    assertTrue(keys.prefetch());
    assertEquals(1, before.takeJwksRequests());
    int port = before.port();
    before.shutdown();
    TestIssuer after = startIssuer(TestKeys.rsa(), "gen-2", port);

    clock.advance(Duration.ofSeconds(1)); // far inside the refetch interval, counted from the prefetch
    VerifiedToken verified = accepted(validate(validator, longLivedToken(after)));
    assertEquals("user-123", verified.subject());
    assertEquals(1, after.takeJwksRequests(), "the first unknown kid refetches at once");
  }

  @Test
  void onlyARefetchThatStillLacksTheKidStartsTheQuietInterval() {
    TestIssuer issuer = startIssuer("gen-1");
    JwksCache keys = cache(issuer.jwksUri());
    JwtValidator validator = validator(issuer.issuer(), keys);
    assertTrue(keys.prefetch());
    issuer.takeJwksRequests();

    clock.advance(Duration.ofSeconds(1));
    assertEquals(ReasonCode.UNKNOWN_KID, reason(validate(validator, strangerToken(issuer.issuer(), "unknown-1"))));
    assertEquals(1, issuer.takeJwksRequests(), "the first unknown kid refetched");

    clock.advance(REFETCH_INTERVAL.minusSeconds(1));
    assertEquals(ReasonCode.UNKNOWN_KID, reason(validate(validator, strangerToken(issuer.issuer(), "unknown-2"))));
    assertEquals(0, issuer.takeJwksRequests(), "quiet until the interval after the fruitless refetch has passed");

    clock.advance(Duration.ofSeconds(1));
    assertEquals(ReasonCode.UNKNOWN_KID, reason(validate(validator, strangerToken(issuer.issuer(), "unknown-3"))));
    assertEquals(1, issuer.takeJwksRequests());
    accepted(validate(validator, longLivedToken(issuer)));
    assertEquals(0, issuer.takeJwksRequests());
  }

  @Test
  void refetchesForUnknownKidsAreRateLimitedUnderABurst() throws Exception {
    TestIssuer issuer = startIssuer("gen-1");
    JwksCache keys = cache(issuer.jwksUri());
    JwtValidator validator = validator(issuer.issuer(), keys);
    assertTrue(keys.prefetch());
    assertEquals(1, issuer.takeJwksRequests());

    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 1; round <= 2; round++) {
        clock.advance(REFETCH_INTERVAL);
        List<Callable<ValidationResult>> burst = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          String token = strangerToken(issuer.issuer(), UUID.randomUUID().toString());
          burst.add(() -> validate(validator, token));
        }
        for (Future<ValidationResult> result : pool.invokeAll(burst)) {
          assertEquals(ReasonCode.UNKNOWN_KID, reason(result.get()));
        }
        assertEquals(1, issuer.takeJwksRequests(), "at most one JWKS request per refetch interval, round " + round);
        assertEquals(1 + round, keys.fetchCount());
      }
    } finally {
      pool.shutdownNow();
    }
    // The real key still works throughout.
    accepted(validate(validator, longLivedToken(issuer)));
    assertEquals(0, issuer.takeJwksRequests());
  }

  // --- rotation --------------------------------------------------------------------------------------------------

  @Test
  void rotationToANewKidIsPickedUpByTheUnknownKidRefetch() {
    TestIssuer before = startIssuer("gen-1");
    JwksCache keys = cache(before.jwksUri());
    JwtValidator validator = validator(before.issuer(), keys);
    String oldToken = longLivedToken(before);
    accepted(validate(validator, oldToken));
    assertEquals(1, before.takeJwksRequests());
    int port = before.port();
    before.shutdown();

    TestIssuer after = startIssuer(TestKeys.rsa(), "gen-2", port);
    assertEquals(before.issuer(), after.issuer(), "same issuer URL");
    String newToken = longLivedToken(after);

    clock.advance(REFETCH_INTERVAL);
    VerifiedToken verified = accepted(validate(validator, newToken));
    assertEquals("user-123", verified.subject());
    assertEquals(1, after.takeJwksRequests());
    assertEquals(2, keys.fetchCount());

    // The JWKS no longer has gen-1; within the refetch interval that is final.
    assertEquals(ReasonCode.UNKNOWN_KID, reason(validate(validator, oldToken)));
    assertEquals(0, after.takeJwksRequests());
  }

  @Test
  void aKeyReplacedUnderTheSameKidIsPickedUpAtTheTtl() {
    // The stock mock issuer names its key after the issuer id, so a restarted issuer rotates without a new kid.
    TestIssuer before = TestIssuer.startGenerated(clock, "RS256", 0);
    issuers.add(before);
    JwksCache keys = cache(before.jwksUri());
    JwtValidator validator = validator(before.issuer(), keys);
    accepted(validate(validator, longLivedToken(before)));
    int port = before.port();
    before.shutdown();

    TestIssuer after = TestIssuer.startGenerated(clock, "RS256", port);
    issuers.add(after);
    assertEquals(before.kid(), after.kid());
    String newToken = longLivedToken(after);

    // A known kid never triggers a refetch, so the new signature fails until the keys expire...
    clock.advance(REFETCH_INTERVAL);
    assertEquals(ReasonCode.BAD_SIGNATURE, reason(validate(validator, newToken)));
    assertEquals(0, after.takeJwksRequests());
    // ...and verifies with the key fetched at the TTL.
    clock.advance(TTL);
    accepted(validate(validator, newToken));
    assertEquals(1, after.takeJwksRequests());
  }

  @Test
  void aRemovedKeyStopsWorkingAfterTheTtl() {
    TestIssuer before = startIssuer("gen-1");
    JwksCache keys = cache(before.jwksUri());
    JwtValidator validator = validator(before.issuer(), keys);
    String oldToken = longLivedToken(before);
    accepted(validate(validator, oldToken));
    int port = before.port();
    before.shutdown();
    TestIssuer after = startIssuer(TestKeys.rsa(), "gen-2", port);

    clock.advance(TTL.minusSeconds(1));
    accepted(validate(validator, oldToken));
    assertEquals(0, after.takeJwksRequests(), "fresh keys are not refetched");

    clock.advance(Duration.ofSeconds(1));
    assertEquals(ReasonCode.UNKNOWN_KID, reason(validate(validator, oldToken)));
    assertEquals(1, after.takeJwksRequests());
    accepted(validate(validator, longLivedToken(after)));
  }

  @Test
  void backgroundRefreshStartsAtThreeQuartersOfTheTtlAndKeepsServing() {
    TestIssuer issuer = startIssuer("gen-1");
    JwksCache keys = cache(JwksLocation.fixed(issuer.jwksUri())).refreshExecutor(Runnable::run).build();
    JwtValidator validator = validator(issuer.issuer(), keys);
    String token = longLivedToken(issuer);
    accepted(validate(validator, token));
    assertEquals(1, keys.fetchCount());

    clock.advance(TTL.multipliedBy(3).dividedBy(4).minusSeconds(1));
    accepted(validate(validator, token));
    assertEquals(1, keys.fetchCount());

    clock.advance(Duration.ofSeconds(1));
    accepted(validate(validator, token));
    assertEquals(2, keys.fetchCount(), "a refresh ran before the keys expired");
    assertEquals(2, issuer.takeJwksRequests());
    // The refreshed keys are fresh for a whole TTL again.
    clock.advance(TTL.minusSeconds(1));
    accepted(validate(validator, token));
  }

  // --- outages ---------------------------------------------------------------------------------------------------

  @Test
  void cachedKeysSurviveAJwksOutageUpToMaxStale() {
    TestIssuer issuer = startIssuer("gen-1");
    JwksCache keys = cache(issuer.jwksUri());
    JwtValidator validator = validator(issuer.issuer(), keys);
    String token = longLivedToken(issuer);
    accepted(validate(validator, token));
    issuer.shutdown();

    clock.advance(TTL.plusMinutes(1));
    accepted(validate(validator, token));
    assertEquals(2, keys.fetchCount(), "the expired keys were refetched, which failed");

    // Failed fetches are retried at most once a second.
    for (int i = 0; i < 20; i++) {
      accepted(validate(validator, token));
    }
    assertEquals(2, keys.fetchCount());

    clock.advance(MAX_STALE.minusMinutes(1).minusSeconds(1));
    accepted(validate(validator, token));

    clock.advance(Duration.ofSeconds(1));
    assertEquals(ReasonCode.IDP_UNAVAILABLE, reason(validate(validator, token)));
    assertTrue(ReasonCode.IDP_UNAVAILABLE.isEnvironmentFault());
  }

  @Test
  void aRecoveredIssuerIsPickedUpAfterAnOutage() {
    TestIssuer issuer = startIssuer("gen-1");
    JwksCache keys = cache(issuer.jwksUri());
    JwtValidator validator = validator(issuer.issuer(), keys);
    String token = longLivedToken(issuer);
    accepted(validate(validator, token));
    int port = issuer.port();
    issuer.shutdown();
    clock.advance(TTL.plus(MAX_STALE).plusSeconds(1));
    assertEquals(ReasonCode.IDP_UNAVAILABLE, reason(validate(validator, token)));

    TestIssuer back = startIssuer(TestKeys.rsa(), "gen-2", port);
    clock.advance(Duration.ofSeconds(1));
    accepted(validate(validator, longLivedToken(back)));
  }

  @Test
  void jwksOutageAtColdStartIsIdpUnavailable() throws Exception {
    URI nowhere = URI.create("http://127.0.0.1:" + TestIssuer.freeLoopbackPort() + "/issuer1/jwks");
    JwksCache keys = cache(nowhere);
    assertFalse(keys.prefetch());
    assertEquals(0, keys.size());
    TestTokens signer = TestTokens.rs256("gen-1", STRANGER_KEY);
    String token = signer.sign(TestTokens.claims("http://127.0.0.1/issuer1", DATASTORE_ENDPOINT,
        clock.epochSecond(), 3600));
    JwtValidator validator = JwtValidator.builder().issuer("http://127.0.0.1/issuer1").keys(keys).clock(clock).build();
    clock.advance(Duration.ofSeconds(1));
    assertEquals(ReasonCode.IDP_UNAVAILABLE, reason(validate(validator, token)));
    // Within the one-second backoff no new attempt is made, and the answer is the same.
    long attempts = keys.fetchCount();
    assertEquals(ReasonCode.IDP_UNAVAILABLE, reason(validate(validator, token)));
    assertEquals(attempts, keys.fetchCount());
  }

  @Test
  void aJwksEndpointAnsweringSomethingElseIsIdpUnavailable() {
    TestIssuer issuer = startIssuer("gen-1");
    // The discovery document is JSON but no JWKS; an unknown path is an HTTP error.
    URI discovery = URI.create(issuer.issuer() + "/.well-known/openid-configuration");
    URI missing = URI.create(issuer.issuer() + "/nothing-here");
    for (URI uri : List.of(discovery, missing)) {
      JwksCache keys = cache(JwksLocation.fixed(uri), Duration.ofSeconds(2)).build();
      assertFalse(keys.prefetch());
      clock.advance(Duration.ofSeconds(1));
      assertEquals(ReasonCode.IDP_UNAVAILABLE,
          reason(validate(validator(issuer.issuer(), keys), longLivedToken(issuer))), uri.toString());
    }
  }

  // --- discovery -------------------------------------------------------------------------------------------------

  @Test
  void oidcDiscoveryFindsTheJwksOnceAndRemembersIt() {
    TestIssuer issuer = startIssuer("gen-1");
    JwksCache keys = cache(JwksLocation.discovered(issuer.issuer()), Duration.ofSeconds(2)).build();
    JwtValidator validator = validator(issuer.issuer(), keys);
    String token = longLivedToken(issuer);
    accepted(validate(validator, token));
    assertEquals(List.of("/issuer1/.well-known/openid-configuration", "/issuer1/jwks"), issuer.takeRequests());

    clock.advance(TTL);
    accepted(validate(validator, token));
    assertEquals(List.of("/issuer1/jwks"), issuer.takeRequests(), "the JWKS URI is remembered");
  }

  @Test
  void oidcDiscoveryNamingAnotherIssuerIsRefused() {
    TestIssuer issuer = startIssuer("gen-1");
    // The discovery URL is the same, but its document names the issuer without the trailing slash.
    String configured = issuer.issuer() + "/";
    JwksCache keys = cache(JwksLocation.discovered(configured), Duration.ofSeconds(2)).build();
    assertFalse(keys.prefetch());
    assertEquals(List.of("/issuer1/.well-known/openid-configuration"), issuer.takeRequests(),
        "the JWKS named by a document of another issuer is never fetched");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(ReasonCode.IDP_UNAVAILABLE,
        reason(validate(validator(configured, keys), longLivedToken(issuer))));
  }
}
