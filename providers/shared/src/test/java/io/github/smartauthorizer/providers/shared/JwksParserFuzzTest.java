package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzz target for the JWKS parser ({@link JwkSetParser}), with Jazzer. Invariants: nothing but
 * {@link JwkSetParser.InvalidJwksException} escapes, and every key it returns obeys the key policy: bound to one
 * allowed algorithm of its own type and curve, RSA of at least 2048 bits with an odd exponent of at least 65537 and
 * without the ROCA fingerprint, Ed25519 keys acceptable, and no two keys with one {@code kid}.
 */
class JwksParserFuzzTest {
  static final AtomicLong EXECUTIONS = new AtomicLong();
  private static final JwkSetParser PARSER = new JwkSetParser(EnumSet.allOf(JwsAlgorithm.class));
  private static final JwkSetParser RS_ONLY = new JwkSetParser(EnumSet.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256));

  @AfterAll
  static void report() {
    System.out.println("FUZZ JwksParserFuzzTest executions: " + EXECUTIONS.get());
  }

  @FuzzTest(maxDuration = "15s")
  void fuzz(byte[] document) {
    EXECUTIONS.incrementAndGet();
    check(PARSER, EnumSet.allOf(JwsAlgorithm.class), document);
    check(RS_ONLY, EnumSet.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256), document);
  }

  private static void check(JwkSetParser parser, Set<JwsAlgorithm> allowed, byte[] document) {
    JwkSetParser.Result result;
    try {
      result = parser.parse(document);
    } catch (JwkSetParser.InvalidJwksException expected) {
      return;
    }
    Set<String> kids = new HashSet<>();
    for (VerificationKey key : result.keys().keys()) {
      JwsAlgorithm algorithm = key.algorithm();
      assertTrue(allowed.contains(algorithm), "key bound to a disallowed algorithm");
      assertTrue(key.kid() == null || kids.add(key.kid()), "two keys with one kid");
      switch (algorithm.keyType()) {
        case "RSA" -> {
          RSAPublicKey rsa = (RSAPublicKey) key.publicKey();
          assertTrue(rsa.getModulus().bitLength() >= 2048, "small RSA key");
          assertTrue(rsa.getPublicExponent().testBit(0) && rsa.getPublicExponent().bitLength() >= 17, "small e");
          assertTrue(!RsaModuli.hasRocaFingerprint(rsa.getModulus()), "ROCA key");
        }
        case "EC" -> {
          ECPublicKey ec = (ECPublicKey) key.publicKey();
          assertEquals(algorithm.fixedSignatureLength(), (ec.getParams().getOrder().bitLength() + 7) / 8 * 2);
          assertTrue(EcPoints.isOnCurve(ec.getW(), ec.getParams()), "point off the curve");
        }
        default -> assertTrue(key.publicKey() instanceof EdECPublicKey, "OKP key is not Ed25519");
      }
    }
  }
}
