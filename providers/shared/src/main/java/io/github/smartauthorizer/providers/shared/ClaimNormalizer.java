package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.TokenTimes;
import io.github.smartauthorizer.api.VerifiedToken;
import java.util.List;
import java.util.Map;

/**
 * Fills the provider-neutral fields of a {@link VerifiedToken} from verified claims, the same way for every provider
 * (JWT or introspection): issuer, subject, audiences, times, every claim, and {@code scope} from a {@code scope} string
 * or an {@code scp} array or string (Okta, Entra).
 *
 * <p>It never fills the client or the groups. A token can carry several claims that look like a client
 * ({@code client_id}, {@code azp}, {@code cid}, {@code appid}) or like groups ({@code groups}, {@code roles}, an IdP's
 * own), and only one source is the one the IdP vouches for and the provider's own checks look at (Keycloak's client
 * allow-list checks {@code azp}; a Keycloak token can also carry a {@code client_id} from any protocol mapper). So each
 * provider sets them from its one documented source through its {@link TokenCustomizer};
 * {@link #OAUTH_CLIENT_AND_GROUPS} is that source for the standard profiles. A validator without a customizer yields
 * tokens with no client and no groups, which no role rule keyed on them matches.
 */
public final class ClaimNormalizer {
  /**
   * The client and groups of the standard profiles: the client is {@code client_id} (RFC 9068 §2.2 for JWT access
   * tokens, RFC 7662 §2.2 for introspection answers) and nothing else, a non-empty string or no client; the groups are
   * the strings of the {@code groups} and {@code roles} arrays (RFC 9068 §2.2.3.1, after SCIM's attributes). Used by
   * the {@code jwks}, {@code introspection} and {@code okta} providers.
   */
  public static final TokenCustomizer OAUTH_CLIENT_AND_GROUPS = (claims, builder) -> {
    Claims.nonEmptyString(claims, "client_id").ifPresent(builder::clientId);
    builder.addGroups(Claims.stringsOf(claims.get("groups")));
    builder.addGroups(Claims.stringsOf(claims.get("roles")));
  };

  private ClaimNormalizer() {}

  /**
   * A builder with the provider-neutral fields filled, and neither client nor groups; the caller's
   * {@link TokenCustomizer} adds the provider's client, groups and other specifics, then the caller builds.
   */
  public static VerifiedToken.Builder standard(Map<String, Object> claims, TokenTimes times) {
    return VerifiedToken.builder()
        .claims(claims)
        .times(times)
        .issuer(Claims.string(claims, "iss").orElse(null))
        .subject(Claims.string(claims, "sub").orElse(null))
        .audiences(audiences(claims))
        .scope(scope(claims));
  }

  /** The scopes as one space-delimited string; a {@code scope} string is kept byte for byte. */
  public static String scope(Map<String, Object> claims) {
    Object scope = claims.get("scope");
    if (scope instanceof String s) {
      return s;
    }
    Object scp = claims.get("scp");
    if (scp instanceof String s) {
      return s;
    }
    List<String> items = Claims.stringsOf(scp);
    if (items.isEmpty()) {
      items = Claims.stringsOf(scope);
    }
    return String.join(" ", items);
  }

  private static List<String> audiences(Map<String, Object> claims) {
    try {
      return Claims.stringOrArray(claims, "aud");
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }
}
