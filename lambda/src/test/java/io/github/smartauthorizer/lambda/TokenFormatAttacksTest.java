package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.providers.shared.Base64Url;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestTokens;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * attacks.md classes 13-18, through the handler: format confusion (RFC 8725bis, CVE-2023-51774), oversized tokens
 * and resource exhaustion, duplicate JSON members (RFC 7515 §4, RFC 8725 §2.6), non-canonical base64url (RFC 7515 §2,
 * RFC 4648 §3.5), trailing data and framing, JSON shape and encoding (RFC 8725 §3.7, RFC 8259). Every attack token is
 * validly signed over its literal signing input where it can be, so that only the front door can refuse it.
 */
class TokenFormatAttacksTest {
  private static AttackHarness h;

  @BeforeAll
  static void start() {
    h = new AttackHarness();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static final String RS256_HEADER = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\"}";

  private static String signRaw(String header, String payload) {
    return h.rs256.signRaw(header, payload);
  }

  // --- class 13: format confusion ---

  @Test
  void class13JsonSerializationsAndJweAreRefused() {
    String token = h.rs256.sign(h.claims());
    String[] parts = token.split("\\.");
    Map<String, Object> flattened = new LinkedHashMap<>();
    flattened.put("payload", parts[1]);
    flattened.put("protected", parts[0]);
    flattened.put("signature", parts[2]);
    h.invoke(TestKeys.json(flattened)).denied(ReasonCode.MALFORMED_TOKEN);
    Map<String, Object> smuggled = new LinkedHashMap<>();
    smuggled.put("payload", TestTokens.b64(TestKeys.json(h.claims("sub", "admin"))));
    smuggled.put("token", token);
    h.invoke(TestKeys.json(smuggled)).denied(ReasonCode.MALFORMED_TOKEN);
    String jwe = TestTokens.b64("{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"kid\":\"rsa-1\"}") + "..AAAAAAAAAAAAAAAA."
        + parts[1] + ".AAAAAAAAAAAAAAAAAAAAAA";
    h.invoke(jwe).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(signRaw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"enc\":\"A256GCM\"}", h.claimsJson()))
        .denied(ReasonCode.MALFORMED_TOKEN);
  }

  // --- class 14: oversized / resource exhaustion ---

  @Test
  void class14OversizedTokensAreRefusedBeforeDecoding() {
    StringBuilder big = new StringBuilder("{\"iss\":\"" + AttackHarness.ISSUER + "\",\"pad\":\"");
    big.append("x".repeat(7000)).append("\"}");
    h.invoke(signRaw(RS256_HEADER, big.toString())).denied(ReasonCode.TOKEN_TOO_LARGE);
    h.invoke("A".repeat(9000)).denied(ReasonCode.TOKEN_TOO_LARGE);
    // A 1 MiB token makes the event larger than the handler reads at all.
    h.invoke("A".repeat(1024 * 1024)).denied(ReasonCode.INVALID_REQUEST);
  }

  @Test
  void class14DeepNestingLongNumbersAndHugeDatesAreRefused() {
    String deep = "[".repeat(1000) + "]".repeat(1000);
    h.invoke(signRaw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"x\":" + deep + "}", h.claimsJson()))
        .denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(signRaw(RS256_HEADER, "{\"x\":" + "[".repeat(17) + "]".repeat(17) + "}"))
        .denied(ReasonCode.MALFORMED_TOKEN);
    String claims = h.claimsJson();
    h.invoke(signRaw(RS256_HEADER, claims.replaceFirst("\"exp\":\\d+", "\"exp\":1e400")))
        .denied(ReasonCode.MISSING_CLAIM);
    h.invoke(signRaw(RS256_HEADER, claims.replaceFirst("\"exp\":\\d+", "\"exp\":" + "9".repeat(400))))
        .denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(signRaw(RS256_HEADER, claims.replaceFirst("\"exp\":\\d+", "\"exp\":-1")))
        .denied(ReasonCode.MISSING_CLAIM);
  }

  @Test
  void class14ManyClaimsAreBoundedByTheSizeCaps() {
    // 1,000 claims: a token of about 16 KB in a well-sized event, refused by the token cap (8 KiB);
    // 10,000 claims: the event itself is over 64 KiB and is refused before the token is looked at.
    h.invoke(h.rs256.sign(withClaims(1_000))).denied(ReasonCode.TOKEN_TOO_LARGE);
    h.invoke(h.rs256.sign(withClaims(10_000))).denied(ReasonCode.INVALID_REQUEST);
    h.invoke(h.rs256.sign(withClaims(300))).allowed();
  }

  private static Map<String, Object> withClaims(int extra) {
    Map<String, Object> claims = h.claims();
    for (int i = 0; i < extra; i++) {
      claims.put("c" + i, i);
    }
    return claims;
  }

  // --- class 15: duplicate JSON members ---

  @ParameterizedTest
  @ValueSource(strings = {"{\"alg\":\"none\",\"alg\":\"RS256\",\"kid\":\"rsa-1\"}",
      "{\"alg\":\"RS256\",\"alg\":\"RS256\",\"kid\":\"rsa-1\"}",
      "{\"alg\":\"none\",\"\\u0061lg\":\"RS256\",\"kid\":\"rsa-1\"}",
      "{\"alg\":\"RS256\",\"kid\":\"attacker\",\"kid\":\"rsa-1\"}"})
  void class15DuplicateHeaderMembersAreRefused(String header) {
    h.invoke(signRaw(header, h.claimsJson())).denied(ReasonCode.MALFORMED_TOKEN);
  }

  @Test
  void class15DuplicateClaimsAreRefused() {
    String claims = h.claimsJson();
    String body = claims.substring(1, claims.length() - 1);
    h.invoke(signRaw(RS256_HEADER, "{\"sub\":\"alice\"," + body.replace("\"sub\":\"patient-456\",", "")
        + ",\"sub\":\"admin\"}")).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(signRaw(RS256_HEADER, "{\"exp\":1," + body + "}")).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(signRaw(RS256_HEADER, "{\"\\u0073ub\":\"admin\"," + body + "}")).denied(ReasonCode.MALFORMED_TOKEN);
  }

  // --- class 16: non-canonical base64url ---

  /** Changes the last character of a segment so that only unused bits differ (the decoded bytes stay the same). */
  private static String flipUnusedBits(String segment) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int last = alphabet.indexOf(segment.charAt(segment.length() - 1));
    int mask = segment.length() % 4 == 2 ? 0x0F : 0x03;
    return segment.substring(0, segment.length() - 1) + alphabet.charAt(last | (mask & 0x01));
  }

  @Test
  void class16NonCanonicalBase64SignedOverTheLiteralInputIsRefused() {
    String header = TestTokens.b64(RS256_HEADER);
    String payload = TestTokens.b64(h.claimsJson());
    for (int pad = 0; payload.length() % 4 == 0 || header.length() % 4 == 0; pad++) {
      payload = TestTokens.b64(h.claimsJson().replace("}", ",\"p\":\"" + "x".repeat(pad) + "\"}"));
      header = TestTokens.b64(RS256_HEADER.replace("}", ",\"p\":\"" + "x".repeat(pad) + "\"}"));
    }
    h.invoke(h.rs256.signSegments(header, payload)).allowed();
    h.invoke(h.rs256.signSegments(flipUnusedBits(header), payload)).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(h.rs256.signSegments(header, flipUnusedBits(payload))).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(h.rs256.signSegments(header, payload + "=")).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(h.rs256.signSegments(header + "=", payload)).denied(ReasonCode.MALFORMED_TOKEN);
    for (String standardAlphabet : List.of("+", "/")) {
      h.invoke(h.rs256.signSegments(header.substring(0, 4) + standardAlphabet + header.substring(5), payload))
          .denied(ReasonCode.MALFORMED_TOKEN);
    }
    h.invoke(h.rs256.signSegments(header.substring(0, 10) + " " + header.substring(10), payload))
        .denied(ReasonCode.MALFORMED_TOKEN);
    String impossibleLength = payload;
    while (impossibleLength.length() % 4 != 1) {
      impossibleLength += "A";
    }
    h.invoke(h.rs256.signSegments(header, impossibleLength)).denied(ReasonCode.MALFORMED_TOKEN);
    String token = h.rs256.sign(h.claims());
    h.invoke(token.substring(0, token.lastIndexOf('.') + 1) + flipUnusedBits(token.substring(token.lastIndexOf('.') + 1)))
        .denied(ReasonCode.MALFORMED_TOKEN);
  }

  // --- class 17: trailing data / framing ---

  @Test
  void class17FramingVariantsAreRefused() {
    String token = h.rs256.sign(h.claims());
    h.invoke(token).allowed();
    h.invoke("Bearer " + token).allowed(); // the transport strips one scheme prefix, case-insensitively
    h.invoke("bearer " + token).allowed();
    for (String framed : List.of(token + ".", token + ".AAAA", token + "\n", " " + token, token + " ", "\t" + token,
        "Bearer Bearer " + token, "Bearer  " + token, "Bearer\t" + token, "Basic " + token, "\ufeff" + token,
        token.replace(".", ".\u00e9"), token.replace(".", "\u3002"))) {
      h.invoke(framed).denied(ReasonCode.MALFORMED_TOKEN);
    }
  }

  @Test
  void class17TrailingDataInsideValidlySignedSegmentsIsRefused() {
    h.invoke(signRaw(RS256_HEADER + "xyz", h.claimsJson())).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(signRaw(RS256_HEADER + " {}", h.claimsJson())).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(signRaw(RS256_HEADER, h.claimsJson() + TestKeys.json(h.claims("sub", "admin"))))
        .denied(ReasonCode.MALFORMED_TOKEN);
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] header = RS256_HEADER.getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[bom.length + header.length];
    System.arraycopy(bom, 0, withBom, 0, 3);
    System.arraycopy(header, 0, withBom, 3, header.length);
    h.invoke(h.rs256.signBytes(withBom, h.claimsJson().getBytes(StandardCharsets.UTF_8)))
        .denied(ReasonCode.MALFORMED_TOKEN);
  }

  // --- class 18: JSON shape and encoding ---

  @Test
  void class18HeadersAndPayloadsThatAreNotStrictUtf8JsonObjectsAreRefused() {
    String claims = h.claimsJson();
    h.invoke(signRaw("[\"RS256\"]", claims)).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(signRaw(RS256_HEADER, "\"admin\"")).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(signRaw(RS256_HEADER, "null")).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(h.rs256.signBytes(RS256_HEADER.getBytes(StandardCharsets.UTF_16LE),
        claims.getBytes(StandardCharsets.UTF_8))).denied(ReasonCode.MALFORMED_TOKEN);
    byte[] invalidUtf8 = claims.replace("patient-456", "patient-\u0001").getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < invalidUtf8.length; i++) {
      if (invalidUtf8[i] == 0x01) {
        invalidUtf8[i] = (byte) 0xFF;
      }
    }
    h.invoke(h.rs256.signBytes(RS256_HEADER.getBytes(StandardCharsets.UTF_8), invalidUtf8))
        .denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(signRaw(RS256_HEADER, claims.replace("patient-456", "\\ud800"))).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(signRaw(RS256_HEADER, claims.replace("patient-456", "\\udc00x"))).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(signRaw("{/*c*/'alg':'RS256','kid':'rsa-1'}", claims)).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(signRaw("{alg:\"RS256\",kid:\"rsa-1\"}", claims)).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(signRaw(RS256_HEADER, claims.replace("\"patient-456\"", "\"a\tb\""))).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(signRaw(RS256_HEADER, claims.replace("}", ",}"))).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(signRaw(RS256_HEADER, claims.replace("\"exp\":", "\"exp\":+"))).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(signRaw(RS256_HEADER, claims.replaceFirst("\"exp\":\\d+", "\"exp\":NaN"))).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(h.rs256.signSegments(Base64Url.encode(new byte[0]) + "AA", TestTokens.b64(claims)))
        .denied(ReasonCode.MALFORMED_TOKEN);
  }
}
