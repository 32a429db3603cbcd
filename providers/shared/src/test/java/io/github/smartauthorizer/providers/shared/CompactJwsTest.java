package io.github.smartauthorizer.providers.shared;

import static io.github.smartauthorizer.providers.shared.TestTokens.b64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.TokenTimes;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompactJwsTest {
  private static final int MAX = 8192;
  private static final String HEADER = b64("{\"alg\":\"RS256\",\"kid\":\"k1\"}");
  private static final String PAYLOAD = b64("{\"sub\":\"alice\",\"exp\":4102444800}");
  private static final String SIGNATURE = Base64Url.encode(new byte[] {1, 2, 3, 4, 5});
  private static final String TOKEN = HEADER + "." + PAYLOAD + "." + SIGNATURE;

  private static ReasonCode rejection(String token) {
    return rejection(token, MAX);
  }

  private static ReasonCode rejection(String token, int maxBytes) {
    TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> CompactJws.parse(token, maxBytes));
    assertEquals(TokenTimes.UNKNOWN, e.rejection().times(), "nothing is known about an unparsed token");
    assertFalse(!token.isEmpty() && e.rejection().detail().contains(token), "the detail never quotes the token");
    return e.rejection().reason();
  }

  @Test
  void parsesAWellFormedToken() throws Exception {
    assertReadsAllOfToken(CompactJws.parse(TOKEN, MAX));
  }

  /** Every part of {@link #TOKEN}, as written above. */
  private static void assertReadsAllOfToken(CompactJws jws) {
    assertEquals(TOKEN, jws.token());
    assertEquals(Map.of("alg", "RS256", "kid", "k1"), jws.header());
    assertEquals("alice", jws.payload().get("sub"));
    assertEquals(4102444800L, jws.payload().get("exp"));
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, jws.signature());
    assertArrayEquals((HEADER + "." + PAYLOAD).getBytes(StandardCharsets.US_ASCII), jws.signingInput());
    assertEquals(HEADER, jws.headerSegment());
  }

  @Test
  void signatureAccessorReturnsACopy() throws Exception {
    CompactJws jws = CompactJws.parse(TOKEN, MAX);
    jws.signature()[0] = 99;
    assertEquals(1, jws.signature()[0]);
  }

  @Test
  void rejectsATokenOverTheSizeCapBeforeDecodingIt() {
    assertEquals(ReasonCode.TOKEN_TOO_LARGE, rejection(TOKEN, TOKEN.length() - 1));
    // Garbage over the cap is TOKEN_TOO_LARGE too: the cap is checked first.
    assertEquals(ReasonCode.TOKEN_TOO_LARGE, rejection("!".repeat(MAX + 1)));
    String huge = HEADER + "." + b64("{\"pad\":\"" + "x".repeat(1 << 20) + "\"}") + "." + SIGNATURE;
    assertEquals(ReasonCode.TOKEN_TOO_LARGE, rejection(huge));
  }

  @Test
  void acceptsATokenExactlyAtTheSizeCapAndReadsAllOfIt() throws Exception {
    assertReadsAllOfToken(CompactJws.parse(TOKEN, TOKEN.length()));
  }

  @Test
  void rejectsAnEmptyToken() {
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "abc.def", "a.b.c.d", "...", "a..b.c"})
  void rejectsAnythingButThreeSegments(String token) {
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(token));
  }

  @Test
  void rejectsAFiveSegmentJwe() {
    String jwe = b64("{\"alg\":\"dir\",\"enc\":\"A128GCM\"}") + "..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA";
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(jwe));
    String full = b64("{\"alg\":\"RSA-OAEP\",\"enc\":\"A128GCM\"}") + ".AAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA";
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(full));
  }

  @Test
  void rejectsEmptySegments() {
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection("." + PAYLOAD + "." + SIGNATURE));
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(HEADER + ".." + SIGNATURE));
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(HEADER + "." + PAYLOAD + "."));
  }

  @Test
  void rejectsATrailingDotOrExtraSegment() {
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(TOKEN + "."));
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(TOKEN + ".AAAA"));
  }

  @ParameterizedTest
  @ValueSource(strings = {" ", "\n", "\t", "Bearer "})
  void rejectsSurroundingWhitespaceAndSchemePrefixes(String extra) {
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(extra + TOKEN));
    if (!extra.startsWith("Bearer")) {
      assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(TOKEN + extra));
    }
  }

  @Test
  void rejectsNonCanonicalBase64UrlInAnySegment() {
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(HEADER + "=." + PAYLOAD + "." + SIGNATURE));
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(HEADER + "." + PAYLOAD + "." + SIGNATURE + "="));
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(HEADER + "." + PAYLOAD + ".+/8"));
    // "AQIDBAU" encodes [1,2,3,4,5]; changing only the unused bits of the last character must be refused.
    assertEquals("AQIDBAU", SIGNATURE);
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(HEADER + "." + PAYLOAD + ".AQIDBAV"));
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(HEADER + "." + PAYLOAD + ".AQIDBAUAA"));
  }

  @Test
  void rejectsJsonSerializationsAndOtherCharacters() {
    assertEquals(ReasonCode.MALFORMED_TOKEN,
        rejection("{\"payload\":\"" + PAYLOAD + "\",\"protected\":\"" + HEADER + "\",\"signature\":\"" + SIGNATURE + "\"}"));
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(HEADER + "." + PAYLOAD + ".\"" + SIGNATURE + "\""));
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(HEADER + "." + PAYLOAD + "." + SIGNATURE + "\u00e9"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[\"RS256\"]", "\"RS256\"", "null", "42", "", "{\"alg\":\"RS256\"}xyz",
      "{\"alg\":\"none\",\"alg\":\"RS256\"}", "{\"alg\":\"none\",\"\\u0061lg\":\"RS256\"}", "{'alg':'RS256'}",
      "{\"kid\":\"\\ud800\"}"})
  void rejectsAHeaderThatIsNotOneStrictJsonObject(String headerJson) {
    String header = headerJson.isEmpty() ? "" : b64(headerJson);
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(header + "." + PAYLOAD + "." + SIGNATURE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"admin\"", "[]", "{\"sub\":\"alice\",\"sub\":\"admin\"}", "{\"exp\":1,\"exp\":4102444800}",
      "{\"sub\":\"a\"}{\"sub\":\"b\"}", "{\"sub\":\"a\"} x"})
  void rejectsAPayloadThatIsNotOneStrictJsonObject(String payloadJson) {
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(HEADER + "." + b64(payloadJson) + "." + SIGNATURE));
  }

  @Test
  void rejectsAHeaderWithAByteOrderMarkOrInvalidUtf8() {
    byte[] bom = "\ufeff{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8);
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(Base64Url.encode(bom) + "." + PAYLOAD + "." + SIGNATURE));
    byte[] invalid = {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'};
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(Base64Url.encode(invalid) + "." + PAYLOAD + "." + SIGNATURE));
    byte[] utf16 = "{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_16LE);
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(Base64Url.encode(utf16) + "." + PAYLOAD + "." + SIGNATURE));
  }

  @Test
  void rejectsAHeaderNestedDeeperThanTheLimit() {
    String deep = "{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertEquals(ReasonCode.MALFORMED_TOKEN, rejection(b64(deep) + "." + PAYLOAD + "." + SIGNATURE, 1 << 20));
  }
}
