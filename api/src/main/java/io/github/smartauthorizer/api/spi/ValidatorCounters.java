package io.github.smartauthorizer.api.spi;

/**
 * What a validator has done since it was built, for the metrics the host writes: monotonically increasing counts,
 * read after each decision (the host reports the difference). Immutable.
 *
 * @param keyFetches fetches of verification keys (a JWKS, a discovery document), the init prefetch included
 * @param idpCalls calls to the identity provider about a token (an introspection), warm-up calls included
 * @param cacheHits decisions whose IdP facts came from a cache instead of a call (an introspection answer)
 */
public record ValidatorCounters(long keyFetches, long idpCalls, long cacheHits) {
  /** A validator that counts nothing (one that makes no remote call, or does not say). */
  public static final ValidatorCounters NONE = new ValidatorCounters(0, 0, 0);

  /** The sum of two validators' counts (a router over several). */
  public ValidatorCounters plus(ValidatorCounters other) {
    return new ValidatorCounters(keyFetches + other.keyFetches, idpCalls + other.idpCalls,
        cacheHits + other.cacheHits);
  }
}
