package io.github.smartauthorizer.providers.shared;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The JWS algorithms (RFC 7518 §3, RFC 8037 §3.1) the authorizer can verify, each bound to one key type and, for
 * ECDSA and EdDSA, one curve. Each is verified through {@link VerificationKey#verify}: {@code PS*}, {@code ES*} and
 * {@code EdDSA} by the JDK's own providers ({@link Signature}) after the length and range checks of RFC 7518 done in
 * our code, {@code RS*} by RFC 8017's encode-and-compare in our code over the JDK's {@code BigInteger}.
 *
 * <p>Symmetric ({@code HS*}) algorithms are deliberately absent: a public JWKS never yields an HMAC key, so key/algorithm
 * confusion (RFC 8725 §2.1) has nothing to confuse. {@code RS*} and {@code PS*} share the key type {@code RSA}, but a
 * key is bound to exactly one of them ({@link JwkSetParser}), so a PKCS#1 v1.5 key never verifies a PSS signature or
 * the reverse (Wycheproof's {@code WrongPrimitive}). {@code EdDSA} is Ed25519 only ({@code kty: OKP},
 * {@code crv: Ed25519}); Ed448 is not supported.
 */
public enum JwsAlgorithm {
  RS256(Family.RSA_PKCS1, "RSA", null, "SHA256withRSA", null, 0),
  RS384(Family.RSA_PKCS1, "RSA", null, "SHA384withRSA", null, 0),
  RS512(Family.RSA_PKCS1, "RSA", null, "SHA512withRSA", null, 0),
  PS256(Family.RSA_PSS, "RSA", null, "RSASSA-PSS", pss("SHA-256", MGF1ParameterSpec.SHA256, 32), 0),
  PS384(Family.RSA_PSS, "RSA", null, "RSASSA-PSS", pss("SHA-384", MGF1ParameterSpec.SHA384, 48), 0),
  PS512(Family.RSA_PSS, "RSA", null, "RSASSA-PSS", pss("SHA-512", MGF1ParameterSpec.SHA512, 64), 0),
  ES256(Family.ECDSA, "EC", "P-256", "SHA256withECDSAinP1363Format", null, 64),
  ES384(Family.ECDSA, "EC", "P-384", "SHA384withECDSAinP1363Format", null, 96),
  ES512(Family.ECDSA, "EC", "P-521", "SHA512withECDSAinP1363Format", null, 132),
  EdDSA(Family.EDDSA, "OKP", "Ed25519", "Ed25519", null, 64);

  /** How signatures of an algorithm are formed, which decides the checks made before the JDK is called. */
  enum Family {
    /** RSASSA-PKCS1-v1_5 (RFC 8017 §8.2): the signature is exactly as long as the modulus. */
    RSA_PKCS1,
    /** RSASSA-PSS with MGF1 of the same hash and a salt as long as the hash (RFC 7518 §3.5). */
    RSA_PSS,
    /** ECDSA with the R‖S (IEEE P1363) encoding of RFC 7518 §3.4: exact length, {@code 0 < r, s < n}. */
    ECDSA,
    /** Ed25519 (RFC 8032 §5.1.7): 64 bytes, {@code S < L}. */
    EDDSA
  }

  private final Family family;
  private final String keyType;
  private final String curve;
  private final String jdkName;
  private final PSSParameterSpec pssParameters;
  private final int fixedSignatureLength;

  JwsAlgorithm(Family family, String keyType, String curve, String jdkName, PSSParameterSpec pssParameters,
      int fixedSignatureLength) {
    this.family = family;
    this.keyType = keyType;
    this.curve = curve;
    this.jdkName = jdkName;
    this.pssParameters = pssParameters;
    this.fixedSignatureLength = fixedSignatureLength;
  }

  private static PSSParameterSpec pss(String hash, MGF1ParameterSpec mgfHash, int saltLength) {
    return new PSSParameterSpec(hash, "MGF1", mgfHash, saltLength, PSSParameterSpec.TRAILER_FIELD_BC);
  }

  /** The JWK {@code kty} this algorithm needs: {@code RSA}, {@code EC} or {@code OKP}. */
  public String keyType() {
    return keyType;
  }

  /** The JWK {@code crv} this algorithm needs, or {@code null} for RSA. */
  public String curve() {
    return curve;
  }

  Family family() {
    return family;
  }

  /** The exact signature length for ECDSA (R‖S, RFC 7518 §3.4) and EdDSA, or 0 for RSA (the modulus length). */
  int fixedSignatureLength() {
    return fixedSignatureLength;
  }

  /**
   * For {@code RS*}: the DER of the DigestInfo up to the hash value, with the NULL parameters (RFC 8017 §9.2 note 1);
   * {@code null} otherwise.
   */
  byte[] digestInfoPrefix() {
    return switch (this) {
      case RS256 -> HexFormat.of().parseHex("3031300d060960864801650304020105000420");
      case RS384 -> HexFormat.of().parseHex("3041300d060960864801650304020205000430");
      case RS512 -> HexFormat.of().parseHex("3051300d060960864801650304020305000440");
      default -> null;
    };
  }

  /** For {@code RS*}: the JDK name of the hash; {@code null} otherwise. */
  String pkcs1HashName() {
    return switch (this) {
      case RS256 -> "SHA-256";
      case RS384 -> "SHA-384";
      case RS512 -> "SHA-512";
      default -> null;
    };
  }

  /** A fresh JDK {@link Signature} for this algorithm, parameters set; not thread-safe, so one per verification. */
  Signature newSignature() throws GeneralSecurityException {
    Signature signature = Signature.getInstance(jdkName);
    if (pssParameters != null) {
      signature.setParameter(pssParameters);
    }
    return signature;
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
}
