package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InitWarmupTest {
  @Test
  void theHttpClientIsWarmedForEveryProviderOfThisProject() {
    for (String provider : new String[] {"jwks", "introspection", "okta", "keycloak", "cognito"}) {
      assertTrue(InitWarmup.usesSharedHttpClient(Map.of("AUTHORIZER_PROVIDER", provider)), provider);
    }
    assertTrue(InitWarmup.usesSharedHttpClient(Map.of("AUTHORIZER_PROVIDERS", "staff:auth0, patients:keycloak")));
  }

  @Test
  void aProviderOfOnesOwnGetsNoHttpWarmUp() {
    assertFalse(InitWarmup.usesSharedHttpClient(Map.of("AUTHORIZER_PROVIDER", "auth0")));
    assertFalse(InitWarmup.usesSharedHttpClient(Map.of("AUTHORIZER_PROVIDERS", "a:auth0,b:custom")));
    assertFalse(InitWarmup.usesSharedHttpClient(Map.of()));
  }
}
