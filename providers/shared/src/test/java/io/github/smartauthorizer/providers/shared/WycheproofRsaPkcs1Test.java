package io.github.smartauthorizer.providers.shared;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Wycheproof RSASSA-PKCS1-v1_5 with SHA-256 (RS256) through {@link VerificationKey#verify}: {@code InvalidAsnInPadding},
 * {@code ModifiedPadding}, {@code BerEncodedPadding}, {@code WrongHash}, {@code NoHash}, {@code MissingNull}
 * (acceptable, refused by policy), {@code SignatureMalleability}... The e = 3 groups ({@code SmallPublicKey}) are
 * refused by the key loader, which counts as a pass.
 */
class WycheproofRsaPkcs1Test {
  /**
   * No invalid test goes unverified: the loader refuses only the e = 3 keys (exponent under 65537), two groups in the
   * 2048-bit file and one in the 3072-bit file, each with a single valid {@code SmallPublicKey} test; every invalid
   * test is in the main group, whose key (e = 65537, a modulus of the file's size) the loader accepts.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"rsa_signature_2048_sha256_test.json, 259, 0", "rsa_signature_3072_sha256_test.json, 259, 0",
      "rsa_signature_4096_sha256_test.json, 258, 0"})
  void everyVectorGivesTheExpectedVerdict(String file, int tests, int invalidUnverified) {
    WycheproofPrimitives.assertNoFailures(
        WycheproofPrimitives.run(file, JwsAlgorithm.RS256, Set.of("SmallPublicKey")), tests, invalidUnverified);
  }
}
