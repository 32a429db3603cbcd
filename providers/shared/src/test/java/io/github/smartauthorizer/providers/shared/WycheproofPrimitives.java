package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a Wycheproof signature-verification file (RSA PKCS#1 v1.5, RSA-PSS, ECDSA P1363, Ed25519) through the
 * project's own pipeline: each group's JWK is loaded by {@link JwkSetParser} (so the key policy applies, e.g. e = 3 is
 * refused) and each test's message and signature go to {@link VerificationKey#verify}, the primitive every token
 * uses.
 *
 * <p>Mapping (attacks.md §1.1): {@code valid} must verify; {@code invalid} must not; {@code acceptable} (only
 * {@code MissingNull}, a PKCS#1 digest without the NULL parameter) must not either, under our policy. A group whose key
 * the loader refuses counts as "key refused at load"; for a valid or acceptable test that is accepted only where the
 * key policy says so, which the caller states with {@code refusableKeyFlags}. An invalid test of such a group is
 * refused without its signature ever being checked, so it is counted apart ({@link #INVALID_UNVERIFIED}) and the
 * caller states how many the file has.
 */
final class WycheproofPrimitives {
  /** The tally label of an invalid test whose group key the loader refused: refused, but never verified. */
  static final String INVALID_UNVERIFIED = "invalid, key refused at load (signature never checked)";

  private WycheproofPrimitives() {}

  static Wycheproof.Tally run(String file, JwsAlgorithm algorithm, Set<String> refusableKeyFlags) {
    return run(file, algorithm, refusableKeyFlags, Set.of());
  }

  /**
   * @param jdkFalseNegatives valid vectors that the JDK's provider refuses (a bug on the safe side); they must stay
   *     refused, so that a fixed JDK makes this test say so
   */
  static Wycheproof.Tally run(String file, JwsAlgorithm algorithm, Set<String> refusableKeyFlags,
      Set<Integer> jdkFalseNegatives) {
    Wycheproof.Tally tally = new Wycheproof.Tally(file);
    for (Map<String, Object> group : Wycheproof.groups(Wycheproof.load(file))) {
      VerificationKey key = load(jwk(group, algorithm), algorithm);
      for (Map<String, Object> test : Wycheproof.tests(group)) {
        int tcId = Wycheproof.tcId(test);
        String result = Wycheproof.result(test);
        if (key == null && "invalid".equals(result)) {
          tally.count(INVALID_UNVERIFIED);
          continue;
        }
        if (key == null) {
          tally.count("key refused at load (" + result + ")");
          if (Wycheproof.flags(test).stream().noneMatch(refusableKeyFlags::contains)) {
            tally.fail(tcId, "key refused at load but the test is " + result + " " + Wycheproof.flags(test));
          }
          continue;
        }
        boolean verified = key.verify(Wycheproof.hex(test, "msg"), Wycheproof.hex(test, "sig"));
        if (jdkFalseNegatives.contains(tcId)) {
          tally.count("valid refused by the JDK (known false negative)");
          if (verified || !"valid".equals(result)) {
            tally.fail(tcId, "listed as a JDK false negative but " + result + " and verified=" + verified);
          }
          continue;
        }
        switch (result) {
          case "valid" -> {
            tally.count("valid verified");
            if (!verified) {
              tally.fail(tcId, "valid signature refused " + Wycheproof.flags(test) + " " + test.get("comment"));
            }
          }
          case "invalid", "acceptable" -> {
            tally.count(result + " refused");
            if (verified) {
              tally.fail(tcId, result + " signature verified " + Wycheproof.flags(test) + " " + test.get("comment"));
            }
          }
          default -> tally.fail(tcId, "unknown result " + result);
        }
      }
    }
    tally.print();
    return tally;
  }

  /**
   * The group's JWK: {@code publicKeyJwk} or {@code keyJwk}, else (the davidben ECDSA edge-case groups) one built
   * from the uncompressed point {@code 04 || x || y}.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> jwk(Map<String, Object> group, JwsAlgorithm algorithm) {
    for (String member : List.of("publicKeyJwk", "keyJwk")) {
      if (group.get(member) instanceof Map<?, ?> jwk) {
        return (Map<String, Object>) jwk;
      }
    }
    Map<String, Object> publicKey = (Map<String, Object>) group.get("publicKey");
    byte[] point = HexFormat.of().parseHex((String) publicKey.get("uncompressed"));
    int size = (point.length - 1) / 2;
    Map<String, Object> jwk = new LinkedHashMap<>();
    jwk.put("kty", "EC");
    jwk.put("crv", algorithm.curve());
    jwk.put("x", Base64Url.encode(Arrays.copyOfRange(point, 1, 1 + size)));
    jwk.put("y", Base64Url.encode(Arrays.copyOfRange(point, 1 + size, point.length)));
    return jwk;
  }

  /** The group key through the JWKS loader, bound to {@code algorithm}; {@code null} when the loader refuses it. */
  private static VerificationKey load(Map<String, Object> jwk, JwsAlgorithm algorithm) {
    try {
      JwkSet keys = new JwkSetParser(EnumSet.of(algorithm))
          .parse(("{\"keys\":[" + TestKeys.json(jwk) + "]}").getBytes(StandardCharsets.UTF_8)).keys();
      if (keys.size() == 0) {
        return null;
      }
      VerificationKey key = keys.keys().get(0);
      assertEquals(algorithm, key.algorithm());
      return key;
    } catch (JwkSetParser.InvalidJwksException e) {
      return null;
    }
  }

  /** Fails with every failing tcId listed. */
  static void assertNoFailures(Wycheproof.Tally tally, int expectedTests) {
    assertEquals(expectedTests, tally.tests(), "number of tests in the file");
    assertTrue(tally.failures().isEmpty(), tally.summary() + "\n" + String.join("\n", tally.failures()));
  }

  /**
   * {@link #assertNoFailures(Wycheproof.Tally, int)} for a tally of {@link #run}, which also holds the number of
   * invalid tests left unverified because the loader refused their group's key: a loader that wrongly refuses one
   * more key would otherwise turn that group's invalid tests into silent passes.
   */
  static void assertNoFailures(Wycheproof.Tally tally, int expectedTests, int expectedInvalidUnverified) {
    assertNoFailures(tally, expectedTests);
    assertEquals(expectedInvalidUnverified, tally.counted(INVALID_UNVERIFIED),
        "invalid tests whose key the loader refused, so never verified: " + tally.summary());
  }
}
