package io.github.smartauthorizer.lambda;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Identifies a token in logs without revealing it: the first 12 hex digits of its SHA-256, enough to correlate log
 * lines about one token and useless for replaying it.
 */
final class TokenFingerprint {
  private TokenFingerprint() {}

  static String of(String token) {
    if (token == null || token.isEmpty()) {
      return null;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
