package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Wycheproof {@code json_web_signature_test.json} and the JWS half of {@code json_web_crypto_test.json}, whole tokens
 * through the validator's JWS layer, with the quirks of attacks.md §1.2 honoured:
 *
 * <ul>
 *   <li>tc 372 and 373 are labelled valid but must be refused (their MAC does not cover the literal input);
 *   <li>tc 346/350 (PS384 under a JWK saying PS256) and 347/351 (ES512 under a JWK saying ES521) run with the key's
 *       {@code alg} set to the token's, since we bind key alg to token alg;
 *   <li>tc 349 ({@code key_ops: ["sign, verify"]}, one malformed string): the key is refused at load, which counts;
 *   <li>HMAC ({@code HS*}) is not supported at all (a public JWKS never yields a symmetric key): valid HS256 vectors
 *       are refused by policy and counted as such, and the base64 group (HS256 only) is also run through the front
 *       door alone, which must refuse tc 360-375 and admit the others, whatever the MAC (except tc 367 and 370, which
 *       are byte-identical to the valid tc 357).
 * </ul>
 *
 * <p>Every JWE of {@code json_web_crypto_test.json}, valid or not, must be refused by the JWS path (format confusion).
 */
class WycheproofJwsTest {
  private static final Set<Integer> MUST_REJECT_DESPITE_LABEL = Set.of(372, 373);
  static final Map<Integer, String> TOKEN_ALG_OVERRIDES =
      Map.of(346, "PS384", 350, "PS384", 347, "ES512", 351, "ES512");
  /**
   * tc 349: the group's private JWK has {@code key_ops: ["sign, verify"]} (one malformed string), but its public JWK,
   * which is what a verifier loads, says {@code ["verify"]}; either verdict is accepted (attacks.md §1.2).
   */
  private static final Set<Integer> KEY_REFUSAL_ACCEPTABLE = Set.of(349);
  /**
   * tc 367 ({@code invalidBase64Padding}) and 370 ({@code invalidBase64PaddingInPayload}) are labelled invalid, but
   * their {@code jws} is byte for byte the one of tc 357, labelled valid (the padding was evidently lost when the
   * vectors were generated). No deterministic verifier can honour both labels: the front door admits them like 357,
   * and the whole path refuses all three (HS256 is not supported).
   */
  private static final Set<Integer> IDENTICAL_TO_A_VALID_VECTOR = Set.of(367, 370);
  /**
   * The reasons the JWS layer ({@link JwtValidator#verifyJws}) gives for a bad token: the front door, the header
   * rules, the key lookup and the signature. A positive list rather than "not {@link ReasonCode#isEnvironmentFault}",
   * so that an environment code that list forgets, or a code of another layer, is caught too.
   */
  private static final Set<ReasonCode> TOKEN_REASONS = EnumSet.of(ReasonCode.MALFORMED_TOKEN,
      ReasonCode.TOKEN_TOO_LARGE, ReasonCode.ALG_NOT_ALLOWED, ReasonCode.UNSUPPORTED_CRIT,
      ReasonCode.NESTED_JWT_UNSUPPORTED, ReasonCode.UNKNOWN_KID, ReasonCode.BAD_SIGNATURE);

  private static WycheproofJose jose;

  @BeforeAll
  static void start() {
    jose = new WycheproofJose();
  }

  @AfterAll
  static void stop() {
    jose.close();
  }

  /** The verdicts of one file: the tally, and the reason code of every refusal, in the order of the tests. */
  private record Run(Wycheproof.Tally tally, List<ReasonCode> refusals) {}

  @Test
  void jsonWebSignatureVectors() {
    WycheproofPrimitives.assertNoFailures(run("json_web_signature_test.json").tally(), 401);
  }

  @Test
  void jsonWebCryptoVectors() {
    WycheproofPrimitives.assertNoFailures(run("json_web_crypto_test.json").tally(), 83);
  }

  @Test
  void base64GroupIsDecidedByTheFrontDoorAlone() {
    Wycheproof.Tally tally = new Wycheproof.Tally("json_web_signature_test.json base64 group, front door only");
    for (Map<String, Object> group : Wycheproof.groups(Wycheproof.load("json_web_signature_test.json"))) {
      if (!"base64".equals(group.get("comment"))) {
        continue;
      }
      for (Map<String, Object> test : Wycheproof.tests(group)) {
        int tcId = Wycheproof.tcId(test);
        boolean admitted;
        try {
          CompactJws.parseJws((String) test.get("jws"), 8192);
          admitted = true;
        } catch (TokenRejectedException e) {
          assertEquals(ReasonCode.MALFORMED_TOKEN, e.rejection().reason());
          admitted = false;
        }
        boolean shouldAdmit = tcId < 360 || tcId > 375 || IDENTICAL_TO_A_VALID_VECTOR.contains(tcId);
        tally.count(admitted ? "admitted" : "refused MALFORMED_TOKEN");
        if (admitted != shouldAdmit) {
          tally.fail(tcId, (admitted ? "admitted " : "refused ") + test.get("comment"));
        }
      }
    }
    tally.print();
    WycheproofPrimitives.assertNoFailures(tally, 21);
  }

  private static Run run(String file) {
    Wycheproof.Tally tally = new Wycheproof.Tally(file);
    List<ReasonCode> refusals = new ArrayList<>();
    for (Map<String, Object> group : Wycheproof.groups(Wycheproof.load(file))) {
      Object keyMaterial = group.containsKey("public") ? group.get("public") : group.get("private");
      for (Map<String, Object> test : Wycheproof.tests(group)) {
        int tcId = Wycheproof.tcId(test);
        String result = Wycheproof.result(test);
        if (test.containsKey("jwe")) {
          Object jwe = test.get("jwe");
          String token = jwe instanceof String s ? s : TestKeys.json(jwe);
          Optional<ReasonCode> outcome = jose.verify(WycheproofJose.jwks(keyMaterial), Set.of(), token);
          outcome.ifPresent(refusals::add);
          tally.count("JWE (" + result + ") refused by the JWS path");
          if (outcome.isEmpty()) {
            tally.fail(tcId, "a JWE passed the JWS path");
          }
          continue;
        }
        Object raw = test.get("jws");
        String jws = raw instanceof String s ? s : TestKeys.json(raw);
        List<Map<String, Object>> keys = WycheproofJose.keys(keyMaterial);
        Map<String, Object> first = keys.get(0);
        String jwks = WycheproofJose.jwks(keyMaterial);
        if (TOKEN_ALG_OVERRIDES.containsKey(tcId)) {
          first = WycheproofJose.withAlg(first, TOKEN_ALG_OVERRIDES.get(tcId));
          jwks = WycheproofJose.jwks(first);
        }
        Set<JwsAlgorithm> allowed = WycheproofJose.allowList(first, jws);
        Optional<ReasonCode> outcome = jose.verify(jwks, allowed, jws);
        outcome.ifPresent(refusals::add);
        boolean symmetric = keys.stream().anyMatch(k -> "oct".equals(k.get("kty")));
        String verdict = outcome.map(r -> "refused " + r).orElse("accepted");
        if ("valid".equals(result) && !MUST_REJECT_DESPITE_LABEL.contains(tcId)) {
          if (symmetric) {
            tally.count("valid HS256, refused by policy (no HMAC)");
            expectRefused(tally, tcId, outcome, test);
          } else if (KEY_REFUSAL_ACCEPTABLE.contains(tcId) && outcome.isPresent()) {
            tally.count("valid, key refused at load (malformed key_ops)");
          } else {
            tally.count("valid " + verdict);
            if (outcome.isPresent()) {
              tally.fail(tcId, "valid JWS " + verdict + " " + test.get("comment"));
            }
          }
        } else {
          tally.count((MUST_REJECT_DESPITE_LABEL.contains(tcId) ? "labelled valid, must be refused: " : "invalid ")
              + verdict);
          expectRefused(tally, tcId, outcome, test);
        }
      }
    }
    tally.print();
    return new Run(tally, refusals);
  }

  private static void expectRefused(Wycheproof.Tally tally, int tcId, Optional<ReasonCode> outcome,
      Map<String, Object> test) {
    if (outcome.isEmpty()) {
      tally.fail(tcId, "accepted " + test.get("comment") + " " + Wycheproof.flags(test));
    }
  }

  /**
   * A refused Wycheproof token is a bad token, never an outage: every refusal, the JWEs and the HS256 tokens refused by
   * policy included, has one of the {@link #TOKEN_REASONS}. The refusals counted are every test of the file but its
   * accepted valid ones (36 of 401, 2 of 83), so the check cannot pass on fewer.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"json_web_signature_test.json, 365", "json_web_crypto_test.json, 81"})
  void everyRefusalHasAReasonCodeOfTheTokenNotOfTheEnvironment(String file, int expectedRefusals) {
    List<ReasonCode> refusals = run(file).refusals();
    Map<ReasonCode, Integer> byReason = new EnumMap<>(ReasonCode.class);
    refusals.forEach(reason -> byReason.merge(reason, 1, Integer::sum));
    assertEquals(expectedRefusals, refusals.size(), "refusals checked " + byReason);
    assertTrue(TOKEN_REASONS.containsAll(byReason.keySet()), "refusals by reason " + byReason);
  }
}
