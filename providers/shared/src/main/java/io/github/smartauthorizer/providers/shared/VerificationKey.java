package io.github.smartauthorizer.providers.shared;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * A public key from a JWKS, bound to exactly one {@link JwsAlgorithm} (RFC 8725 §3.1). Immutable and thread-safe.
 *
 * <p>{@link #verify} is the one signature check of the authorizer, used for every token and run against the
 * Wycheproof vectors. Before the JDK's {@link Signature} is called it checks, in our own code, what RFC 7518 and
 * RFC 8032 fix about the signature's shape, so that a JDK bug such as CVE-2022-21449 ("psychic signatures") cannot
 * turn a malformed signature into a valid one:
 *
 * <ul>
 *   <li>RSA ({@code RS*}, {@code PS*}): exactly as many bytes as the modulus (RFC 8017 §8.2.2 step 1, §8.1.2 step 1);
 *   <li>ECDSA ({@code ES*}): exactly 64, 96 or 132 bytes of R‖S (RFC 7518 §3.4), no DER, and {@code 0 < r < n},
 *       {@code 0 < s < n};
 *   <li>EdDSA: exactly 64 bytes and {@code S < L} (RFC 8032 §5.1.7 step 1).
 * </ul>
 *
 * <p>{@code RS*} signatures are verified by RFC 8017's encode-and-compare alone ({@code s^e mod n} must equal the one
 * valid encoding of the hash), which is the complete verification and stricter than the JDK's; the JDK's
 * {@link Signature} verifies {@code PS*}, {@code ES*} and {@code EdDSA}.
 */
public final class VerificationKey {
  /** The order of the Ed25519 base point, L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 §5.1). */
  private static final BigInteger ED25519_ORDER =
      BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

  private final String kid;
  private final JwsAlgorithm algorithm;
  private final PublicKey publicKey;
  /** For RSA the modulus length in bytes; otherwise the fixed signature length. */
  private final int signatureLength;
  /** For ECDSA the curve order n; otherwise {@code null}. */
  private final BigInteger ecOrder;

  /**
   * @throws IllegalArgumentException when the key does not fit the algorithm (type or curve)
   */
  public VerificationKey(String kid, JwsAlgorithm algorithm, PublicKey publicKey) {
    this.kid = kid;
    this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
    switch (algorithm.family()) {
      case RSA_PKCS1, RSA_PSS -> {
        if (!(publicKey instanceof RSAPublicKey rsa)) {
          throw new IllegalArgumentException(algorithm + " needs an RSA key");
        }
        this.signatureLength = (rsa.getModulus().bitLength() + 7) / 8;
        this.ecOrder = null;
      }
      case ECDSA -> {
        if (!(publicKey instanceof ECPublicKey ec)) {
          throw new IllegalArgumentException(algorithm + " needs an EC key");
        }
        BigInteger order = ec.getParams().getOrder();
        if ((order.bitLength() + 7) / 8 * 2 != algorithm.fixedSignatureLength()) {
          throw new IllegalArgumentException(algorithm + " needs a key on " + algorithm.curve());
        }
        this.signatureLength = algorithm.fixedSignatureLength();
        this.ecOrder = order;
      }
      case EDDSA -> {
        if (!(publicKey instanceof EdECPublicKey ed) || !"Ed25519".equals(ed.getParams().getName())) {
          throw new IllegalArgumentException(algorithm + " needs an Ed25519 key");
        }
        this.signatureLength = algorithm.fixedSignatureLength();
        this.ecOrder = null;
      }
      default -> throw new IllegalStateException("unreachable");
    }
  }

  /** The key id, or {@code null} when the JWK had none. */
  public String kid() {
    return kid;
  }

  public JwsAlgorithm algorithm() {
    return algorithm;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /**
   * Verifies a token's signature with this key, over the literal signing input (no second parse of the token).
   *
   * @return whether the signature is valid
   */
  public boolean verifies(CompactJws jws) {
    return verify(jws.signingInputBytes(), jws.signatureBytes());
  }

  /**
   * The signature primitive: whether {@code signature} is a valid signature of {@code signingInput} under this key
   * and its one algorithm. Never throws for any input.
   */
  public boolean verify(byte[] signingInput, byte[] signature) {
    if (signature.length != signatureLength || !shapeIsValid(signature)) {
      return false;
    }
    try {
      if (algorithm.family() == JwsAlgorithm.Family.RSA_PKCS1) {
        // Encode-and-compare is RFC 8017's whole verification, stricter than the JDK's: calling the JDK as well would
        // only repeat the same s^e mod n and hash, doubling the cost of every RS* token (docs/performance.md).
        return isStrictPkcs1Encoding(signingInput, signature);
      }
      Signature verifier = algorithm.newSignature();
      verifier.initVerify(publicKey);
      verifier.update(signingInput);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      // SignatureException for a malformed signature; ProviderException or IllegalArgumentException from a provider
      // that chokes on one. Either way the signature is not valid.
      return false;
    }
  }

  private boolean shapeIsValid(byte[] signature) {
    switch (algorithm.family()) {
      case ECDSA: {
        int half = signature.length / 2;
        BigInteger r = new BigInteger(1, signature, 0, half);
        BigInteger s = new BigInteger(1, signature, half, half);
        return inOpenRange(r) && inOpenRange(s);
      }
      case EDDSA: {
        byte[] sLittleEndian = new byte[32];
        for (int i = 0; i < 32; i++) {
          sLittleEndian[i] = signature[63 - i];
        }
        return new BigInteger(1, sLittleEndian).compareTo(ED25519_ORDER) < 0;
      }
      default:
        return true;
    }
  }

  /**
   * RFC 8017 §8.2.2 by "encode and compare": the signature, raised to e, must be exactly
   * {@code 00 01 FF..FF 00 DigestInfo(hash, NULL parameters) H}. The JDK also accepts the DigestInfo without the NULL
   * (Wycheproof {@code MissingNull}, "acceptable"), which we refuse: one message, one valid encoding.
   */
  private boolean isStrictPkcs1Encoding(byte[] signingInput, byte[] signature) throws GeneralSecurityException {
    RSAPublicKey rsa = (RSAPublicKey) publicKey;
    BigInteger s = new BigInteger(1, signature);
    if (s.compareTo(rsa.getModulus()) >= 0) {
      return false;
    }
    byte[] hash = MessageDigest.getInstance(algorithm.pkcs1HashName()).digest(signingInput);
    byte[] prefix = algorithm.digestInfoPrefix();
    int k = signatureLength;
    int tLen = prefix.length + hash.length;
    if (k < tLen + 11) {
      return false;
    }
    byte[] expected = new byte[k];
    expected[1] = 0x01;
    Arrays.fill(expected, 2, k - tLen - 1, (byte) 0xFF);
    System.arraycopy(prefix, 0, expected, k - tLen, prefix.length);
    System.arraycopy(hash, 0, expected, k - hash.length, hash.length);
    byte[] m = s.modPow(rsa.getPublicExponent(), rsa.getModulus()).toByteArray();
    byte[] encoded = new byte[k];
    int copy = Math.min(m.length, k);
    System.arraycopy(m, m.length - copy, encoded, k - copy, copy);
    return m.length <= k + 1 && MessageDigest.isEqual(encoded, expected);
  }

  /** {@code 0 < v < n}: r and s of a valid ECDSA signature (SEC 1 §4.1.4 step 1); 0 and n are the psychic values. */
  private boolean inOpenRange(BigInteger v) {
    return v.signum() > 0 && v.compareTo(ecOrder) < 0;
  }
}
