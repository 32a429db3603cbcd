package io.github.smartauthorizer.providers.shared;

import java.util.Locale;

/** JOSE {@code typ}/{@code cty} comparison (RFC 7515 §4.1.9): case-insensitive, {@code application/} optional. */
final class MediaTypes {
  private MediaTypes() {}

  static boolean sameType(String a, String b) {
    return normalize(a).equals(normalize(b));
  }

  private static String normalize(String type) {
    String t = type.toLowerCase(Locale.ROOT);
    return t.startsWith("application/") ? t.substring("application/".length()) : t;
  }
}
