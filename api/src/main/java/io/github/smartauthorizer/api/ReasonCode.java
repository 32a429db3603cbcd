package io.github.smartauthorizer.api;

/**
 * Why a token was refused or a request could not be decided. Every deny carries exactly one code; logs, metrics and
 * tests speak in these codes, never in message text.
 *
 * <p>Codes split like nimbus-jose-jwt's exceptions: most say <em>the token is bad</em>; {@link #IDP_UNAVAILABLE},
 * {@link #CONFIGURATION_ERROR} and {@link #INTERNAL_ERROR} say <em>the environment failed</em>, which is what an
 * operator should be paged for.
 */
public enum ReasonCode {
  /** The token is not a well-formed compact JWS (RFC 7515 §7.1) or not a token at all. */
  MALFORMED_TOKEN,
  /** The token is longer than {@code AUTHORIZER_MAX_TOKEN_BYTES}; refused before any decoding. */
  TOKEN_TOO_LARGE,
  /** The header {@code alg} is not in the configured allow-list, or does not match the key (RFC 8725 §3.1). */
  ALG_NOT_ALLOWED,
  /** No configured key has the token's {@code kid}, also after a permitted JWKS refetch. */
  UNKNOWN_KID,
  /** The signature does not verify with the key the {@code kid} names. */
  BAD_SIGNATURE,
  /** The header lists a {@code crit} extension this validator does not understand (RFC 7515 §4.1.11). */
  UNSUPPORTED_CRIT,
  /** A nested JWT ({@code cty: JWT}, RFC 7519 §5.2), which is not accepted (an RFC 7797 {@code b64} header is {@link #UNSUPPORTED_CRIT} or {@link #MALFORMED_TOKEN}). */
  NESTED_JWT_UNSUPPORTED,
  /** {@code exp} is in the past, beyond the allowed clock skew. */
  EXPIRED,
  /** {@code nbf} (or {@code iat}) is in the future, beyond the allowed clock skew. */
  NOT_YET_VALID,
  /** {@code iss} is not exactly the configured issuer. */
  INVALID_ISSUER,
  /** The token's audience does not contain the configured audience or the data store endpoint. */
  INVALID_AUDIENCE,
  /** The token is not an access token (an ID or refresh token, or the wrong {@code typ}). */
  INVALID_TOKEN_TYPE,
  /** The token was issued to a client that is not allowed ({@code azp}, {@code client_id}, {@code cid}). */
  INVALID_CLIENT,
  /** A claim the contract needs ({@code exp}, {@code iat}/{@code nbf}, {@code sub}...) is absent or has the wrong type. */
  MISSING_CLAIM,
  /** The introspection endpoint answered {@code active: false} (RFC 7662 §2.2). */
  INACTIVE_TOKEN,
  /** The token carries no scope that HealthLake can act on, or a scope policy refused it. */
  INSUFFICIENT_SCOPE,
  /** The identity provider (JWKS or introspection endpoint) could not be reached in time or answered garbage. */
  IDP_UNAVAILABLE,
  /** The HealthLake event itself is malformed: not JSON, missing fields, wrong types, no token. */
  INVALID_REQUEST,
  /** The authorizer's configuration is wrong; every request is denied until it is fixed. */
  CONFIGURATION_ERROR,
  /** A fault in the authorizer itself; the request is denied and the fault is logged. */
  INTERNAL_ERROR;

  /** Whether this code says that the environment failed rather than that the token was bad. */
  public boolean isEnvironmentFault() {
    return this == IDP_UNAVAILABLE || this == CONFIGURATION_ERROR || this == INTERNAL_ERROR;
  }
}
