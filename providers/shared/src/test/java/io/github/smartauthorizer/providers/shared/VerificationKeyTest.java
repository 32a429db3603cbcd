package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The signature primitive: every algorithm, and the shape checks made before the JDK is called (RFC 7518, 8032). */
class VerificationKeyTest {
  private static final byte[] INPUT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0".getBytes(StandardCharsets.US_ASCII);

  private static VerificationKey keyOf(JwsSigner signer) {
    return new VerificationKey(signer.kid(), signer.algorithm(), signer.keyPair().getPublic());
  }

  @ParameterizedTest
  @EnumSource(JwsAlgorithm.class)
  void verifiesItsOwnAlgorithmAndRefusesATamperedInput(JwsAlgorithm algorithm) {
    JwsSigner signer = JwsSigner.generate(algorithm, "k");
    byte[] signature = signer.signature(INPUT);
    VerificationKey key = keyOf(signer);
    assertTrue(key.verify(INPUT, signature));
    byte[] tampered = INPUT.clone();
    tampered[tampered.length - 1] ^= 1;
    assertFalse(key.verify(tampered, signature));
    byte[] flipped = signature.clone();
    flipped[flipped.length / 2] ^= 1;
    assertFalse(key.verify(INPUT, flipped));
  }

  @ParameterizedTest
  @EnumSource(JwsAlgorithm.class)
  void refusesASignatureOneByteLongerOrShorter(JwsAlgorithm algorithm) {
    JwsSigner signer = JwsSigner.generate(algorithm, "k");
    byte[] signature = signer.signature(INPUT);
    VerificationKey key = keyOf(signer);
    byte[] leadingZero = new byte[signature.length + 1];
    System.arraycopy(signature, 0, leadingZero, 1, signature.length);
    assertFalse(key.verify(INPUT, leadingZero), "leading zero byte");
    assertFalse(key.verify(INPUT, Arrays.copyOf(signature, signature.length + 1)), "trailing zero byte");
    assertFalse(key.verify(INPUT, Arrays.copyOf(signature, signature.length - 1)), "one byte short");
    assertFalse(key.verify(INPUT, new byte[0]), "empty");
  }

  @ParameterizedTest
  @EnumSource(value = JwsAlgorithm.class, names = {"ES256", "ES384", "ES512"})
  void refusesPsychicSignaturesBeforeTheJdkSeesThem(JwsAlgorithm algorithm) {
    JwsSigner signer = JwsSigner.generate(algorithm, "k");
    VerificationKey key = keyOf(signer);
    int half = algorithm.fixedSignatureLength() / 2;
    BigInteger n = ((ECPublicKey) signer.keyPair().getPublic()).getParams().getOrder();
    BigInteger[][] pairs = {{BigInteger.ZERO, BigInteger.ZERO}, {n, n}, {BigInteger.ZERO, BigInteger.ONE},
        {BigInteger.ONE, BigInteger.ZERO}, {n, BigInteger.ONE}, {BigInteger.ONE, n},
        {n.add(BigInteger.ONE), BigInteger.ONE}};
    for (BigInteger[] rs : pairs) {
      byte[] signature = new byte[2 * half];
      System.arraycopy(TestKeys.fixedLength(rs[0], half), 0, signature, 0, half);
      System.arraycopy(TestKeys.fixedLength(rs[1], half), 0, signature, half, half);
      assertFalse(key.verify(INPUT, signature), "r=" + rs[0] + " s=" + rs[1]);
    }
  }

  @ParameterizedTest
  @EnumSource(value = JwsAlgorithm.class, names = {"ES256", "ES384", "ES512"})
  void refusesADerEncodedEcdsaSignature(JwsAlgorithm algorithm) throws Exception {
    JwsSigner signer = JwsSigner.generate(algorithm, "k");
    String jdk = "SHA" + algorithm.name().substring(2) + "withECDSA";
    Signature der = Signature.getInstance(jdk);
    der.initSign(signer.privateKey());
    der.update(INPUT);
    assertFalse(keyOf(signer).verify(INPUT, der.sign()));
  }

  @Test
  void acceptsTheMalleableTwinOfAnEcdsaSignatureAsJwsHasNoLowSRule() {
    JwsSigner signer = JwsSigner.generate(JwsAlgorithm.ES256, "k");
    byte[] signature = signer.signature(INPUT);
    BigInteger n = ((ECPublicKey) signer.keyPair().getPublic()).getParams().getOrder();
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    byte[] twin = signature.clone();
    System.arraycopy(TestKeys.fixedLength(n.subtract(s), 32), 0, twin, 32, 32);
    assertTrue(keyOf(signer).verify(INPUT, twin), "(r, n - s) is valid ECDSA; attacks.md marks it 'either'");
  }

  @Test
  void refusesAnEd25519SignatureWhoseSIsNotReduced() {
    JwsSigner signer = JwsSigner.generate(JwsAlgorithm.EdDSA, "k");
    byte[] signature = signer.signature(INPUT);
    BigInteger order = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    byte[] sBigEndian = new byte[32];
    for (int i = 0; i < 32; i++) {
      sBigEndian[i] = signature[63 - i];
    }
    byte[] plusL = TestKeys.fixedLength(new BigInteger(1, sBigEndian).add(order), 32);
    byte[] malleable = signature.clone();
    for (int i = 0; i < 32; i++) {
      malleable[32 + i] = plusL[31 - i];
    }
    assertFalse(keyOf(signer).verify(INPUT, malleable), "S + L");
    assertFalse(keyOf(signer).verify(INPUT, Arrays.copyOf(signature, 65)), "signature with garbage");
  }

  @Test
  void rsaKeysSignWithOnePrimitiveOnly() {
    JwsSigner rs = JwsSigner.generate(JwsAlgorithm.RS256, "k");
    JwsSigner ps = rs.withAlgorithm(JwsAlgorithm.PS256);
    assertFalse(keyOf(ps).verify(INPUT, rs.signature(INPUT)), "PKCS#1 v1.5 signature under a PS256 key");
    assertFalse(keyOf(rs).verify(INPUT, ps.signature(INPUT)), "PSS signature under an RS256 key");
    assertFalse(keyOf(rs.withAlgorithm(JwsAlgorithm.RS384)).verify(INPUT, rs.signature(INPUT)), "other hash");
  }

  @Test
  void refusesAnRsaSignatureNotBelowTheModulus() {
    JwsSigner signer = JwsSigner.generate(JwsAlgorithm.RS256, "k");
    BigInteger n = ((RSAPublicKey) signer.keyPair().getPublic()).getModulus();
    assertFalse(keyOf(signer).verify(INPUT, TestKeys.fixedLength(n, 256)));
    assertFalse(keyOf(signer).verify(INPUT, TestKeys.fixedLength(n.add(BigInteger.ONE), 256)));
  }

  @Test
  void aKeyThatDoesNotFitItsAlgorithmCannotBeBuilt() {
    assertThrows(IllegalArgumentException.class, () -> new VerificationKey("k", JwsAlgorithm.ES256,
        JwsSigner.generate(JwsAlgorithm.ES384, "k").keyPair().getPublic()));
    assertThrows(IllegalArgumentException.class, () -> new VerificationKey("k", JwsAlgorithm.EdDSA,
        JwsSigner.generate(JwsAlgorithm.RS256, "k").keyPair().getPublic()));
    assertThrows(IllegalArgumentException.class, () -> new VerificationKey("k", JwsAlgorithm.PS256,
        JwsSigner.generate(JwsAlgorithm.ES256, "k").keyPair().getPublic()));
  }
}
