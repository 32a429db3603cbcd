package io.github.smartauthorizer.providers.shared;

import com.auth0.jwt.algorithms.Algorithm;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The JWS algorithms (RFC 7518 §3) the authorizer can verify, each bound to one key type and, for ECDSA, one curve.
 * Symmetric ({@code HS*}) algorithms are deliberately absent: a public JWKS never yields an HMAC key, so key/algorithm
 * confusion (RFC 8725 §2.1) has nothing to confuse.
 */
public enum JwsAlgorithm {
  RS256("RSA", null, 0),
  RS384("RSA", null, 0),
  RS512("RSA", null, 0),
  ES256("EC", "P-256", 64),
  ES384("EC", "P-384", 96),
  ES512("EC", "P-521", 132);

  private final String keyType;
  private final String curve;
  private final int ecdsaSignatureLength;

  JwsAlgorithm(String keyType, String curve, int ecdsaSignatureLength) {
    this.keyType = keyType;
    this.curve = curve;
    this.ecdsaSignatureLength = ecdsaSignatureLength;
  }

  /** The JWK {@code kty} this algorithm needs. */
  public String keyType() {
    return keyType;
  }

  /** The JWK {@code crv} this algorithm needs, or {@code null} for RSA. */
  public String curve() {
    return curve;
  }

  /** The exact length of an R‖S signature (RFC 7518 §3.4), or 0 for RSA. */
  int ecdsaSignatureLength() {
    return ecdsaSignatureLength;
  }

  /** The algorithm with exactly this name; names are case-sensitive ({@code rs256} and {@code none} match nothing). */
  public static Optional<JwsAlgorithm> byName(String name) {
    for (JwsAlgorithm a : values()) {
      if (a.name().equals(name)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** The names of all supported algorithms, for error messages. */
  public static String supportedNames() {
    return Arrays.toString(values());
  }

  /** Algorithms of one key type in an allow-list. */
  static Set<JwsAlgorithm> ofKeyType(Set<JwsAlgorithm> allowed, String kty) {
    Set<JwsAlgorithm> out = EnumSet.noneOf(JwsAlgorithm.class);
    for (JwsAlgorithm a : allowed) {
      if (a.keyType.equals(kty)) {
        out.add(a);
      }
    }
    return out;
  }

  /** A java-jwt verifier for this algorithm bound to one public key. */
  Algorithm verifier(PublicKey key) {
    switch (this) {
      case RS256:
        return Algorithm.RSA256((RSAPublicKey) key, null);
      case RS384:
        return Algorithm.RSA384((RSAPublicKey) key, null);
      case RS512:
        return Algorithm.RSA512((RSAPublicKey) key, null);
      case ES256:
        return Algorithm.ECDSA256((ECPublicKey) key, null);
      case ES384:
        return Algorithm.ECDSA384((ECPublicKey) key, null);
      case ES512:
        return Algorithm.ECDSA512((ECPublicKey) key, null);
      default:
        throw new IllegalStateException("unreachable");
    }
  }
}
