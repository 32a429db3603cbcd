package io.github.smartauthorizer.providers.cognito;

import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.providers.shared.ClaimCheck;
import io.github.smartauthorizer.providers.shared.ClaimNormalizer;
import io.github.smartauthorizer.providers.shared.Claims;
import io.github.smartauthorizer.providers.shared.TokenCustomizer;
import io.github.smartauthorizer.providers.shared.TokenRejectedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Amazon Cognito's rules over the verified claims of a user-pool access token. Immutable and thread-safe.
 *
 * <p>The checks, in this order: {@code token_use} exactly {@code access} (an ID token, {@code token_use: id}, is
 * {@code INVALID_TOKEN_TYPE}); then {@code client_id} in the allowed app clients, since Cognito access tokens carry no
 * {@code aud} (missing or not allowed is {@code INVALID_CLIENT}).
 *
 * <p>As a {@link TokenCustomizer}: the client from {@code client_id} only (the claim {@link #checkClient} checks), the
 * groups from {@code cognito:groups} only (the pool's group memberships; a {@code groups} or {@code roles} claim, which
 * a pre token generation trigger may add, is not a group), and, when a resource-server prefix is configured, the
 * {@code scope} string rewritten by {@link #scope(String, String)}.
 */
final class CognitoTokenRules implements TokenCustomizer {
  /** The {@code token_use} of an access token. */
  static final String ACCESS_TOKEN_USE = "access";

  private final Set<String> clientIds;
  private final String scopePrefix;

  /**
   * @param clientIds the allowed app client ids, not empty
   * @param scopePrefix the resource-server prefix to strip, ending with {@code /}; {@code null} to keep the scope as
   *     issued
   */
  CognitoTokenRules(Set<String> clientIds, String scopePrefix) {
    if (clientIds.isEmpty()) {
      throw new IllegalArgumentException("no allowed app clients");
    }
    this.clientIds = Set.copyOf(clientIds);
    this.scopePrefix = scopePrefix;
  }

  /** The checks in the order they must run. */
  List<ClaimCheck> checks() {
    return List.of(this::checkTokenUse, this::checkClient);
  }

  void checkTokenUse(Map<String, Object> header, Map<String, Object> claims, HealthLakeRequest request)
      throws TokenRejectedException {
    if (!ACCESS_TOKEN_USE.equals(claims.get("token_use"))) {
      throw new TokenRejectedException(ReasonCode.INVALID_TOKEN_TYPE,
          "token_use is not access: not a Cognito access token (an ID token?)");
    }
  }

  void checkClient(Map<String, Object> header, Map<String, Object> claims, HealthLakeRequest request)
      throws TokenRejectedException {
    Object clientId = claims.get("client_id");
    if (!(clientId instanceof String client)) {
      throw new TokenRejectedException(ReasonCode.INVALID_CLIENT, "client_id is missing");
    }
    if (!clientIds.contains(client)) {
      throw new TokenRejectedException(ReasonCode.INVALID_CLIENT, "client_id is not in AUTHORIZER_COGNITO_CLIENT_IDS");
    }
  }

  @Override
  public void customize(Map<String, Object> claims, VerifiedToken.Builder builder) {
    Claims.nonEmptyString(claims, "client_id").ifPresent(builder::clientId);
    builder.addGroups(Claims.stringsOf(claims.get("cognito:groups")));
    if (scopePrefix != null) {
      builder.scope(scope(ClaimNormalizer.scope(claims), scopePrefix));
    }
  }

  /**
   * Rewrites a Cognito {@code scope} string for one resource server. Each space-separated scope that starts with the
   * prefix loses it ({@code https://fhir.example.com/patient/*.read} becomes {@code patient/*.read}); a scope of
   * another resource server (one with a {@code /}: Cognito scope names cannot contain one, so a {@code /} means
   * {@code identifier/name}) is dropped; Cognito's built-in scopes ({@code openid}, {@code profile}, {@code email},
   * {@code phone}, {@code aws.cognito.signin.user.admin}) have no {@code /} and are kept. Order is kept.
   *
   * @param issued the scope string as issued
   * @param prefix the prefix, ending with {@code /}
   */
  static String scope(String issued, String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    List<String> kept = new ArrayList<>();
    for (String scope : issued.split(" ")) {
      if (scope.isEmpty()) {
        continue;
      }
      if (scope.startsWith(prefix)) {
        String stripped = scope.substring(prefix.length());
        if (!stripped.isEmpty()) {
          kept.add(stripped);
        }
      } else if (scope.indexOf('/') < 0) {
        kept.add(scope);
      }
    }
    return String.join(" ", kept);
  }
}
