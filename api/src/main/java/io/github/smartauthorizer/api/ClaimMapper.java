package io.github.smartauthorizer.api;

/**
 * Turns the verified claims of an accepted token into the {@code authPayload} HealthLake reads. The standard mapper
 * implements the HealthLake contract ({@code aud} = the data store endpoint, {@code nbf} = {@code nbf} or
 * {@code iat}, {@code scope} as one space-delimited string, {@code fhirUser} and {@code patient} from configurable
 * claim names); a provider replaces it only when its IdP needs a different mapping.
 *
 * <p>Implementations are immutable and thread-safe, and must not throw for any {@link VerifiedToken}.
 */
@FunctionalInterface
public interface ClaimMapper {

  /**
   * Maps an accepted token.
   *
   * @param token the verified claims, never {@code null}
   * @param request the request being authorized, never {@code null}
   * @return the payload with {@code isAuthorized: true}; never {@code null}
   */
  AuthPayload map(VerifiedToken token, HealthLakeRequest request);
}
