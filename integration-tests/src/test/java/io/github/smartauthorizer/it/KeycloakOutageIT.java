package io.github.smartauthorizer.it;

import static io.github.smartauthorizer.it.HealthLakeContract.ENDPOINT;
import static io.github.smartauthorizer.it.HealthLakeContract.assertAuthorized;
import static io.github.smartauthorizer.it.HealthLakeContract.assertDenied;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.it.keycloak.Keycloak;
import io.github.smartauthorizer.it.keycloak.KeycloakExtension;
import io.github.smartauthorizer.it.keycloak.TokenResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keycloak failing in the middle of a run, after the authorizers were built and had decided tokens (README: "The key
 * cache", "How they decide"): {@code jwks} mode keeps deciding from its cached keys (past their TTL for at most
 * {@code AUTHORIZER_JWKS_MAX_STALE_SECONDS}); {@code introspection} mode denies {@code IDP_UNAVAILABLE}, and every
 * decision returns within the time budget ({@code AUTHORIZER_TIMEOUT_MS}, the default 500 ms here).
 *
 * <p>Two ways to fail: a hung Keycloak ({@link Keycloak#pause()}: connections are accepted, nothing answers, so every
 * call runs into its timeout), and a stopped one ({@link Keycloak#stop()}: connections are refused at once). The hung
 * one runs first and resumes Keycloak; the stopped one runs last and leaves it stopped: whatever needs Keycloak next
 * (a test, or the next class) starts it again when it asks for it ({@link KeycloakExtension}), with a fresh realm, and
 * a run that ends here spends no time on a restart. Skipped for an external Keycloak, which the tests may not stop.
 */
@ExtendWith(KeycloakExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakOutageIT {
  static final Duration TIMEOUT = Duration.ofMillis(500);
  /** What a decision may take while the IdP fails: two remote-call timeouts, and a margin for a busy machine. */
  static final Duration BUDGET = TIMEOUT.multipliedBy(2).plusSeconds(1);
  static final Duration TTL = Duration.ofSeconds(60);
  static final Duration MAX_STALE = Duration.ofSeconds(60);

  @Test
  @Order(1)
  void hungKeycloakJwksModeDecidesFromCachedKeysAndIntrospectionDeniesWithinTheBudget(Keycloak keycloak) {
    Warm warm = Warm.up(keycloak);

    keycloak.pause();
    try {
      for (LambdaUnderTest lambda : warm.introspecting()) {
        LambdaUnderTest.Invocation denied = lambda.invokeDuringOutage(ENDPOINT, warm.token().accessToken());
        assertDenied(denied, ReasonCode.IDP_UNAVAILABLE, ENDPOINT, false);
        assertWithinBudget(denied);
        assertTrue(denied.elapsed().compareTo(TIMEOUT.minusMillis(100)) >= 0,
            "the call waited for the hung Keycloak until its timeout: " + denied);
      }
      assertJwksModeKeepsDeciding(warm);
    } finally {
      keycloak.resume();
    }

    // Keycloak answers again: introspection works without any restart of the authorizer, and at once (invoke, no
    // retry): a connection left broken by the hung calls must not cost a request.
    for (LambdaUnderTest lambda : warm.introspecting()) {
      assertAuthorized(lambda.invoke(ENDPOINT, warm.token().accessToken()), keycloak.issuer(), ENDPOINT,
          warm.token().claims());
    }
  }

  @Test
  @Order(2)
  void stoppedKeycloakJwksModeDecidesFromCachedKeysAndIntrospectionDeniesWithinTheBudget(Keycloak keycloak) {
    Warm warm = Warm.up(keycloak);
    Map<String, String> jwksEnvironment = environment(KeycloakSetup.KEYCLOAK_JWKS, keycloak);

    keycloak.stop();
    for (LambdaUnderTest lambda : warm.introspecting()) {
      LambdaUnderTest.Invocation denied = lambda.invokeDuringOutage(ENDPOINT, warm.token().accessToken());
      assertDenied(denied, ReasonCode.IDP_UNAVAILABLE, ENDPOINT, false);
      assertWithinBudget(denied);
    }
    assertJwksModeKeepsDeciding(warm);

    // A Lambda environment started during the outage has no keys: it starts (an init failure would give HealthLake
    // nothing to read) and denies IDP_UNAVAILABLE, fail closed.
    LambdaUnderTest coldStart = LambdaUnderTest.init(jwksEnvironment);
    LambdaUnderTest.Invocation noKeys = coldStart.invokeDuringOutage(ENDPOINT, warm.token().accessToken());
    assertDenied(noKeys, ReasonCode.IDP_UNAVAILABLE, ENDPOINT, false);
    assertWithinBudget(noKeys);
  }

  /**
   * {@code jwks} mode during the outage: the warm token passes from the cached keys; past the TTL the refresh fails
   * (within the timeout) and the stale keys still serve; past TTL plus max-stale there are no usable keys and it denies
   * {@code IDP_UNAVAILABLE}, failing closed.
   */
  private static void assertJwksModeKeepsDeciding(Warm warm) {
    TokenResponse token = warm.token();
    String issuer = (String) token.claims().get("iss");
    LambdaUnderTest.Invocation cached = warm.jwks().invokeDuringOutage(ENDPOINT, token.accessToken());
    assertAuthorized(cached, issuer, ENDPOINT, token.claims());
    assertWithinBudget(cached);

    warm.clock().advance(TTL.plusSeconds(1));
    LambdaUnderTest.Invocation stale = warm.jwks().invokeDuringOutage(ENDPOINT, token.accessToken());
    assertAuthorized(stale, issuer, ENDPOINT, token.claims());
    assertWithinBudget(stale);
    assertTrue(warm.jwks().logText().contains("JWKS fetch from"), "the refresh was tried and failed");

    warm.clock().advance(MAX_STALE);
    LambdaUnderTest.Invocation tooStale = warm.jwks().invokeDuringOutage(ENDPOINT, token.accessToken());
    assertDenied(tooStale, ReasonCode.IDP_UNAVAILABLE, ENDPOINT, false);
    assertWithinBudget(tooStale);
  }

  private static void assertWithinBudget(LambdaUnderTest.Invocation invocation) {
    System.out.printf("Keycloak outage: %s %s in %d ms%n", invocation.decisionLog().get("provider"),
        invocation.authorized() ? "ALLOW" : "DENY " + invocation.reason(), invocation.elapsed().toMillis());
    assertTrue(invocation.elapsed().compareTo(BUDGET) < 0,
        "decided in " + invocation.elapsed().toMillis() + " ms, budget " + BUDGET.toMillis() + " ms: " + invocation);
  }

  /** The documented defaults of the timing settings, which this test is about, and the result cache off. */
  private static Map<String, String> environment(KeycloakSetup setup, Keycloak keycloak) {
    return setup.environment(keycloak,
        "AUTHORIZER_TIMEOUT_MS", Long.toString(TIMEOUT.toMillis()),
        "AUTHORIZER_REQUEST_BUDGET_MS", null,
        "AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "0",
        "AUTHORIZER_JWKS_TTL_SECONDS", Long.toString(TTL.toSeconds()),
        "AUTHORIZER_JWKS_MAX_STALE_SECONDS", Long.toString(MAX_STALE.toSeconds()));
  }

  /**
   * Authorizers built while Keycloak is up, each having authorized {@code token} once (keys cached, connections
   * open): {@code keycloak} in {@code jwks} mode on a clock the test moves, and both introspecting setups with the
   * result cache off.
   */
  private record Warm(TokenResponse token, LambdaUnderTest jwks, MutableClock clock,
      List<LambdaUnderTest> introspecting) {

    static Warm up(Keycloak keycloak) {
      TokenResponse token = keycloak.userToken();
      keycloak.introspect(token.accessToken()); // Keycloak's own first introspection is slow
      MutableClock clock = new MutableClock();
      Warm warm = new Warm(token,
          LambdaUnderTest.init(environment(KeycloakSetup.KEYCLOAK_JWKS, keycloak), clock), clock,
          List.of(LambdaUnderTest.init(environment(KeycloakSetup.KEYCLOAK_INTROSPECTION, keycloak)),
              LambdaUnderTest.init(environment(KeycloakSetup.INTROSPECTION, keycloak))));
      // Keys prefetched at init: this decision makes no call to Keycloak.
      assertAuthorized(warm.jwks().invoke(ENDPOINT, token.accessToken()), keycloak.issuer(), ENDPOINT,
          token.claims());
      for (LambdaUnderTest lambda : warm.introspecting()) {
        // The only decisions of the Keycloak tests that may be retried (warmUp). They prepare the outage, they are not
        // what the test asserts, and Keycloak may have been started for this class a moment ago (a run of this class
        // alone, or after another class stopped it) or resumed from the first test's pause.
        assertAuthorized(lambda.warmUp(ENDPOINT, token.accessToken(), "introspecting authorizers warmed up before an"
            + " outage, against a Keycloak just started or resumed"), keycloak.issuer(), ENDPOINT, token.claims());
      }
      return warm;
    }
  }
}
