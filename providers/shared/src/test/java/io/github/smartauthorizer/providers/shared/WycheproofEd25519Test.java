package io.github.smartauthorizer.providers.shared;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof Ed25519 (EdDSA, RFC 8037) through {@link VerificationKey#verify}: {@code SignatureMalleability} (S ≥ L),
 * {@code SignatureWithGarbage}, {@code TruncatedSignature}, {@code InvalidEncoding}, {@code TinkOverflow},
 * {@code CompressedSignature}.
 */
class WycheproofEd25519Test {
  /**
   * Every group's key is a canonical Ed25519 point of large order, which the loader accepts, so no invalid test goes
   * unverified.
   */
  @Test
  void everyVectorGivesTheExpectedVerdict() {
    WycheproofPrimitives.assertNoFailures(
        WycheproofPrimitives.run("ed25519_test.json", JwsAlgorithm.EdDSA, Set.of()), 151, 0);
  }
}
