package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.ReasonCode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Wycheproof {@code json_web_key_test.json} through the JWKS path: each group's keyset (the public one when there is
 * one, else the private one as given) is served over loopback, loaded by {@link JwksCache} and {@link JwkSetParser},
 * and the group's token verified by the validator's JWS layer. Mixed public/private keysets, duplicate {@code kid}s,
 * a ROCA-vulnerable key, a 1024-bit key, e = 1, short or empty HMAC keys, alg/curve/kty mismatches, {@code use: enc}
 * and AES keys offered for signing must all end in a refusal. The valid HMAC vectors are refused by policy (no
 * symmetric keys) and counted as such.
 */
class WycheproofJwkTest {
  private static WycheproofJose jose;

  @BeforeAll
  static void start() {
    jose = new WycheproofJose();
  }

  @AfterAll
  static void stop() {
    jose.close();
  }

  @Test
  void jsonWebKeyVectors() {
    Wycheproof.Tally tally = new Wycheproof.Tally("json_web_key_test.json");
    for (Map<String, Object> group : Wycheproof.groups(Wycheproof.load("json_web_key_test.json"))) {
      Object keySet = group.containsKey("public") ? group.get("public") : group.get("private");
      List<Map<String, Object>> keys = WycheproofJose.keys(keySet);
      boolean symmetric = keys.stream().anyMatch(k -> "oct".equals(k.get("kty")));
      for (Map<String, Object> test : Wycheproof.tests(group)) {
        int tcId = Wycheproof.tcId(test);
        String jws = (String) test.get("jws");
        Set<JwsAlgorithm> allowed = WycheproofJose.headerAlg(jws).flatMap(JwsAlgorithm::byName)
            .map(a -> (Set<JwsAlgorithm>) java.util.EnumSet.of(a)).orElse(Set.of());
        Optional<ReasonCode> outcome = jose.verify(WycheproofJose.jwks(keySet), allowed, jws);
        String verdict = outcome.map(r -> "refused " + r).orElse("accepted");
        if ("valid".equals(Wycheproof.result(test)) && !symmetric) {
          tally.count("valid " + verdict);
          if (outcome.isPresent()) {
            tally.fail(tcId, "valid " + verdict + " " + group.get("comment"));
          }
        } else {
          tally.count(("valid".equals(Wycheproof.result(test)) ? "valid HMAC, refused by policy: " : "invalid ")
              + verdict);
          if (outcome.isEmpty()) {
            tally.fail(tcId, "accepted " + group.get("comment") + " " + test.get("comment"));
          }
        }
      }
    }
    tally.print();
    WycheproofPrimitives.assertNoFailures(tally, 26);
  }
}
