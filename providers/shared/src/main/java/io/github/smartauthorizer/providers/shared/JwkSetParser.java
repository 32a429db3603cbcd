package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.json.StrictJson;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a JWKS document (RFC 7517 §5) into {@link VerificationKey}s under a policy:
 *
 * <ul>
 *   <li>the whole set is refused when it holds private key members or two keys with one {@code kid};
 *   <li>a key is skipped (and the skip reported) when its {@code use} is not {@code sig}, its {@code key_ops} lack
 *       {@code verify} (or are not an array of distinct strings), its {@code alg} is not allowed or disagrees with its
 *       {@code kty}/{@code crv}, it is an RSA key under 2048 bits, with a small or even exponent or with the ROCA
 *       fingerprint (CVE-2017-15361), an EC point off its curve, an Ed25519 point that is not canonical or of small
 *       order, or it is symmetric or of an unknown type;
 *   <li>a key without {@code alg} is bound to the only allowed algorithm of its type (and curve), and skipped when
 *       there are several (each key verifies with exactly one algorithm: an RSA key never with both {@code RS*} and
 *       {@code PS*}).
 * </ul>
 */
public final class JwkSetParser {
  private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");
  private static final int MIN_RSA_BITS = 2048;
  /** DER of SubjectPublicKeyInfo {id-Ed25519 (1.3.101.112)} up to the 32 key bytes (RFC 8410 §4). */
  private static final byte[] ED25519_SPKI_PREFIX =
      {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

  private final Set<JwsAlgorithm> allowed;

  public JwkSetParser(Set<JwsAlgorithm> allowed) {
    this.allowed = Set.copyOf(allowed);
  }

  /** A parsed set and the keys that were skipped, with why (no key material in the reasons). */
  public record Result(JwkSet keys, List<String> skipped) {}

  /**
   * Parses a JWKS document.
   *
   * @throws InvalidJwksException when the document is not a usable JWKS at all
   */
  public Result parse(byte[] json) throws InvalidJwksException {
    Map<String, Object> document;
    try {
      document = StrictJson.parseObject(json);
    } catch (StrictJson.MalformedJsonException e) {
      throw new InvalidJwksException("JWKS is not strict JSON: " + e.getMessage());
    }
    if (!(document.get("keys") instanceof List<?> entries)) {
      throw new InvalidJwksException("JWKS has no keys array");
    }
    List<VerificationKey> keys = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Set<String> kids = new HashSet<>();
    for (Object entry : entries) {
      if (!(entry instanceof Map<?, ?> raw)) {
        throw new InvalidJwksException("JWKS entry is not an object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> jwk = (Map<String, Object>) raw;
      for (String member : PRIVATE_MEMBERS) {
        if (jwk.containsKey(member)) {
          throw new InvalidJwksException("JWKS holds private or symmetric key material; refusing the whole set");
        }
      }
      Object kidValue = jwk.get("kid");
      if (kidValue != null && !(kidValue instanceof String)) {
        throw new InvalidJwksException("JWKS entry has a non-string kid");
      }
      String kid = (String) kidValue;
      if (kid != null && !kids.add(kid)) {
        throw new InvalidJwksException("JWKS has two keys with one kid; refusing the whole set");
      }
      String label = kid == null ? "(no kid)" : "kid#" + Integer.toHexString(kid.hashCode());
      try {
        keys.add(toKey(jwk, kid));
      } catch (SkippedKey e) {
        skipped.add(label + ": " + e.getMessage());
      }
    }
    return new Result(new JwkSet(keys), List.copyOf(skipped));
  }

  private VerificationKey toKey(Map<String, Object> jwk, String kid) throws SkippedKey {
    String kty = Claims.string(jwk, "kty").orElseThrow(() -> new SkippedKey("no kty"));
    Optional<String> use = Claims.string(jwk, "use");
    if (jwk.containsKey("use") && !use.map("sig"::equals).orElse(false)) {
      throw new SkippedKey("use is not sig");
    }
    if (jwk.containsKey("key_ops")) {
      Object ops = jwk.get("key_ops");
      if (!(ops instanceof List<?> list) || !list.contains("verify")) {
        throw new SkippedKey("key_ops does not allow verify");
      }
      if (list.stream().anyMatch(op -> !(op instanceof String)) || Set.copyOf(list).size() != list.size()) {
        throw new SkippedKey("key_ops is not an array of distinct strings");
      }
    }
    if (!kty.equals("RSA") && !kty.equals("EC") && !kty.equals("OKP")) {
      throw new SkippedKey("unsupported kty");
    }
    JwsAlgorithm algorithm = bindAlgorithm(jwk, kty);
    PublicKey key = switch (kty) {
      case "RSA" -> rsaKey(jwk);
      case "EC" -> ecKey(jwk, algorithm);
      default -> okpKey(jwk, algorithm);
    };
    try {
      return new VerificationKey(kid, algorithm, key);
    } catch (IllegalArgumentException e) {
      throw new SkippedKey("key does not fit its algorithm");
    }
  }

  private JwsAlgorithm bindAlgorithm(Map<String, Object> jwk, String kty) throws SkippedKey {
    if (jwk.containsKey("alg")) {
      String name = Claims.string(jwk, "alg").orElseThrow(() -> new SkippedKey("alg is not a string"));
      JwsAlgorithm algorithm = JwsAlgorithm.byName(name).orElseThrow(() -> new SkippedKey("alg not supported"));
      if (!allowed.contains(algorithm)) {
        throw new SkippedKey("alg not in the allow-list");
      }
      if (!algorithm.keyType().equals(kty)) {
        throw new SkippedKey("alg does not match kty");
      }
      if (algorithm.curve() != null && !algorithm.curve().equals(Claims.string(jwk, "crv").orElse(""))) {
        throw new SkippedKey("alg does not match crv");
      }
      return algorithm;
    }
    Set<JwsAlgorithm> candidates = JwsAlgorithm.ofKeyType(allowed, kty);
    if (!kty.equals("RSA")) {
      String crv = Claims.string(jwk, "crv").orElse("");
      candidates.removeIf(a -> !a.curve().equals(crv));
    }
    if (candidates.size() != 1) {
      throw new SkippedKey("no alg and " + candidates.size() + " allowed algorithms fit the key");
    }
    return candidates.iterator().next();
  }

  private static PublicKey rsaKey(Map<String, Object> jwk) throws SkippedKey {
    BigInteger n = unsigned(jwk, "n");
    BigInteger e = unsigned(jwk, "e");
    if (n.bitLength() < MIN_RSA_BITS) {
      throw new SkippedKey("RSA modulus under " + MIN_RSA_BITS + " bits");
    }
    if (e.compareTo(BigInteger.valueOf(65537)) < 0 || !e.testBit(0)) {
      throw new SkippedKey("RSA public exponent too small or even");
    }
    if (RsaModuli.hasRocaFingerprint(n)) {
      throw new SkippedKey("RSA modulus has the ROCA fingerprint (CVE-2017-15361)");
    }
    try {
      return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
    } catch (GeneralSecurityException ex) {
      throw new SkippedKey("RSA key rejected by the JDK");
    }
  }

  private static PublicKey ecKey(Map<String, Object> jwk, JwsAlgorithm algorithm) throws SkippedKey {
    String crv = Claims.string(jwk, "crv").orElseThrow(() -> new SkippedKey("no crv"));
    if (!crv.equals(algorithm.curve())) {
      throw new SkippedKey("crv does not match alg");
    }
    String jdkName = switch (crv) {
      case "P-256" -> "secp256r1";
      case "P-384" -> "secp384r1";
      case "P-521" -> "secp521r1";
      default -> throw new SkippedKey("unsupported crv");
    };
    BigInteger x = unsigned(jwk, "x");
    BigInteger y = unsigned(jwk, "y");
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec(jdkName));
      ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
      ECPoint point = new ECPoint(x, y);
      if (!EcPoints.isOnCurve(point, spec)) {
        throw new SkippedKey("EC point not on the curve");
      }
      return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
    } catch (GeneralSecurityException ex) {
      throw new SkippedKey("EC key rejected by the JDK");
    }
  }

  /** An Ed25519 public key (RFC 8037 §2): {@code x} is the 32-byte encoding of RFC 8032 §5.1.2. */
  private static PublicKey okpKey(Map<String, Object> jwk, JwsAlgorithm algorithm) throws SkippedKey {
    String crv = Claims.string(jwk, "crv").orElseThrow(() -> new SkippedKey("no crv"));
    if (!crv.equals("Ed25519") || !crv.equals(algorithm.curve())) {
      throw new SkippedKey("unsupported crv");
    }
    byte[] x;
    try {
      x = Base64Url.decode(Claims.string(jwk, "x").orElseThrow(() -> new SkippedKey("no x")));
    } catch (IllegalArgumentException e) {
      throw new SkippedKey("x is not base64url");
    }
    if (x.length != Ed25519Points.ENCODED_LENGTH) {
      throw new SkippedKey("Ed25519 x is not 32 bytes");
    }
    if (!Ed25519Points.isAcceptablePublicKey(x)) {
      throw new SkippedKey("Ed25519 point not canonical, not on the curve or of small order");
    }
    try {
      byte[] spki = new byte[ED25519_SPKI_PREFIX.length + x.length];
      System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
      System.arraycopy(x, 0, spki, ED25519_SPKI_PREFIX.length, x.length);
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException ex) {
      throw new SkippedKey("Ed25519 key rejected by the JDK");
    }
  }

  private static BigInteger unsigned(Map<String, Object> jwk, String member) throws SkippedKey {
    String encoded = Claims.string(jwk, member).orElseThrow(() -> new SkippedKey("no " + member));
    try {
      byte[] bytes = Base64Url.decode(encoded);
      if (bytes.length == 0) {
        throw new SkippedKey("empty " + member);
      }
      return new BigInteger(1, bytes);
    } catch (IllegalArgumentException e) {
      throw new SkippedKey(member + " is not base64url");
    }
  }

  /** A key that the policy refuses; the rest of the set is still usable. */
  private static final class SkippedKey extends Exception {
    private static final long serialVersionUID = 1L;

    SkippedKey(String message) {
      super(message, null, false, false);
    }
  }

  /** The document is not a usable JWKS. */
  public static final class InvalidJwksException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidJwksException(String message) {
      super(message, null, false, false);
    }
  }
}
