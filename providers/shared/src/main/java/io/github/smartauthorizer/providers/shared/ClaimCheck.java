package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.HealthLakeRequest;
import java.util.Map;

/**
 * One provider-specific rule over the claims of a token whose signature, issuer, audience and times already passed
 * (for example Keycloak's payload {@code typ == "Bearer"} or Cognito's {@code token_use == "access"}).
 */
@FunctionalInterface
public interface ClaimCheck {

  /**
   * @param header the verified JOSE header
   * @param claims the verified claims
   * @param request the HealthLake request
   * @throws TokenRejectedException when the rule refuses the token
   */
  void check(Map<String, Object> header, Map<String, Object> claims, HealthLakeRequest request)
      throws TokenRejectedException;
}
