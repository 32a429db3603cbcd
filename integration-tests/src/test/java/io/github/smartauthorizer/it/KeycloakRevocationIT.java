package io.github.smartauthorizer.it;

import static io.github.smartauthorizer.it.HealthLakeContract.ENDPOINT;
import static io.github.smartauthorizer.it.HealthLakeContract.assertAuthorized;
import static io.github.smartauthorizer.it.HealthLakeContract.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.it.keycloak.Keycloak;
import io.github.smartauthorizer.it.keycloak.KeycloakExtension;
import io.github.smartauthorizer.it.keycloak.SmartRealm;
import io.github.smartauthorizer.it.keycloak.TokenResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Revocation and logout at Keycloak, seen through the authorizer (README, provider {@code keycloak}: "Introspection"
 * and "Keys"):
 *
 * <ul>
 *   <li>{@code introspection} mode with the result cache off ({@code AUTHORIZER_INTROSPECTION_CACHE_SECONDS=0}) denies
 *       a revoked or logged-out token at once, {@code INACTIVE_TOKEN};
 *   <li>with the cache on, an answer already cached keeps the token passing for up to the cache time (the documented
 *       revocation delay);
 *   <li>{@code jwks} mode cannot see revocation: the signature still verifies, so the token passes until its
 *       {@code exp} (by design; it is then {@code EXPIRED}).
 * </ul>
 */
@ExtendWith(KeycloakExtension.class)
class KeycloakRevocationIT {

  /**
   * Keycloak's first token and introspection requests are slow (class loading), and this class may be the first to use
   * a Keycloak just (re)started: make them now, with the test's own client and its 30 s timeout, so that every decision
   * of the tests is made once, with no warm-up retry ({@link LambdaUnderTest#invoke}).
   */
  @BeforeAll
  static void warmUpKeycloak(Keycloak keycloak) {
    keycloak.introspect(keycloak.clientCredentials(SmartRealm.BACKEND_SCOPE).accessToken());
    keycloak.introspect(keycloak.userToken().accessToken());
  }

  @Test
  void revokedUserTokenIsDeniedByIntrospectionButPassesJwksModeUntilExp(Keycloak keycloak) {
    Authorizers authorizers = Authorizers.init(keycloak);
    TokenResponse token = keycloak.userToken();
    authorizers.assertAllAuthorize(keycloak, token);

    keycloak.revoke(token.accessToken(), SmartRealm.APP_CLIENT, SmartRealm.APP_SECRET);

    authorizers.assertRevocationSeenOnlyByUncachedIntrospection(keycloak, token);
  }

  @Test
  void revokedClientCredentialsTokenIsDeniedByIntrospectionButPassesJwksModeUntilExp(Keycloak keycloak) {
    Authorizers authorizers = Authorizers.init(keycloak);
    TokenResponse token = keycloak.clientCredentials(SmartRealm.BACKEND_SCOPE);
    authorizers.assertAllAuthorize(keycloak, token);

    keycloak.revoke(token.accessToken(), SmartRealm.BACKEND_CLIENT, SmartRealm.BACKEND_SECRET);

    authorizers.assertRevocationSeenOnlyByUncachedIntrospection(keycloak, token);
  }

  /** An administrator ends the user's sessions (admin API): the session's access tokens become inactive. */
  @Test
  void logoutOfTheUsersSessionsIsDeniedByIntrospectionButPassesJwksModeUntilExp(Keycloak keycloak) {
    Authorizers authorizers = Authorizers.init(keycloak);
    TokenResponse token = keycloak.userToken();
    authorizers.assertAllAuthorize(keycloak, token);

    keycloak.logout(SmartRealm.USER);

    authorizers.assertRevocationSeenOnlyByUncachedIntrospection(keycloak, token);
  }

  /**
   * The three authorizers of one test: {@code keycloak} in {@code introspection} mode without and with the result
   * cache, and in {@code jwks} mode on a clock the test can move past {@code exp}; plus the generic
   * {@code introspection} provider without cache.
   */
  private record Authorizers(LambdaUnderTest uncached, LambdaUnderTest genericUncached, LambdaUnderTest cached,
      LambdaUnderTest jwks, MutableClock jwksClock) {

    static Authorizers init(Keycloak keycloak) {
      MutableClock clock = new MutableClock();
      return new Authorizers(
          LambdaUnderTest.init(KeycloakSetup.KEYCLOAK_INTROSPECTION.environment(keycloak,
              "AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "0")),
          LambdaUnderTest.init(KeycloakSetup.INTROSPECTION.environment(keycloak,
              "AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "0")),
          LambdaUnderTest.init(KeycloakSetup.KEYCLOAK_INTROSPECTION.environment(keycloak,
              "AUTHORIZER_INTROSPECTION_CACHE_SECONDS", "300")),
          LambdaUnderTest.init(KeycloakSetup.KEYCLOAK_JWKS.environment(keycloak), clock),
          clock);
    }

    void assertAllAuthorize(Keycloak keycloak, TokenResponse token) {
      for (LambdaUnderTest lambda : new LambdaUnderTest[] {uncached, genericUncached, cached, jwks}) {
        assertAuthorized(lambda.invoke(ENDPOINT, token.accessToken()), keycloak.issuer(), ENDPOINT, token.claims());
      }
    }

    void assertRevocationSeenOnlyByUncachedIntrospection(Keycloak keycloak, TokenResponse token) {
      assertEquals(Boolean.FALSE, keycloak.introspect(token.accessToken()).get("active"), "Keycloak revoked it");

      assertDenied(uncached.invoke(ENDPOINT, token.accessToken()), ReasonCode.INACTIVE_TOKEN, ENDPOINT, false);
      assertDenied(genericUncached.invoke(ENDPOINT, token.accessToken()), ReasonCode.INACTIVE_TOKEN, ENDPOINT, false);
      // The answer cached before the revocation is reused: the documented revocation delay.
      assertAuthorized(cached.invoke(ENDPOINT, token.accessToken()), keycloak.issuer(), ENDPOINT, token.claims());
      // jwks mode: a revoked token's signature still verifies; it passes until exp, by design.
      assertAuthorized(jwks.invoke(ENDPOINT, token.accessToken()), keycloak.issuer(), ENDPOINT, token.claims());

      // ... and no longer: past exp and the 60 s clock skew it is EXPIRED.
      long exp = (Long) token.claims().get("exp");
      Duration pastExp = Duration.between(jwksClock.instant(), Instant.ofEpochSecond(exp)).plusSeconds(61);
      jwksClock.advance(pastExp.isNegative() ? Duration.ZERO : pastExp);
      assertDenied(jwks.invoke(ENDPOINT, token.accessToken()), ReasonCode.EXPIRED, ENDPOINT, true);
    }
  }
}
