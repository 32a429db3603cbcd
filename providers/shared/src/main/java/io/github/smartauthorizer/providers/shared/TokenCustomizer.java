package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.VerifiedToken;
import java.util.Map;

/**
 * Adds provider specifics to a {@link VerifiedToken} being built by {@link ClaimNormalizer#standard}: above all the
 * client and the groups, each from the one source the provider documents (Keycloak: {@code azp} and its realm and
 * client roles; Cognito: {@code client_id} and {@code cognito:groups}; the standard profiles:
 * {@link ClaimNormalizer#OAUTH_CLIENT_AND_GROUPS}), and such things as Cognito's scope prefixes.
 */
@FunctionalInterface
public interface TokenCustomizer {
  /** No specifics: the token has no client and no groups. */
  TokenCustomizer NONE = (claims, builder) -> { };

  void customize(Map<String, Object> claims, VerifiedToken.Builder builder);
}
