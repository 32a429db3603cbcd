package io.github.smartauthorizer.providers.shared;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Wycheproof ECDSA in the IEEE P1363 (R‖S) encoding that JWS uses (RFC 7518 §3.4), through
 * {@link VerificationKey#verify}: {@code InvalidSignature} (r or s = 0 or n: the psychic signatures of CVE-2022-21449),
 * {@code RangeCheck}, {@code ModularInverse}, {@code PointDuplication}, {@code EdgeCasePublicKey},
 * {@code SignatureSize}, {@code IntegerOverflow}. ES512 (P-521) is an extra.
 */
class WycheproofEcdsaTest {
  /**
   * The two valid vectors per curve that the JDK 17 SunEC provider refuses, both with x(kG) ≥ n so that
   * r = x(kG) − n: Wycheproof's {@code ArithmeticError} "k*G has a large x-coordinate" and davidben's "x = n + r is
   * the smallest possible x with a reduction". The provider evidently compares r with x(R) without reducing it mod n.
   * Refusing a valid signature fails closed, and an honest signer produces such an r with probability about
   * (p − n)/p, below 2^-128 on these curves; the test keeps them listed so that a JDK that fixes it is noticed.
   *
   * <p>No invalid test goes unverified in any file: every group's key, the {@code EdgeCasePublicKey} and
   * {@code PointDuplication} ones included (x = 0, x shared with the generator...), is a point on the file's curve,
   * and the loader refuses EC keys only for a wrong curve or a point off it.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"ecdsa_secp256r1_sha256_p1363_test.json, ES256, 262, 115|257, 0",
      "ecdsa_secp384r1_sha384_p1363_test.json, ES384, 280, 147|275, 0",
      "ecdsa_secp521r1_sha512_p1363_test.json, ES512, 318, 184|313, 0"})
  void everyVectorGivesTheExpectedVerdict(String file, JwsAlgorithm algorithm, int tests, String jdkFalseNegatives,
      int invalidUnverified) {
    Set<Integer> known =
        Arrays.stream(jdkFalseNegatives.split("\\|")).map(Integer::valueOf).collect(Collectors.toSet());
    WycheproofPrimitives.assertNoFailures(
        WycheproofPrimitives.run(file, algorithm, Set.of(), known), tests, invalidUnverified);
  }
}
