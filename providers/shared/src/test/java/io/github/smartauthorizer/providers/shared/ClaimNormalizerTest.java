package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.smartauthorizer.api.TokenTimes;
import io.github.smartauthorizer.api.VerifiedToken;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The provider-neutral normalization: it fills what every provider reads the same way, and leaves the client and the
 * groups to the provider, which knows the one claim its IdP vouches for.
 */
class ClaimNormalizerTest {
  private static final TokenTimes TIMES = new TokenTimes(1L, null, 2L);

  private static Map<String, Object> claims(Object... pairs) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", "https://issuer.example");
    claims.put("sub", "user-1");
    claims.put("aud", List.of("a", "b"));
    claims.put("scope", "openid user/*.rs");
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      claims.put((String) pairs[i], pairs[i + 1]);
    }
    return claims;
  }

  @Test
  void fillsTheProviderNeutralFields() {
    VerifiedToken token = ClaimNormalizer.standard(claims(), TIMES).build();
    assertEquals("https://issuer.example", token.issuer());
    assertEquals("user-1", token.subject());
    assertEquals(List.of("a", "b"), token.audiences());
    assertEquals("openid user/*.rs", token.scope());
    assertEquals(TIMES, token.times());
  }

  @Test
  void leavesTheClientAndTheGroupsToTheProvider() {
    VerifiedToken token = ClaimNormalizer.standard(claims("client_id", "app", "azp", "app", "cid", "app", "appid",
        "app", "groups", List.of("admins"), "roles", List.of("admin")), TIMES).build();
    assertEquals(Optional.empty(), token.clientId());
    assertEquals(Set.of(), token.groups());
  }

  @Test
  void theStandardProfilesClientIsClientIdOnly() {
    assertEquals(Optional.of("app"), oauth(claims("client_id", "app", "azp", "other", "cid", "other")).clientId());
    assertEquals(Optional.empty(), oauth(claims("azp", "app", "cid", "app", "appid", "app")).clientId());
    assertEquals(Optional.empty(), oauth(claims("client_id", "")).clientId(), "an empty client id names no client");
    assertEquals(Optional.empty(), oauth(claims("client_id", List.of("app"))).clientId());
  }

  @Test
  void theStandardProfilesGroupsAreTheGroupsAndRolesArrays() {
    VerifiedToken token = oauth(claims("groups", List.of("admins", 7), "roles", List.of("reader", "admins"),
        "realm_access", Map.of("roles", List.of("x")), "cognito:groups", List.of("y"), "wids", List.of("z")));
    assertEquals(List.of("admins", "reader"), List.copyOf(token.groups()));
  }

  private static VerifiedToken oauth(Map<String, Object> claims) {
    VerifiedToken.Builder builder = ClaimNormalizer.standard(claims, TIMES);
    ClaimNormalizer.OAUTH_CLIENT_AND_GROUPS.customize(claims, builder);
    return builder.build();
  }
}
