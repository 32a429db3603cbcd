package org.example.smartauthorizer.auth0;

import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.providers.shared.ClaimCheck;
import io.github.smartauthorizer.providers.shared.Claims;
import io.github.smartauthorizer.providers.shared.TokenCustomizer;
import io.github.smartauthorizer.providers.shared.TokenRejectedException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Auth0's rules over the claims of an access token whose signature, {@code iss}, times and {@code aud} the toolkit's
 * {@code JwtValidator} already checked. Immutable and thread-safe.
 *
 * <p>The check: when an allow-list is configured, {@code azp} (the application the token was issued to) must be in
 * it; missing or not allowed is {@code INVALID_CLIENT}.
 *
 * <p>As a {@link TokenCustomizer}: the client is {@code azp}, the claim the check looks at, and nothing else; the
 * scope is {@code scope}, combined with the RBAC {@code permissions} array (Auth0's {@code access_token_authz}
 * dialect) as {@link Permissions} says. A permission that is not a single RFC 6749 scope token (one with a space, say)
 * is dropped, so that it cannot smuggle in other scopes.
 */
final class Auth0TokenRules implements TokenCustomizer {

  /** How the {@code permissions} array enters the HealthLake {@code scope}. */
  enum Permissions {
    /** Only when the token has no {@code scope} claim (machine-to-machine tokens of some tenants). */
    FALLBACK,
    /** Appended to {@code scope}, each once: widens the grant to every permission the user holds for the API. */
    MERGE,
    /** Never. */
    IGNORE
  }

  private final Set<String> allowedClients;
  private final Permissions permissions;

  /**
   * @param allowedClients the allowed {@code azp} values; empty for any client
   * @param permissions how {@code permissions} enters the scope
   */
  Auth0TokenRules(Set<String> allowedClients, Permissions permissions) {
    this.allowedClients = Set.copyOf(allowedClients);
    this.permissions = permissions;
  }

  /** The checks, in the order they run. */
  List<ClaimCheck> checks() {
    return List.of(this::checkClient);
  }

  void checkClient(Map<String, Object> header, Map<String, Object> claims, HealthLakeRequest request)
      throws TokenRejectedException {
    if (allowedClients.isEmpty()) {
      return;
    }
    Optional<String> azp = Claims.nonEmptyString(claims, "azp");
    if (azp.isEmpty() || !allowedClients.contains(azp.get())) {
      throw new TokenRejectedException(ReasonCode.INVALID_CLIENT, "azp is missing or not in AUTHORIZER_CLIENT_IDS");
    }
  }

  @Override
  public void customize(Map<String, Object> claims, VerifiedToken.Builder builder) {
    Claims.nonEmptyString(claims, "azp").ifPresent(builder::clientId);
    builder.scope(scope(claims));
  }

  /** {@code scope} byte for byte, combined with {@code permissions} as configured. */
  String scope(Map<String, Object> claims) {
    Optional<String> scope = Claims.string(claims, "scope");
    List<String> granted = Claims.stringsOf(claims.get("permissions")).stream()
        .filter(Auth0TokenRules::isScopeToken).toList();
    return switch (permissions) {
      case IGNORE -> scope.orElse("");
      case FALLBACK -> scope.orElseGet(() -> String.join(" ", granted));
      case MERGE -> merge(scope.orElse(""), granted);
    };
  }

  private static String merge(String scope, List<String> granted) {
    Set<String> present = new HashSet<>(List.of(scope.split(" ")));
    StringBuilder merged = new StringBuilder(scope);
    for (String permission : granted) {
      if (present.add(permission)) {
        merged.append(merged.length() == 0 ? "" : " ").append(permission);
      }
    }
    return merged.toString();
  }

  /** RFC 6749 §3.3: {@code scope-token = 1*( %x21 / %x23-5B / %x5D-7E )}. */
  static boolean isScopeToken(String value) {
    return !value.isEmpty() && value.chars().allMatch(c -> c >= 0x21 && c <= 0x7E && c != '"' && c != '\\');
  }
}
