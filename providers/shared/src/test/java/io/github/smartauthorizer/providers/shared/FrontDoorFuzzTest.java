package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.VerifiedToken;
import io.github.smartauthorizer.api.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz target for the front door and the whole JWT pipeline ({@link JwtValidator#validate}), with Jazzer.
 *
 * <p>Invariants: {@code validate} never throws (a refusal is a {@link ValidationResult.Rejected} with a reason code,
 * never an exception), {@link CompactJws#parse} throws nothing but {@link TokenRejectedException}, and nothing is
 * accepted without a valid signature: an accepted token is either byte for byte a token this target signed (so a
 * mutation of a valid token is never accepted, which also proves the base64url encoding canonical) or, in the mode
 * where the fuzzer chooses header and payload and the target signs them, one whose signature an independent JDK
 * check confirms and whose claims meet the rules.
 *
 * <p>In the regular build it fuzzes for {@code fuzz.seconds} (15 s) in its own JVM; {@code -Pfuzz-long} runs it for
 * 10 minutes. Without {@code JAZZER_FUZZ} (an IDE run) it replays the seeds in {@code FrontDoorFuzzTestInputs/}.
 */
class FrontDoorFuzzTest {
  static final String ISSUER = "https://issuer.example.com";
  static final AtomicLong EXECUTIONS = new AtomicLong();

  private static JwksLoopback jwks;
  private static TestClock clock;
  private static JwtValidator validator;
  private static List<JwsSigner> signers;
  private static List<String> validTokens;

  @BeforeAll
  static void start() {
    clock = new TestClock();
    signers = List.of(JwsSigner.generate(JwsAlgorithm.ES256, "ec-1"), JwsSigner.generate(JwsAlgorithm.EdDSA, "ed-1"),
        JwsSigner.generate(JwsAlgorithm.RS256, "rsa-1"));
    jwks = new JwksLoopback();
    jwks.serve(TestKeys.jwks(signers.stream().map(JwsSigner::publicJwk).toList()));
    Set<JwsAlgorithm> allowed = EnumSet.of(JwsAlgorithm.ES256, JwsAlgorithm.EdDSA, JwsAlgorithm.RS256);
    JwksCache cache = jwks.cache(allowed, clock);
    assertTrue(cache.prefetch());
    validator = JwtValidator.builder().issuer(ISSUER).algorithms(allowed).keys(cache).clock(clock).build();
    validTokens = signers.stream().map(s -> s.sign(claims())).toList();
    for (String token : validTokens) {
      assertTrue(validator.validate(token, TestRequests.request(token)).isAccepted(), "control token");
    }
  }

  @AfterAll
  static void stop() {
    jwks.close();
    System.out.println("FUZZ FrontDoorFuzzTest executions: " + EXECUTIONS.get());
  }

  static Map<String, Object> claims() {
    return TestTokens.claims(ISSUER, TestRequests.DATASTORE_ENDPOINT, clock.epochSecond(), 3600);
  }

  @FuzzTest(maxDuration = "15s")
  void fuzz(FuzzedDataProvider data) throws Exception {
    EXECUTIONS.incrementAndGet();
    int mode = data.consumeInt(0, 3);
    switch (mode) {
      case 0 -> raw(data.consumeRemainingAsString());
      case 1 -> mutated(data);
      default -> signedByUs(data);
    }
  }

  /** Any string: only a rejection, never an exception, never an acceptance. */
  private static void raw(String token) {
    try {
      CompactJws.parse(token, 8192);
    } catch (TokenRejectedException expected) {
      // our own rejection is the only thing allowed out
    }
    ValidationResult result = validator.validate(token, TestRequests.request(token));
    assertTrue(!result.isAccepted() || validTokens.contains(token), "accepted a token nobody signed");
  }

  /** A valid token with fuzzer-chosen edits: accepted only if the edits left it byte-identical. */
  private static void mutated(FuzzedDataProvider data) {
    StringBuilder token = new StringBuilder(validTokens.get(data.consumeInt(0, validTokens.size() - 1)));
    int edits = data.consumeInt(1, 4);
    for (int i = 0; i < edits && token.length() > 0; i++) {
      int at = data.consumeInt(0, token.length() - 1);
      switch (data.consumeInt(0, 2)) {
        case 0 -> token.setCharAt(at, data.consumeChar());
        case 1 -> token.insert(at, data.consumeChar());
        default -> token.deleteCharAt(at);
      }
    }
    raw(token.toString());
  }

  /** Fuzzer-chosen header and payload bytes, validly signed: whatever is accepted must deserve it. */
  private static void signedByUs(FuzzedDataProvider data) throws Exception {
    JwsSigner signer = signers.get(data.consumeInt(0, 1)); // ES256 and EdDSA sign fast
    byte[] header = data.consumeBytes(data.consumeInt(0, 600));
    byte[] payload = data.consumeRemainingAsBytes();
    String token = signer.signBytes(header, payload);
    ValidationResult result = validator.validate(token, TestRequests.request(token));
    if (!result.isAccepted()) {
      ReasonCode reason = ((ValidationResult.Rejected) result).rejection().reason();
      assertTrue(!reason.isEnvironmentFault(), "a bad token must not look like an outage: " + reason);
      return;
    }
    String signingInput = token.substring(0, token.lastIndexOf('.'));
    Signature check = JwsSigner.newSignature(signer.algorithm());
    check.initVerify(signer.keyPair().getPublic());
    check.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    assertTrue(check.verify(Base64Url.decode(token.substring(token.lastIndexOf('.') + 1))));
    Map<String, Object> parsedHeader = StrictJson.parseObject(header);
    assertEquals(signer.algorithm().name(), parsedHeader.get("alg"));
    assertTrue(!parsedHeader.containsKey("crit") && !parsedHeader.containsKey("b64"), "crit or b64 accepted");
    VerifiedToken verified = ((ValidationResult.Accepted) result).token();
    assertEquals(ISSUER, verified.issuer());
    Map<String, Object> claims = StrictJson.parseObject(payload);
    long exp = Claims.numericDate(claims, "exp").orElseThrow();
    assertTrue(exp + 60 >= clock.epochSecond(), "expired token accepted");
  }
}
