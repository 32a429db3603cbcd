package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.TokenTimes;
import io.github.smartauthorizer.api.VerifiedToken;
import java.util.List;
import java.util.Map;

/**
 * Fills the provider-neutral fields of a {@link VerifiedToken} from verified claims, the same way for every provider
 * (JWT or introspection): {@code scope} from a {@code scope} string or an {@code scp} array or string (Okta, Entra);
 * the client from {@code client_id}, {@code azp}, {@code cid} or {@code appid}; groups from {@code groups} and
 * {@code roles} arrays. Providers add their own specifics afterwards.
 */
public final class ClaimNormalizer {
  private static final List<String> CLIENT_CLAIMS = List.of("client_id", "azp", "cid", "appid");

  private ClaimNormalizer() {}

  /** A builder with the standard fields filled; the caller adds provider specifics and builds. */
  public static VerifiedToken.Builder standard(Map<String, Object> claims, TokenTimes times) {
    VerifiedToken.Builder builder = VerifiedToken.builder()
        .claims(claims)
        .times(times)
        .issuer(Claims.string(claims, "iss").orElse(null))
        .subject(Claims.string(claims, "sub").orElse(null))
        .audiences(audiences(claims))
        .scope(scope(claims))
        .clientId(clientId(claims));
    builder.addGroups(Claims.stringsOf(claims.get("groups")));
    builder.addGroups(Claims.stringsOf(claims.get("roles")));
    return builder;
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

  private static String clientId(Map<String, Object> claims) {
    for (String name : CLIENT_CLAIMS) {
      Object value = claims.get(name);
      if (value instanceof String s && !s.isEmpty()) {
        return s;
      }
    }
    return null;
  }

  private static List<String> audiences(Map<String, Object> claims) {
    try {
      return Claims.stringOrArray(claims, "aud");
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }
}
