package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Base64UrlTest {

  @Test
  void decodesCanonicalInputOfEveryLength() {
    assertArrayEquals(new byte[0], Base64Url.decode(""));
    assertArrayEquals(new byte[] {0}, Base64Url.decode("AA"));
    assertArrayEquals(new byte[] {0, 0}, Base64Url.decode("AAA"));
    assertArrayEquals(new byte[] {0, 0, 0}, Base64Url.decode("AAAA"));
    assertArrayEquals("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8), Base64Url.decode("eyJhbGciOiJSUzI1NiJ9"));
  }

  @Test
  void decodesTheUrlSafeAlphabet() {
    assertArrayEquals(new byte[] {(byte) 0xFB, (byte) 0xFF}, Base64Url.decode("-_8"));
    assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, Base64Url.decode("____"));
  }

  @Test
  void encodeThenDecodeRoundTripsWithoutPadding() {
    Random random = new Random(42);
    for (int length = 0; length < 64; length++) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      String encoded = Base64Url.encode(bytes);
      assertEquals(-1, encoded.indexOf('='));
      assertArrayEquals(bytes, Base64Url.decode(encoded));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"AA==", "AAA=", "AA=", "=", "eyJhbGciOiJSUzI1NiJ9="})
  void rejectsPadding(String encoded) {
    assertThrows(IllegalArgumentException.class, () -> Base64Url.decode(encoded));
  }

  @ParameterizedTest
  @ValueSource(strings = {"+/8", "AA+A", "AA/A", "+_8", "-/8"})
  void rejectsTheStandardAlphabet(String encoded) {
    assertThrows(IllegalArgumentException.class, () -> Base64Url.decode(encoded));
  }

  @ParameterizedTest
  @ValueSource(strings = {"A A", "AA\n", " AAAA", "AAAA ", "AA\tA", "AA\r\nAA", "AA.A", "AA\u00e9A", "AA\u0000A"})
  void rejectsWhitespaceAndOtherCharacters(String encoded) {
    assertThrows(IllegalArgumentException.class, () -> Base64Url.decode(encoded));
  }

  @ParameterizedTest
  @ValueSource(strings = {"A", "AAAAA", "AAAAAAAAA"})
  void rejectsLengthsOfTheForm4kPlus1(String encoded) {
    assertThrows(IllegalArgumentException.class, () -> Base64Url.decode(encoded));
  }

  @Test
  void rejectsNonZeroUnusedBitsWhereTheJdkDecoderAcceptsThem() {
    // The JDK decoder maps both to [0]; only "AA" is the canonical encoding.
    assertArrayEquals(java.util.Base64.getUrlDecoder().decode("AB"), java.util.Base64.getUrlDecoder().decode("AA"));
    assertArrayEquals(new byte[] {0}, Base64Url.decode("AA"));
    assertThrows(IllegalArgumentException.class, () -> Base64Url.decode("AB"));
    assertThrows(IllegalArgumentException.class, () -> Base64Url.decode("AP"));
    // length 4k+3: two unused bits.
    assertArrayEquals(new byte[] {0, 0}, Base64Url.decode("AAA"));
    assertThrows(IllegalArgumentException.class, () -> Base64Url.decode("AAB"));
    assertThrows(IllegalArgumentException.class, () -> Base64Url.decode("AAD"));
    assertArrayEquals(new byte[] {0, 1}, Base64Url.decode("AAE"));
  }

  @Test
  void everyByteStringHasExactlyOneAcceptedEncoding() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // For one- and two-byte values, try every last character; exactly the canonical one decodes.
    for (String prefix : new String[] {"Q", "QU"}) {
      int accepted = 0;
      byte[] first = null;
      for (char c : alphabet.toCharArray()) {
        try {
          byte[] decoded = Base64Url.decode(prefix + c);
          accepted++;
          assertEquals(prefix + c, Base64Url.encode(decoded));
          first = decoded;
        } catch (IllegalArgumentException expected) {
          // a non-canonical variant
        }
      }
      assertEquals(prefix.length() == 1 ? 4 : 16, accepted, "one accepted encoding per decoded value");
      assertEquals(prefix.length(), first.length);
    }
  }
}
