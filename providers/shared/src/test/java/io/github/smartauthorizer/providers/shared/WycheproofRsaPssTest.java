package io.github.smartauthorizer.providers.shared;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Wycheproof RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (PS256) through
 * {@link VerificationKey#verify}: {@code ModifiedSignature}, {@code WrongPrimitive} (PKCS#1 v1.5 signatures presented
 * as PSS), {@code SpecialCaseHash}.
 */
class WycheproofRsaPssTest {
  /**
   * No invalid test goes unverified: each file has one group, whose key (e = 65537, a modulus of the file's size, at
   * least 2048 bits) the loader accepts.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"rsa_pss_2048_sha256_mgf1_32_test.json, 108, 0", "rsa_pss_3072_sha256_mgf1_32_test.json, 108, 0",
      "rsa_pss_4096_sha256_mgf1_32_test.json, 108, 0"})
  void everyVectorGivesTheExpectedVerdict(String file, int tests, int invalidUnverified) {
    WycheproofPrimitives.assertNoFailures(
        WycheproofPrimitives.run(file, JwsAlgorithm.PS256, Set.of()), tests, invalidUnverified);
  }
}
