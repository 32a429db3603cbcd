package io.github.smartauthorizer.api.spi;

import java.util.Objects;

/**
 * Which tokens one provider instance is for, so that a Lambda serving several instances
 * ({@code AUTHORIZER_PROVIDERS}) can hand each token to exactly one of them before any key is fetched or any
 * endpoint is called. Immutable.
 *
 * <p>A JWT goes to the instance whose {@link #issuer()} is exactly the token's (still unverified) {@code iss}; that
 * instance then verifies the token fully, signature and {@code iss} included. A token that is not a JWT (an opaque
 * token) goes to the one instance that {@link #acceptsOpaqueTokens() accepts opaque tokens}, an introspection
 * instance. A token that no instance is for is denied without a network call.
 *
 * @param issuer the exact {@code iss} of the JWTs this instance verifies, or {@code null} when it verifies none by
 *     issuer (an introspection instance configured without an issuer)
 * @param acceptsOpaqueTokens whether the instance can decide tokens that are not JWTs (RFC 7662 introspection)
 */
public record TokenRoute(String issuer, boolean acceptsOpaqueTokens) {

  /** A route that names nothing: the instance cannot be one of several (see {@link AuthorizerProvider#route}). */
  public static final TokenRoute UNKNOWN = new TokenRoute(null, false);

  /**
   * Validates the issuer.
   *
   * @throws IllegalArgumentException when {@code issuer} is empty or blank
   */
  public TokenRoute {
    if (issuer != null && issuer.isBlank()) {
      throw new IllegalArgumentException("issuer is blank");
    }
  }

  /** JWTs whose {@code iss} is exactly {@code issuer}, verified locally (JWKS). */
  public static TokenRoute jwtIssuer(String issuer) {
    return new TokenRoute(Objects.requireNonNull(issuer, "issuer"), false);
  }

  /**
   * Opaque tokens, and JWTs whose {@code iss} is exactly {@code issuer} when one is given: an instance that asks the
   * IdP (RFC 7662).
   *
   * @param issuer the issuer of the tokens it introspects, or {@code null} when unknown
   */
  public static TokenRoute introspection(String issuer) {
    return new TokenRoute(issuer, true);
  }

  /** Whether the route names any token at all. */
  public boolean isKnown() {
    return issuer != null || acceptsOpaqueTokens;
  }
}
