package io.github.smartauthorizer.providers.keycloak;

import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.providers.shared.ClaimCheck;
import io.github.smartauthorizer.providers.shared.ClaimRules;
import io.github.smartauthorizer.providers.shared.Claims;
import io.github.smartauthorizer.providers.shared.TokenCustomizer;
import io.github.smartauthorizer.providers.shared.TokenRejectedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keycloak's rules over verified claims, the same for a locally verified JWT and for an introspection answer (both
 * carry Keycloak's payload {@code typ}, {@code aud}, {@code azp} and role claims). Immutable and thread-safe.
 *
 * <p>The checks, in this order, so that an ID or refresh token is reported as the wrong kind of token rather than as
 * the wrong audience (a Keycloak ID token's {@code aud} is the client id):
 *
 * <ol>
 *   <li>{@link #checkType}: payload {@code typ} exactly {@code Bearer} (Keycloak's {@code TokenUtil.TOKEN_TYPE_BEARER});
 *       ID tokens ({@code ID}), refresh tokens ({@code Refresh}, {@code Offline}) and DPoP-bound access tokens
 *       ({@code DPoP}, whose proof HealthLake cannot pass on) are {@code INVALID_TOKEN_TYPE};
 *   <li>{@link #checkAudience}: {@code aud} contains a configured audience, or the data store endpoint when none is
 *       configured (the {@code jwks} provider's rule, {@link ClaimRules#checkAudience}); else {@code INVALID_AUDIENCE};
 *   <li>{@link #checkClient}: when an allow-list is configured, {@code azp} is in it; else {@code INVALID_CLIENT}.
 * </ol>
 *
 * <p>As a {@link TokenCustomizer} it sets what later policy (IAM role mapping) sees, each from the one source Keycloak
 * vouches for: the client is {@code azp} (the client the token was issued to, the claim {@link #checkClient} checks;
 * a {@code client_id}, {@code cid} or {@code appid} claim is ignored, since any protocol mapper can add one), and the
 * groups are Keycloak's roles, each realm role ({@code realm_access.roles}) by its name and each client role
 * ({@code resource_access.{client}.roles}) as {@code {client}:{role}}. Top-level {@code groups} and {@code roles}
 * claims are not groups.
 */
final class KeycloakTokenRules implements TokenCustomizer {
  /** The payload {@code typ} of a Keycloak access token. */
  static final String ACCESS_TOKEN_TYPE = "Bearer";
  /** Separates the client from the role in the group name of a client role. */
  static final String CLIENT_ROLE_SEPARATOR = ":";

  private final List<String> audiences;
  private final Set<String> allowedClients;

  /**
   * @param audiences accepted audiences; empty for the request's data store endpoint
   * @param allowedClients allowed {@code azp} values; empty for any client
   */
  KeycloakTokenRules(List<String> audiences, Set<String> allowedClients) {
    this.audiences = List.copyOf(audiences);
    this.allowedClients = Set.copyOf(allowedClients);
  }

  /** The checks in the order they must run. */
  List<ClaimCheck> checks() {
    return List.of(this::checkType, this::checkAudience, this::checkClient);
  }

  void checkType(Map<String, Object> header, Map<String, Object> claims, HealthLakeRequest request)
      throws TokenRejectedException {
    if (!ACCESS_TOKEN_TYPE.equals(claims.get("typ"))) {
      throw new TokenRejectedException(ReasonCode.INVALID_TOKEN_TYPE,
          "payload typ is not Bearer: not a Keycloak access token (an ID, refresh or DPoP-bound token)");
    }
  }

  void checkAudience(Map<String, Object> header, Map<String, Object> claims, HealthLakeRequest request)
      throws TokenRejectedException {
    ClaimRules.checkAudience(claims, audiences.isEmpty() ? List.of(request.datastoreEndpoint()) : audiences);
  }

  void checkClient(Map<String, Object> header, Map<String, Object> claims, HealthLakeRequest request)
      throws TokenRejectedException {
    if (allowedClients.isEmpty()) {
      return;
    }
    Object azp = claims.get("azp");
    if (!(azp instanceof String client)) {
      throw new TokenRejectedException(ReasonCode.INVALID_CLIENT, "azp is missing; AUTHORIZER_CLIENT_IDS is set");
    }
    if (!allowedClients.contains(client)) {
      throw new TokenRejectedException(ReasonCode.INVALID_CLIENT, "azp is not in AUTHORIZER_CLIENT_IDS");
    }
  }

  @Override
  public void customize(Map<String, Object> claims, VerifiedToken.Builder builder) {
    Claims.nonEmptyString(claims, "azp").ifPresent(builder::clientId);
    builder.addGroups(groups(claims));
  }

  /** Realm roles by name, then client roles as {@code {client}:{role}}, in claim order. */
  static List<String> groups(Map<String, Object> claims) {
    List<String> groups = new ArrayList<>();
    if (claims.get("realm_access") instanceof Map<?, ?> realm) {
      groups.addAll(Claims.stringsOf(realm.get("roles")));
    }
    if (claims.get("resource_access") instanceof Map<?, ?> clients) {
      for (Map.Entry<?, ?> entry : clients.entrySet()) {
        if (entry.getKey() instanceof String client && entry.getValue() instanceof Map<?, ?> access) {
          for (String role : Claims.stringsOf(access.get("roles"))) {
            groups.add(client + CLIENT_ROLE_SEPARATOR + role);
          }
        }
      }
    }
    return groups;
  }
}
