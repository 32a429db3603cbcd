package io.github.smartauthorizer.providers.shared;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Key pairs and hand-written JWK/JWKS JSON for tests, built with {@link java.security.KeyPairGenerator} and
 * {@link Base64Url} only. Shared with other modules through the test-jar.
 */
public final class TestKeys {
  private TestKeys() {}

  /** A fresh RSA key pair of this size. */
  public static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh 2048-bit RSA key pair. */
  public static KeyPair rsa() {
    return rsa(2048);
  }

  /** A fresh EC key pair on a JOSE curve: {@code P-256}, {@code P-384} or {@code P-521}. */
  public static KeyPair ec(String joseCurve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(jdkCurve(joseCurve)));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The members of a public RSA JWK ({@code kty}, {@code n}, {@code e}); add {@code kid}, {@code alg}... to taste. */
  public static Map<String, Object> rsaJwk(RSAPublicKey key) {
    Map<String, Object> jwk = new LinkedHashMap<>();
    jwk.put("kty", "RSA");
    jwk.put("n", unsigned(key.getModulus()));
    jwk.put("e", unsigned(key.getPublicExponent()));
    return jwk;
  }

  /** A public RSA JWK with {@code kid}, {@code alg} (when not null) and {@code use: sig}. */
  public static Map<String, Object> rsaJwk(RSAPublicKey key, String kid, String alg) {
    Map<String, Object> jwk = rsaJwk(key);
    return withIds(jwk, kid, alg);
  }

  /** The members of a public EC JWK ({@code kty}, {@code crv}, {@code x}, {@code y}), coordinates padded to size. */
  public static Map<String, Object> ecJwk(ECPublicKey key, String joseCurve) {
    int size = (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    Map<String, Object> jwk = new LinkedHashMap<>();
    jwk.put("kty", "EC");
    jwk.put("crv", joseCurve);
    jwk.put("x", Base64Url.encode(fixedLength(key.getW().getAffineX(), size)));
    jwk.put("y", Base64Url.encode(fixedLength(key.getW().getAffineY(), size)));
    return jwk;
  }

  /** A public EC JWK with {@code kid}, {@code alg} (when not null) and {@code use: sig}. */
  public static Map<String, Object> ecJwk(ECPublicKey key, String joseCurve, String kid, String alg) {
    return withIds(ecJwk(key, joseCurve), kid, alg);
  }

  private static Map<String, Object> withIds(Map<String, Object> jwk, String kid, String alg) {
    if (kid != null) {
      jwk.put("kid", kid);
    }
    if (alg != null) {
      jwk.put("alg", alg);
    }
    jwk.put("use", "sig");
    return jwk;
  }

  /** A JWKS document {@code {"keys":[...]}} as UTF-8 bytes. */
  @SafeVarargs
  public static byte[] jwks(Map<String, Object>... keys) {
    return jwks(Arrays.asList(keys));
  }

  /** A JWKS document {@code {"keys":[...]}} as UTF-8 bytes. */
  public static byte[] jwks(List<Map<String, Object>> keys) {
    String body = keys.stream().map(TestKeys::json).collect(Collectors.joining(",", "{\"keys\":[", "]}"));
    return body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Serializes a flat-ish map of strings, numbers, booleans, lists and maps as JSON (test data only). */
  public static String json(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      StringBuilder out = new StringBuilder("\"");
      for (char c : s.toCharArray()) {
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      return out.append('"').toString();
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    if (value instanceof Map<?, ?> map) {
      return map.entrySet().stream()
          .map(e -> json(String.valueOf(e.getKey())) + ":" + json(e.getValue()))
          .collect(Collectors.joining(",", "{", "}"));
    }
    if (value instanceof List<?> list) {
      return list.stream().map(TestKeys::json).collect(Collectors.joining(",", "[", "]"));
    }
    throw new IllegalArgumentException("cannot serialize " + value.getClass());
  }

  /** Base64url of the minimal unsigned big-endian bytes of a positive integer. */
  public static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64Url.encode(bytes);
  }

  /** The unsigned big-endian bytes of a value, left-padded with zeros to exactly {@code length}. */
  public static byte[] fixedLength(BigInteger value, int length) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > length) {
      return Arrays.copyOfRange(bytes, bytes.length - length, bytes.length);
    }
    byte[] out = new byte[length];
    System.arraycopy(bytes, 0, out, length - bytes.length, bytes.length);
    return out;
  }

  public static String jdkCurve(String joseCurve) {
    return switch (joseCurve) {
      case "P-256" -> "secp256r1";
      case "P-384" -> "secp384r1";
      case "P-521" -> "secp521r1";
      default -> throw new IllegalArgumentException("unknown curve " + joseCurve);
    };
  }
}
