package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.VerifiedToken;
import java.util.Map;

/** Adds provider specifics to a {@link VerifiedToken} being built (groups from Keycloak roles, Cognito scope prefixes). */
@FunctionalInterface
public interface TokenCustomizer {
  /** No specifics. */
  TokenCustomizer NONE = (claims, builder) -> { };

  void customize(Map<String, Object> claims, VerifiedToken.Builder builder);
}
