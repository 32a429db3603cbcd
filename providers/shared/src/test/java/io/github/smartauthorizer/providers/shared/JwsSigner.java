package io.github.smartauthorizer.providers.shared;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Signs compact JWS with the JDK's own providers, for every algorithm the authorizer verifies (and under
 * {@link TestTokens}, its RS256/ES256 shorthand), and for attack tokens: raw header bytes, signatures over arbitrary
 * signing inputs, signatures of another algorithm. Shared with other modules through the test-jar.
 */
public final class JwsSigner {
  private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21,
      0x00};

  private final KeyPair keyPair;
  private final String kid;
  private final JwsAlgorithm algorithm;

  private JwsSigner(KeyPair keyPair, String kid, JwsAlgorithm algorithm) {
    this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
    this.kid = kid;
    this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
  }

  /** A signer with a fresh key of the algorithm's type (RSA 2048, the algorithm's curve, Ed25519). */
  public static JwsSigner generate(JwsAlgorithm algorithm, String kid) {
    return new JwsSigner(newKeyPair(algorithm), kid, algorithm);
  }

  /** A signer with this key pair (e.g. the same RSA key signing RS256 and PS256 for wrong-primitive tests). */
  public static JwsSigner of(KeyPair keyPair, JwsAlgorithm algorithm, String kid) {
    return new JwsSigner(keyPair, kid, algorithm);
  }

  /** A fresh key pair for an algorithm. */
  public static KeyPair newKeyPair(JwsAlgorithm algorithm) {
    try {
      return switch (algorithm.keyType()) {
        case "RSA" -> TestKeys.rsa();
        case "EC" -> TestKeys.ec(algorithm.curve());
        default -> KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      };
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public KeyPair keyPair() {
    return keyPair;
  }

  public String kid() {
    return kid;
  }

  public JwsAlgorithm algorithm() {
    return algorithm;
  }

  /** This signer with another {@code kid}, same key. */
  public JwsSigner withKid(String otherKid) {
    return new JwsSigner(keyPair, otherKid, algorithm);
  }

  /** This signer's key signing another algorithm (for RS/PS confusion). */
  public JwsSigner withAlgorithm(JwsAlgorithm other) {
    return new JwsSigner(keyPair, kid, other);
  }

  /** The public JWK, with {@code kid} (if any), {@code alg} and {@code use: sig}. */
  public Map<String, Object> publicJwk() {
    Map<String, Object> jwk = publicJwkWithoutIds();
    if (kid != null) {
      jwk.put("kid", kid);
    }
    jwk.put("alg", algorithm.name());
    jwk.put("use", "sig");
    return jwk;
  }

  /** The public key members only ({@code kty} and the key material). */
  public Map<String, Object> publicJwkWithoutIds() {
    if (keyPair.getPublic() instanceof RSAPublicKey rsa) {
      return TestKeys.rsaJwk(rsa);
    }
    if (keyPair.getPublic() instanceof ECPublicKey ec) {
      return TestKeys.ecJwk(ec, algorithm.curve());
    }
    Map<String, Object> jwk = new LinkedHashMap<>();
    jwk.put("kty", "OKP");
    jwk.put("crv", "Ed25519");
    jwk.put("x", Base64Url.encode(ed25519RawPublicKey()));
    return jwk;
  }

  /** The 32 raw bytes of an Ed25519 public key (the end of its X.509 encoding). */
  public byte[] ed25519RawPublicKey() {
    byte[] spki = keyPair.getPublic().getEncoded();
    if (spki.length != ED25519_SPKI_PREFIX.length + 32
        || !Arrays.equals(Arrays.copyOf(spki, ED25519_SPKI_PREFIX.length), ED25519_SPKI_PREFIX)) {
      throw new IllegalStateException("not an Ed25519 key");
    }
    return Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX.length, spki.length);
  }

  /** A header {@code {"alg":..,"typ":"JWT","kid":..}} plus {@code extra} (a {@code null} value removes a member). */
  public Map<String, Object> header(Map<String, Object> extra) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", algorithm.name());
    header.put("typ", "JWT");
    if (kid != null) {
      header.put("kid", kid);
    }
    header.putAll(extra);
    header.values().removeIf(Objects::isNull);
    return header;
  }

  /** Signs claims under the standard header. */
  public String sign(Map<String, Object> claims) {
    return sign(Map.of(), claims);
  }

  /** Signs claims under the standard header plus {@code extraHeader}. */
  public String sign(Map<String, Object> extraHeader, Map<String, Object> claims) {
    return signRaw(TestKeys.json(header(extraHeader)), TestKeys.json(claims));
  }

  /** Signs the exact JSON texts given, byte for byte. */
  public String signRaw(String headerJson, String payloadJson) {
    return signSegments(TestTokens.b64(headerJson), TestTokens.b64(payloadJson));
  }

  /** Signs raw header and payload bytes (for non-UTF-8, BOM, UTF-16 shapes). */
  public String signBytes(byte[] header, byte[] payload) {
    return signSegments(Base64Url.encode(header), Base64Url.encode(payload));
  }

  /** Signs two already encoded segments literally (e.g. non-canonical base64url) and appends the signature. */
  public String signSegments(String headerSegment, String payloadSegment) {
    String signingInput = headerSegment + "." + payloadSegment;
    return signingInput + "." + Base64Url.encode(signature(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  /** The raw signature of arbitrary bytes with this key and algorithm. */
  public byte[] signature(byte[] signingInput) {
    try {
      Signature signer = newSignature(algorithm);
      signer.initSign(privateKey());
      signer.update(signingInput);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public PrivateKey privateKey() {
    return keyPair.getPrivate();
  }

  /** The JDK signature engine of an algorithm, as a signer would configure it (independent of the product code). */
  public static Signature newSignature(JwsAlgorithm algorithm) throws GeneralSecurityException {
    return switch (algorithm) {
      case RS256 -> Signature.getInstance("SHA256withRSA");
      case RS384 -> Signature.getInstance("SHA384withRSA");
      case RS512 -> Signature.getInstance("SHA512withRSA");
      case PS256 -> pss("SHA-256", MGF1ParameterSpec.SHA256, 32);
      case PS384 -> pss("SHA-384", MGF1ParameterSpec.SHA384, 48);
      case PS512 -> pss("SHA-512", MGF1ParameterSpec.SHA512, 64);
      case ES256 -> Signature.getInstance("SHA256withECDSAinP1363Format");
      case ES384 -> Signature.getInstance("SHA384withECDSAinP1363Format");
      case ES512 -> Signature.getInstance("SHA512withECDSAinP1363Format");
      case EdDSA -> Signature.getInstance("Ed25519");
    };
  }

  private static Signature pss(String hash, MGF1ParameterSpec mgf, int salt) throws GeneralSecurityException {
    Signature signature = Signature.getInstance("RSASSA-PSS");
    signature.setParameter(new PSSParameterSpec(hash, "MGF1", mgf, salt, 1));
    return signature;
  }
}
