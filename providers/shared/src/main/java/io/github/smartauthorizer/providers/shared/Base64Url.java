package io.github.smartauthorizer.providers.shared;

import java.util.Base64;

/**
 * Strict base64url (RFC 7515 §2, RFC 4648 §5): alphabet {@code [A-Za-z0-9_-]} only, no padding, no length of the form
 * {@code 4k+1}, and unused trailing bits zero, so that every byte string has exactly one accepted encoding. The JDK
 * decoder alone accepts padding and non-zero unused bits.
 */
public final class Base64Url {
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  private Base64Url() {}

  /**
   * Decodes a canonical base64url string.
   *
   * @throws IllegalArgumentException when the input is not canonical base64url
   */
  public static byte[] decode(CharSequence encoded) {
    int length = encoded.length();
    if (length % 4 == 1) {
      throw new IllegalArgumentException("impossible base64url length");
    }
    for (int i = 0; i < length; i++) {
      char c = encoded.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        throw new IllegalArgumentException("character outside the base64url alphabet");
      }
    }
    if (length % 4 != 0) {
      int last = ALPHABET.indexOf(encoded.charAt(length - 1));
      int unusedBitsMask = length % 4 == 2 ? 0x0F : 0x03;
      if ((last & unusedBitsMask) != 0) {
        throw new IllegalArgumentException("non-zero unused bits");
      }
    }
    return DECODER.decode(encoded.toString());
  }

  /** Encodes without padding. */
  public static String encode(byte[] bytes) {
    return ENCODER.encodeToString(bytes);
  }
}
