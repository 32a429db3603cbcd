package io.github.smartauthorizer.api.spi;

import java.util.HashSet;
import java.util.List;
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
 * <p>An instance whose tokens may carry one of several {@code iss} values (an Amazon Cognito user pool: the original and
 * the updated issuer, and the original issuer of each replica Region) names them all in {@link #issuers()}; a JWT whose
 * {@code iss} is any of them goes to it. {@link #issuer()} is then the first of them.
 *
 * @param issuer the exact {@code iss} of the JWTs this instance verifies (the first when there are several), or
 *     {@code null} when it verifies none by issuer (an introspection instance configured without an issuer)
 * @param acceptsOpaqueTokens whether the instance can decide tokens that are not JWTs (RFC 7662 introspection)
 * @param issuers every exact {@code iss} of the JWTs this instance verifies, {@code issuer} first, no duplicates;
 *     {@code null} or empty for just {@code issuer} (none when that is {@code null})
 */
public record TokenRoute(String issuer, boolean acceptsOpaqueTokens, List<String> issuers) {

  /** A route that names nothing: the instance cannot be one of several (see {@link AuthorizerProvider#route}). */
  public static final TokenRoute UNKNOWN = new TokenRoute(null, false);

  /**
   * Validates the issuers and fills {@code issuers} in when it is {@code null} or empty.
   *
   * @throws IllegalArgumentException when an issuer is empty or blank, when {@code issuers} names issuers but does not
   *     start with {@code issuer}, or names one twice
   */
  public TokenRoute {
    if (issuer != null && issuer.isBlank()) {
      throw new IllegalArgumentException("issuer is blank");
    }
    if (issuers == null || issuers.isEmpty()) {
      issuers = issuer == null ? List.of() : List.of(issuer);
    } else {
      issuers = List.copyOf(issuers);
      if (!issuers.get(0).equals(issuer)) {
        throw new IllegalArgumentException("issuers must start with issuer");
      }
      if (issuers.stream().anyMatch(String::isBlank)) {
        throw new IllegalArgumentException("an issuer is blank");
      }
      if (new HashSet<>(issuers).size() != issuers.size()) {
        throw new IllegalArgumentException("an issuer is named twice");
      }
    }
  }

  /**
   * A route naming at most one issuer, as before {@link #issuers()} existed.
   *
   * @param issuer the exact {@code iss} of the JWTs this instance verifies, or {@code null}
   * @param acceptsOpaqueTokens whether the instance can decide tokens that are not JWTs
   */
  public TokenRoute(String issuer, boolean acceptsOpaqueTokens) {
    this(issuer, acceptsOpaqueTokens, null);
  }

  /** JWTs whose {@code iss} is exactly {@code issuer}, verified locally (JWKS). */
  public static TokenRoute jwtIssuer(String issuer) {
    return new TokenRoute(Objects.requireNonNull(issuer, "issuer"), false);
  }

  /**
   * JWTs whose {@code iss} is exactly one of {@code issuers}, verified locally (JWKS).
   *
   * @param issuers one or more issuers, without duplicates; the first becomes {@link #issuer()}
   * @throws IllegalArgumentException when {@code issuers} is empty, names one twice, or one is blank
   */
  public static TokenRoute jwtIssuers(List<String> issuers) {
    if (issuers.isEmpty()) {
      throw new IllegalArgumentException("no issuer");
    }
    return new TokenRoute(Objects.requireNonNull(issuers.get(0), "issuer"), false, issuers);
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
