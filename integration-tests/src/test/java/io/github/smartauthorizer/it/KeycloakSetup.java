package io.github.smartauthorizer.it;

import io.github.smartauthorizer.it.keycloak.Keycloak;
import io.github.smartauthorizer.it.keycloak.SmartRealm;
import java.util.HashMap;
import java.util.Map;

/**
 * The four ways to point the authorizer at realm {@code smart} of the run's Keycloak, as a platform team would
 * configure them (README, "Configuration"): only {@code AUTHORIZER_*} variables, the introspecting client's
 * credentials from a Secrets Manager secret ({@link LambdaUnderTest#SECRET_ID}).
 */
enum KeycloakSetup {
  /** Provider {@code keycloak}, mode {@code jwks} (the default): tokens verified against the realm's certs. */
  KEYCLOAK_JWKS,
  /** Provider {@code keycloak}, mode {@code introspection}, as client {@code healthlake-authorizer}. */
  KEYCLOAK_INTROSPECTION,
  /** Provider {@code jwks} with the realm as issuer (keys found through OIDC discovery). */
  JWKS,
  /**
   * Provider {@code introspection} at the realm's introspection endpoint, with the realm as issuer and the data store
   * endpoint as audience (this provider has no default audience).
   */
  INTROSPECTION;

  /** Whether each decision asks Keycloak (or its result cache). */
  boolean introspects() {
    return this == KEYCLOAK_INTROSPECTION || this == INTROSPECTION;
  }

  /** The variables, plus {@code overrides} (name, value, name, value...; a null value removes the variable). */
  Map<String, String> environment(Keycloak keycloak, String... overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("AUTHORIZER_IAM_ROLE_ARN", HealthLakeContract.ROLE);
    // The largest allowed timeout and request budget (defaults 500 and 700 ms): these tests are not about timing, and
    // no decision is retried (LambdaUnderTest), so a loopback Keycloak on two busy cores gets all the time a
    // deployment could give it. The outage tests, which are about timing, use the defaults.
    env.put("AUTHORIZER_TIMEOUT_MS", "900");
    env.put("AUTHORIZER_REQUEST_BUDGET_MS", "950");
    env.put("AUTHORIZER_INIT_TIMEOUT_MS", "9000");
    env.put("AUTHORIZER_METRICS", "on");
    switch (this) {
      case KEYCLOAK_JWKS -> keycloak(env, keycloak);
      case KEYCLOAK_INTROSPECTION -> {
        keycloak(env, keycloak);
        env.put("AUTHORIZER_KEYCLOAK_MODE", "introspection");
        env.put("AUTHORIZER_CLIENT_SECRET_ID", LambdaUnderTest.SECRET_ID);
      }
      case JWKS -> {
        env.put("AUTHORIZER_PROVIDER", "jwks");
        env.put("AUTHORIZER_ISSUER", keycloak.issuer());
      }
      case INTROSPECTION -> {
        env.put("AUTHORIZER_PROVIDER", "introspection");
        env.put("AUTHORIZER_INTROSPECTION_URL", keycloak.introspectionEndpoint());
        env.put("AUTHORIZER_ISSUER", keycloak.issuer());
        env.put("AUTHORIZER_AUDIENCE", HealthLakeContract.ENDPOINT);
        env.put("AUTHORIZER_CLIENT_SECRET_ID", LambdaUnderTest.SECRET_ID);
      }
      default -> throw new AssertionError(this);
    }
    for (int i = 0; i < overrides.length; i += 2) {
      if (overrides[i + 1] == null) {
        env.remove(overrides[i]);
      } else {
        env.put(overrides[i], overrides[i + 1]);
      }
    }
    return env;
  }

  private static void keycloak(Map<String, String> env, Keycloak keycloak) {
    env.put("AUTHORIZER_PROVIDER", "keycloak");
    env.put("AUTHORIZER_KEYCLOAK_URL", keycloak.baseUrl());
    env.put("AUTHORIZER_KEYCLOAK_REALM", SmartRealm.REALM);
  }
}
