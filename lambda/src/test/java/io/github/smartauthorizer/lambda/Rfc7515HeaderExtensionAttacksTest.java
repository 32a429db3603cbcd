package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.providers.shared.Base64Url;
import io.github.smartauthorizer.providers.shared.JwsAlgorithm;
import io.github.smartauthorizer.providers.shared.JwsSigner;
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
 * attacks.md classes 7, 11 and 12, through the handler: {@code crit} (RFC 7515 §4.1.11, Appendix E), unencoded
 * payloads ({@code b64: false}, RFC 7797) and nested JWTs ({@code cty: JWT}, RFC 7519 §5.2, RFC 8725 §3.3). No
 * extension is implemented, so every {@code crit} is refused, whatever it names.
 */
class Rfc7515HeaderExtensionAttacksTest {
  private static AttackHarness h;

  @BeforeAll
  static void start() {
    h = new AttackHarness();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  // --- class 7: crit ---

  @ParameterizedTest
  @ValueSource(strings = {"[\"http://example.invalid/UNDEFINED\"]", "[]", "[\"alg\"]", "\"exp\"", "[\"x-missing\"]",
      "[\"x-a\",\"x-a\"]", "null", "{}", "[\"b64\"]", "[1]"})
  void class07AnyCritIsRefusedInValidlySignedTokens(String crit) {
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"rsa-1\",\"x-a\":1,\"crit\":" + crit + "}";
    h.invoke(h.rs256.signRaw(header, h.claimsJson())).denied(ReasonCode.UNSUPPORTED_CRIT);
  }

  @Test
  void class07Rfc7515AppendixEIsRefusedForEveryAlgorithm() {
    for (JwsSigner signer : h.signers()) {
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("crit", List.of("http://example.invalid/UNDEFINED"));
      header.put("http://example.invalid/UNDEFINED", true);
      h.invoke(signer.sign(header, h.claims())).denied(ReasonCode.UNSUPPORTED_CRIT);
    }
  }

  // --- class 11: b64 = false (RFC 7797) ---

  @Test
  void class11UnencodedPayloadsAreRefused() {
    String header = TestTokens.b64("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"b64\":false,\"crit\":[\"b64\"]}");
    String raw = h.claimsJson();
    byte[] signature = h.rs256.signature((header + "." + raw).getBytes(StandardCharsets.UTF_8));
    h.invoke(header + ".." + Base64Url.encode(signature)).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(header + "." + raw + "." + Base64Url.encode(signature)).denied(ReasonCode.MALFORMED_TOKEN);
    // Inline with an encoded payload and a proper signature: refused for the crit, then for b64 itself.
    h.invoke(h.rs256.signRaw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"b64\":false,\"crit\":[\"b64\"]}", raw))
        .denied(ReasonCode.UNSUPPORTED_CRIT);
    h.invoke(h.rs256.signRaw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"b64\":false}", raw))
        .denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(h.rs256.signRaw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"b64\":true}", raw))
        .denied(ReasonCode.MALFORMED_TOKEN);
  }

  // --- class 12: nested JWT ---

  @ParameterizedTest
  @ValueSource(strings = {"JWT", "jwt", "Jwt", "application/jwt", "APPLICATION/JWT"})
  void class12NestedJwtsAreRefused(String cty) {
    String noneInner = TestTokens.b64("{\"alg\":\"none\"}") + "." + TestTokens.b64(h.claimsJson()) + ".";
    String attackerInner = JwsSigner.generate(JwsAlgorithm.RS256, "attacker").sign(h.claims());
    for (String inner : List.of(noneInner, attackerInner)) {
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("cty", cty);
      String outer = h.rs256.signRaw(TestKeys.json(h.rs256.header(header)), TestKeys.json(inner));
      // The header is judged before the payload is decoded, so the reason is the nesting, not the non-JSON payload.
      h.invoke(outer).denied(ReasonCode.NESTED_JWT_UNSUPPORTED);
      String rawInner = h.rs256.signSegments(TestTokens.b64(TestKeys.json(h.rs256.header(header))),
          Base64Url.encode(inner.getBytes(StandardCharsets.US_ASCII)));
      h.invoke(rawInner).denied(ReasonCode.NESTED_JWT_UNSUPPORTED);
      // The JSON-object form of the same idea: claims of the outer token, cty JWT, signed by the issuer.
      h.invoke(h.rs256.sign(header, h.claims())).denied(ReasonCode.NESTED_JWT_UNSUPPORTED);
    }
  }
}
