package io.github.smartauthorizer.providers.shared;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs RS256 or ES256 tokens with a key of its own, for the token shapes a real issuer never emits ({@code crit},
 * {@code cty: JWT}, missing claims, tampered payloads...), through {@link JwsSigner} (the JDK's providers): java-jwt
 * is no signer here, so that it stays an independent second opinion ({@code JavaJwtSecondOpinionTest}). Shared with
 * other modules through the test-jar.
 */
public final class TestTokens {
  private final JwsSigner signer;

  private TestTokens(JwsSigner signer) {
    this.signer = signer;
  }

  /** A signer with a fresh 2048-bit RSA key, signing RS256. */
  public static TestTokens rs256(String kid) {
    return rs256(kid, TestKeys.rsa());
  }

  /** A signer with this RSA key, signing RS256. */
  public static TestTokens rs256(String kid, KeyPair keyPair) {
    return new TestTokens(JwsSigner.of(keyPair, JwsAlgorithm.RS256, kid));
  }

  /** A signer with a fresh P-256 key, signing ES256. */
  public static TestTokens es256(String kid) {
    return new TestTokens(JwsSigner.generate(JwsAlgorithm.ES256, kid));
  }

  public KeyPair keyPair() {
    return signer.keyPair();
  }

  public PublicKey publicKey() {
    return signer.keyPair().getPublic();
  }

  /** The {@code kid} put in headers by {@link #sign(Map)}, possibly {@code null}. */
  public String kid() {
    return signer.kid();
  }

  /** The JWS algorithm name, e.g. {@code RS256}. */
  public String algorithmName() {
    return signer.algorithm().name();
  }

  /** The public JWK of this signer's key, with {@code kid}, {@code alg} and {@code use: sig}. */
  public Map<String, Object> publicJwk() {
    return signer.publicJwk();
  }

  /** Signs claims; the header has {@code alg}, {@code typ: JWT} and this signer's {@code kid}. */
  public String sign(Map<String, Object> claims) {
    return sign(Map.of(), claims);
  }

  /**
   * Signs claims. The header gets this signer's {@code kid} unless {@code extraHeader} has a {@code kid} entry (a
   * {@code null} value leaves {@code kid} out), the members of {@code extraHeader}, {@code typ: JWT} unless
   * {@code extraHeader} sets {@code typ} to a value, and this signer's {@code alg} whatever {@code extraHeader} says.
   */
  public String sign(Map<String, Object> extraHeader, Map<String, Object> claims) {
    Map<String, Object> header = new LinkedHashMap<>();
    if (signer.kid() != null) {
      header.put("kid", signer.kid());
    }
    header.putAll(extraHeader);
    header.values().removeIf(Objects::isNull);
    header.putIfAbsent("typ", "JWT");
    header.put("alg", algorithmName());
    return signRaw(TestKeys.json(header), TestKeys.json(claims));
  }

  /** Signs claims with no {@code kid} in the header. */
  public String signWithoutKid(Map<String, Object> claims) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("kid", null);
    return sign(header, claims);
  }

  /**
   * Signs the exact JSON texts given, byte for byte (for duplicate members, odd {@code alg} values and other shapes
   * no JSON writer would write).
   */
  public String signRaw(String headerJson, String payloadJson) {
    return signer.signRaw(headerJson, payloadJson);
  }

  /**
   * A token MACed with a symmetric key, e.g. {@code HmacSHA256} keyed with an issuer's public key bytes (key
   * confusion), exactly these JSON texts.
   */
  public static String signHmac(String macAlgorithm, byte[] secret, String headerJson, String payloadJson) {
    String signingInput = b64(headerJson) + "." + b64(payloadJson);
    try {
      Mac mac = Mac.getInstance(macAlgorithm);
      mac.init(new SecretKeySpec(secret, macAlgorithm));
      return signingInput + "." + Base64Url.encode(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Base64url (no padding) of a JSON text's UTF-8 bytes. */
  public static String b64(String json) {
    return Base64Url.encode(json.getBytes(StandardCharsets.UTF_8));
  }

  /** The token with its payload segment replaced by this JSON, header and signature kept. */
  public static String withPayload(String token, String payloadJson) {
    String[] parts = token.split("\\.", -1);
    return parts[0] + "." + b64(payloadJson) + "." + parts[2];
  }

  /** The token with its header segment replaced by this JSON, payload and signature kept. */
  public static String withHeader(String token, String headerJson) {
    String[] parts = token.split("\\.", -1);
    return b64(headerJson) + "." + parts[1] + "." + parts[2];
  }

  /** The decoded payload JSON of a compact token. */
  public static String payloadJson(String token) {
    return new String(Base64Url.decode(token.split("\\.", -1)[1]), StandardCharsets.UTF_8);
  }

  /** The decoded header JSON of a compact token. */
  public static String headerJson(String token) {
    return new String(Base64Url.decode(token.split("\\.", -1)[0]), StandardCharsets.UTF_8);
  }

  /**
   * Standard access-token claims: {@code iss}, {@code sub}, {@code aud}, {@code iat} = {@code nbf} = now,
   * {@code exp} = now + lifetime, {@code scope}.
   */
  public static Map<String, Object> claims(String issuer, String audience, long nowEpochSecond, long lifetimeSeconds) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("sub", "user-123");
    claims.put("aud", List.of(audience));
    claims.put("iat", nowEpochSecond);
    claims.put("nbf", nowEpochSecond);
    claims.put("exp", nowEpochSecond + lifetimeSeconds);
    claims.put("scope", "launch/patient patient/*.read");
    return claims;
  }
}
