package io.github.smartauthorizer.providers.shared;

import static io.github.smartauthorizer.providers.shared.TestRequests.DATASTORE_ENDPOINT;
import static io.github.smartauthorizer.providers.shared.ValidationResults.validate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.impl.JWTParser;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.Header;
import com.auth0.jwt.interfaces.Verification;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.ValidationResult;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * java-jwt (auth0, on Jackson) as an independent second opinion on our verification, for every algorithm both verify
 * ({@code RS*}, {@code PS*} and {@code ES*}; java-jwt has no {@code EdDSA}). Tokens are signed with the JDK
 * ({@link JwsSigner}), never with either verifier. Two corpora:
 *
 * <ul>
 *   <li><b>Generated</b>: valid tokens for each algorithm and their mutations (alg swaps, {@code none}, HS256 keyed
 *       with the public key, tampering, truncated and extended signatures, DER signatures, non-canonical base64url,
 *       duplicate members, whitespace, {@code kid} variants, header extensions, claims). Ours: {@link JwtValidator}
 *       whole, keys from a JWKS on loopback. java-jwt: {@code JWT.require(<the key's algorithm>(publicKey))} with the
 *       same issuer, audience, clock and leeway, {@code verify(token)}.
 *   <li><b>Wycheproof</b>: every compact JWS of {@code json_web_signature_test.json} and {@code
 *       json_web_crypto_test.json} under an RSA or EC key, at the JWS layer (their payloads are mostly not JSON). Ours:
 *       {@link JwtValidator#verifyJws} as {@link WycheproofJwsTest} runs it. java-jwt: its own token split, header
 *       parser ({@link JWTParser#parseHeader}), the algorithm match {@code JWTVerifier} makes, and
 *       {@link Algorithm#verify}, with the group's key and its {@code alg} (the token's when the key has none).
 * </ul>
 *
 * <p>Asserted: no token we accept is refused by java-jwt (that would be our false accept, or a rule of ours looser than
 * a mainstream library's); and the tokens java-jwt accepts but we refuse are exactly the listed ones, each with our
 * reason code and why we are right to refuse (docs/security.md §3), so that a change in either library surfaces here.
 */
class JavaJwtSecondOpinionTest {
  private static final String ISSUER = "https://issuer.example";
  private static final Duration SKEW = Duration.ofSeconds(60);
  private static final List<JwsAlgorithm> ALGORITHMS = List.of(JwsAlgorithm.RS256, JwsAlgorithm.RS384,
      JwsAlgorithm.RS512, JwsAlgorithm.PS256, JwsAlgorithm.PS384, JwsAlgorithm.PS512, JwsAlgorithm.ES256,
      JwsAlgorithm.ES384, JwsAlgorithm.ES512);
  private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  /** Why java-jwt accepts a token and we do not: our reason code, and what the rule defends. */
  record Expected(ReasonCode ours, String why) {}

  /** The generated tokens java-jwt accepts and we refuse, by category; every algorithm the category applies to. */
  private static final Map<String, Expected> JAVA_JWT_ONLY = Map.ofEntries(
      Map.entry("kid unknown to the JWKS", new Expected(ReasonCode.UNKNOWN_KID,
          "a kid names one key of the JWKS; java-jwt given one key never reads kid")),
      Map.entry("kid of the key of another algorithm", new Expected(ReasonCode.ALG_NOT_ALLOWED,
          "the key of that kid is published for another algorithm, and serves that one only (RFC 8725 §3.1)")),
      Map.entry("kid an empty string", new Expected(ReasonCode.MALFORMED_TOKEN, "kid is a non-empty short string")),
      Map.entry("kid a number", new Expected(ReasonCode.MALFORMED_TOKEN,
          "kid is a string (RFC 7515 §4.1.4); Jackson reads 7 as \"7\"")),
      Map.entry("kid longer than 256 characters", new Expected(ReasonCode.MALFORMED_TOKEN,
          "a bounded kid, the cache key of a JWKS refetch")),
      Map.entry("crit naming exp", new Expected(ReasonCode.UNSUPPORTED_CRIT,
          "RFC 7515 §4.1.11: a crit extension not understood must refuse the JWS; java-jwt ignores crit")),
      Map.entry("b64 false under crit", new Expected(ReasonCode.UNSUPPORTED_CRIT,
          "RFC 7797 unencoded payloads are not supported; the signature would cover other bytes")),
      Map.entry("b64 true without crit", new Expected(ReasonCode.MALFORMED_TOKEN,
          "RFC 7797 §6: b64 must be listed in crit")),
      Map.entry("cty JWT (nested)", new Expected(ReasonCode.NESTED_JWT_UNSUPPORTED,
          "a nested JWT's inner token would be the real one (RFC 7519 §5.2); never half-processed")),
      Map.entry("enc in a JWS header", new Expected(ReasonCode.MALFORMED_TOKEN,
          "JWE header members in a JWS: JWS/JWE confusion")),
      Map.entry("zip in a JWS header", new Expected(ReasonCode.MALFORMED_TOKEN,
          "JWE header members in a JWS: JWS/JWE confusion")),
      Map.entry("duplicate alg, none then the real one", new Expected(ReasonCode.MALFORMED_TOKEN,
          "duplicate members (RFC 7515 §4, RFC 8259 §4): Jackson keeps the last, another parser the first")),
      Map.entry("duplicate claim sub", new Expected(ReasonCode.MALFORMED_TOKEN,
          "duplicate members: which sub would the role mapping see?")),
      Map.entry("duplicate claim exp, expired then valid", new Expected(ReasonCode.MALFORMED_TOKEN,
          "duplicate members: an expired token revived by the last exp")),
      Map.entry("padding on the header segment", new Expected(ReasonCode.MALFORMED_TOKEN,
          "base64url without padding (RFC 7515 §2); the JDK's decoder takes '='")),
      Map.entry("padding on the payload segment", new Expected(ReasonCode.MALFORMED_TOKEN,
          "base64url without padding (RFC 7515 §2)")),
      Map.entry("padding on the signature", new Expected(ReasonCode.MALFORMED_TOKEN,
          "base64url without padding (RFC 7515 §2): one signature, one spelling")),
      Map.entry("non-canonical last character of the header segment", new Expected(ReasonCode.MALFORMED_TOKEN,
          "canonical base64url (RFC 4648 §3.5): the JDK's decoder drops non-zero spare bits")),
      Map.entry("non-canonical last character of the payload segment", new Expected(ReasonCode.MALFORMED_TOKEN,
          "canonical base64url: one payload, one spelling")),
      Map.entry("non-canonical last character of the signature", new Expected(ReasonCode.MALFORMED_TOKEN,
          "canonical base64url: a second spelling of a signature is a second token (replay, cache keys)")),
      Map.entry("exp missing", new Expected(ReasonCode.MISSING_CLAIM,
          "an access token without exp never expires; java-jwt checks exp only when present")),
      Map.entry("invalid UTF-8 in a claim", new Expected(ReasonCode.MALFORMED_TOKEN,
          "JSON is UTF-8 (RFC 8259 §8.1); the JDK's String decoder substitutes U+FFFD")),
      Map.entry("lone surrogate escape in a claim", new Expected(ReasonCode.MALFORMED_TOKEN,
          "an unpaired surrogate is no Unicode string (RFC 8259 §8.2)")),
      Map.entry("a claim nested 20 levels deep", new Expected(ReasonCode.MALFORMED_TOKEN,
          "bounded nesting (16) in front of the signature check")),
      Map.entry("a claim with a 70-digit number", new Expected(ReasonCode.MALFORMED_TOKEN,
          "bounded numbers (64 characters) in front of the signature check")),
      Map.entry("token over 8 KiB", new Expected(ReasonCode.TOKEN_TOO_LARGE,
          "a size cap before any decoding or cryptography")));

  /**
   * The Wycheproof JWS vectors java-jwt accepts and we refuse, by file and tcId: all are key policy, which java-jwt
   * leaves to whoever hands it the key (it never reads a JWK), and our JWKS loader applies (docs/security.md §2).
   */
  private static final Map<String, Expected> WYCHEPROOF_JAVA_JWT_ONLY = Map.of(
      "json_web_signature tc 353", new Expected(ReasonCode.UNKNOWN_KID,
          "rejectWrongUse: an RSA key with use enc never verifies a signature (RFC 7517 §4.2)"),
      "json_web_signature tc 354", new Expected(ReasonCode.UNKNOWN_KID,
          "rejectWrongUse: an EC key with use enc never verifies a signature (RFC 7517 §4.2)"),
      "json_web_signature tc 355", new Expected(ReasonCode.UNKNOWN_KID,
          "rejectWrongKeyOps: an RSA key with key_ops [encrypt] does not verify (RFC 7517 §4.3)"),
      "json_web_signature tc 356", new Expected(ReasonCode.UNKNOWN_KID,
          "rejectWrongKeyOps: an EC key with key_ops [encrypt] does not verify (RFC 7517 §4.3)"),
      "json_web_crypto tc 46", new Expected(ReasonCode.UNKNOWN_KID,
          "rejectsKeyWithRocaVulnerability: a ROCA modulus (CVE-2017-15361) is factorable; the key is skipped"));

  private static final TestClock clock = new TestClock();
  private static final Map<JwsAlgorithm, JwsSigner> signers = new EnumMap<>(JwsAlgorithm.class);
  private static JwksLoopback jwks;
  private static JwtValidator validator;
  private static WycheproofJose jose;
  private static List<Outcome> generated;
  private static List<Outcome> wycheproof;

  /** One token of a corpus and the two verdicts: empty when accepted, else our reason code or java-jwt's exception. */
  record Outcome(String name, String category, Optional<ReasonCode> ours, Optional<String> javaJwt) {
    boolean both() {
      return ours.isEmpty() && javaJwt.isEmpty();
    }

    boolean neither() {
      return ours.isPresent() && javaJwt.isPresent();
    }

    boolean javaJwtOnly() {
      return ours.isPresent() && javaJwt.isEmpty();
    }

    boolean oursOnly() {
      return ours.isEmpty() && javaJwt.isPresent();
    }
  }

  @BeforeAll
  static void start() {
    for (JwsAlgorithm algorithm : ALGORITHMS) {
      signers.put(algorithm, JwsSigner.generate(algorithm, algorithm.name().toLowerCase() + "-1"));
    }
    jwks = new JwksLoopback().serve(TestKeys.jwks(signers.values().stream().map(JwsSigner::publicJwk).toList()));
    Set<JwsAlgorithm> allowed = EnumSet.copyOf(ALGORITHMS);
    validator = JwtValidator.builder().issuer(ISSUER).algorithms(allowed).keys(jwks.cache(allowed, clock)).clock(clock)
        .clockSkew(SKEW).build();
    jose = new WycheproofJose();
    generated = generatedCorpus().stream().map(JavaJwtSecondOpinionTest::decide).toList();
    wycheproof = wycheproofCorpus();
    System.out.println(summary("generated", generated));
    System.out.println(summary("Wycheproof JWS", wycheproof));
  }

  @AfterAll
  static void stop() {
    jwks.close();
    jose.close();
  }

  // --- the assertions --------------------------------------------------------------------------------------------

  @Test
  void javaJwtAcceptsEveryGeneratedTokenWeAccept() {
    assertNoneOursOnly(generated);
  }

  @Test
  void theGeneratedTokensOnlyJavaJwtAcceptsAreExactlyTheListedOnes() {
    Set<String> actual = generated.stream().filter(Outcome::javaJwtOnly).map(Outcome::name)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> expected = generated.stream().filter(o -> JAVA_JWT_ONLY.containsKey(o.category()))
        .map(Outcome::name).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expected, actual, "java-jwt-only accepts; update JAVA_JWT_ONLY and docs/security.md §3");
    for (Outcome o : generated) {
      if (JAVA_JWT_ONLY.containsKey(o.category())) {
        assertEquals(Optional.of(JAVA_JWT_ONLY.get(o.category()).ours()), o.ours(), o.name());
      }
    }
    assertEquals(JAVA_JWT_ONLY.keySet(), generated.stream().map(Outcome::category)
        .filter(JAVA_JWT_ONLY::containsKey).collect(Collectors.toSet()), "every listed category is generated");
  }

  @Test
  void bothAcceptTheValidTokensOfEveryAlgorithm() {
    for (JwsAlgorithm algorithm : ALGORITHMS) {
      Outcome valid = generated.stream().filter(o -> o.name().equals(algorithm + " valid")).findFirst().orElseThrow();
      assertTrue(valid.both(), valid.toString());
    }
  }

  @Test
  void javaJwtAcceptsEveryWycheproofJwsWeAccept() {
    assertNoneOursOnly(wycheproof);
  }

  private static void assertNoneOursOnly(List<Outcome> outcomes) {
    List<String> ours = outcomes.stream().filter(Outcome::oursOnly)
        .map(o -> o.name() + ": java-jwt says " + o.javaJwt().orElseThrow()).toList();
    assertEquals(List.of(), ours, "tokens we accept and java-jwt refuses: a false accept of ours?");
  }

  @Test
  void theWycheproofJwsOnlyJavaJwtAcceptsAreExactlyTheListedOnes() {
    Map<String, ReasonCode> actual = new TreeMap<>();
    wycheproof.stream().filter(Outcome::javaJwtOnly).forEach(o -> actual.put(o.name(), o.ours().orElseThrow()));
    Map<String, ReasonCode> expected = new TreeMap<>();
    WYCHEPROOF_JAVA_JWT_ONLY.forEach((name, e) -> expected.put(name, e.ours()));
    assertEquals(expected, actual, "java-jwt-only accepts; update WYCHEPROOF_JAVA_JWT_ONLY and docs/security.md §3");
    assertEquals(38, wycheproof.stream().filter(Outcome::both).count(),
        "the 38 valid RSA and EC vectors WycheproofJwsTest accepts are accepted by both");
  }

  // --- the verdicts ----------------------------------------------------------------------------------------------

  /** A generated token: the category, the algorithm of the key java-jwt is configured with, the token. */
  record Case(String category, JwsAlgorithm keyAlgorithm, String token) {}

  private static Outcome decide(Case c) {
    ValidationResult result = validate(validator, c.token());
    Optional<ReasonCode> ours = result instanceof ValidationResult.Rejected r
        ? Optional.of(r.rejection().reason()) : Optional.empty();
    Optional<String> javaJwt;
    try {
      Verification verification = JWT.require(
              javaJwtAlgorithm(c.keyAlgorithm().name(), signers.get(c.keyAlgorithm()).keyPair().getPublic()))
          .withIssuer(ISSUER)
          .withAudience(DATASTORE_ENDPOINT)
          .acceptLeeway(SKEW.toSeconds());
      ((JWTVerifier.BaseVerification) verification).build(clock).verify(c.token());
      javaJwt = Optional.empty();
    } catch (RuntimeException e) {
      javaJwt = Optional.of(e.getClass().getSimpleName());
    }
    return new Outcome(c.keyAlgorithm() + " " + c.category(), c.category(), ours, javaJwt);
  }

  /** java-jwt's algorithm of a JOSE name with this public key, or {@code null} when java-jwt has none. */
  private static Algorithm javaJwtAlgorithm(String name, PublicKey key) {
    if (name == null || key == null) {
      return null;
    }
    return switch (name) {
      case "RS256" -> Algorithm.RSA256((RSAPublicKey) key, null);
      case "RS384" -> Algorithm.RSA384((RSAPublicKey) key, null);
      case "RS512" -> Algorithm.RSA512((RSAPublicKey) key, null);
      case "PS256" -> Algorithm.RSA256PSS((RSAPublicKey) key, null);
      case "PS384" -> Algorithm.RSA384PSS((RSAPublicKey) key, null);
      case "PS512" -> Algorithm.RSA512PSS((RSAPublicKey) key, null);
      case "ES256" -> Algorithm.ECDSA256((ECPublicKey) key, null);
      case "ES384" -> Algorithm.ECDSA384((ECPublicKey) key, null);
      case "ES512" -> Algorithm.ECDSA512((ECPublicKey) key, null);
      default -> null;
    };
  }

  /**
   * java-jwt at the JWS layer, as {@code JWTVerifier.verify} runs it minus the payload's JSON and claims: its split
   * (exactly three parts), the header through its own parser, the algorithm match, the signature.
   */
  private static Optional<String> javaJwtJws(Algorithm algorithm, String token) {
    if (algorithm == null) {
      return Optional.of("no java-jwt algorithm for this key");
    }
    try {
      int first = token.indexOf('.');
      int second = first < 0 ? -1 : token.indexOf('.', first + 1);
      if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
        return Optional.of("JWTDecodeException");
      }
      String[] parts = {token.substring(0, first), token.substring(first + 1, second), token.substring(second + 1)};
      Header header = new JWTParser().parseHeader(
          new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
      if (!algorithm.getName().equals(header.getAlgorithm())) {
        return Optional.of("AlgorithmMismatchException");
      }
      DecodedJWT jws = (DecodedJWT) Proxy.newProxyInstance(JavaJwtSecondOpinionTest.class.getClassLoader(),
          new Class<?>[] {DecodedJWT.class}, (proxy, method, args) -> switch (method.getName()) {
            case "getToken" -> token;
            case "getHeader" -> parts[0];
            case "getPayload" -> parts[1];
            case "getSignature" -> parts[2];
            case "getAlgorithm", "getType", "getContentType", "getKeyId", "getHeaderClaim" ->
                method.invoke(header, args);
            default -> throw new UnsupportedOperationException(method.getName());
          });
      algorithm.verify(jws);
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of(e.getClass().getSimpleName());
    }
  }

  // --- the Wycheproof corpus -------------------------------------------------------------------------------------

  private static List<Outcome> wycheproofCorpus() {
    List<Outcome> outcomes = new ArrayList<>();
    for (String file : List.of("json_web_signature_test.json", "json_web_crypto_test.json")) {
      for (Map<String, Object> group : Wycheproof.groups(Wycheproof.load(file))) {
        Object keyMaterial = group.containsKey("public") ? group.get("public") : group.get("private");
        List<Map<String, Object>> keys = WycheproofJose.keys(keyMaterial);
        if (keys.stream().anyMatch(k -> "oct".equals(k.get("kty")))) {
          continue; // HMAC: we support none (WycheproofJwsTest)
        }
        for (Map<String, Object> test : Wycheproof.tests(group)) {
          if (!test.containsKey("jws")) {
            continue; // JWE: WycheproofJwsTest checks the JWS path refuses them all
          }
          int tcId = Wycheproof.tcId(test);
          Object raw = test.get("jws");
          String jws = raw instanceof String s ? s : TestKeys.json(raw);
          Map<String, Object> jwk = keys.get(0);
          String jwksJson = WycheproofJose.jwks(keyMaterial);
          if (WycheproofJwsTest.TOKEN_ALG_OVERRIDES.containsKey(tcId)) {
            jwk = WycheproofJose.withAlg(jwk, WycheproofJwsTest.TOKEN_ALG_OVERRIDES.get(tcId));
            jwksJson = WycheproofJose.jwks(jwk);
          }
          Optional<ReasonCode> ours = jose.verify(jwksJson, WycheproofJose.allowList(jwk, jws), jws);
          String alg = jwk.containsKey("alg") ? (String) jwk.get("alg") : headerAlg(jws);
          Optional<String> javaJwt = javaJwtJws(javaJwtAlgorithm(alg, publicKey(jwk)), jws);
          String name = file.substring(0, file.indexOf("_test")) + " tc " + tcId;
          outcomes.add(new Outcome(name, String.valueOf(test.get("comment")), ours, javaJwt));
        }
      }
    }
    return outcomes;
  }

  /** The header's {@code alg} as java-jwt reads it, or {@code null}. */
  private static String headerAlg(String jws) {
    try {
      String header = new String(Base64.getUrlDecoder().decode(jws.substring(0, jws.indexOf('.'))),
          StandardCharsets.UTF_8);
      return new JWTParser().parseHeader(header).getAlgorithm();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The public key of an RSA or EC JWK as an integrator would load it with the JDK, or {@code null}. */
  private static PublicKey publicKey(Map<String, Object> jwk) {
    Base64.Decoder b64 = Base64.getUrlDecoder();
    try {
      if ("RSA".equals(jwk.get("kty"))) {
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
            new BigInteger(1, b64.decode((String) jwk.get("n"))),
            new BigInteger(1, b64.decode((String) jwk.get("e")))));
      }
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec(TestKeys.jdkCurve((String) jwk.get("crv"))));
      ECPoint w = new ECPoint(new BigInteger(1, b64.decode((String) jwk.get("x"))),
          new BigInteger(1, b64.decode((String) jwk.get("y"))));
      return KeyFactory.getInstance("EC").generatePublic(
          new ECPublicKeySpec(w, parameters.getParameterSpec(ECParameterSpec.class)));
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  // --- the generated corpus --------------------------------------------------------------------------------------

  private static List<Case> generatedCorpus() {
    List<Case> cases = new ArrayList<>();
    for (JwsAlgorithm algorithm : ALGORITHMS) {
      Corpus corpus = new Corpus(algorithm, signers.get(algorithm));
      corpus.generate();
      cases.addAll(corpus.cases);
    }
    return cases;
  }

  /** The tokens of one algorithm's key. */
  private static final class Corpus {
    private final JwsAlgorithm algorithm;
    private final JwsSigner signer;
    private final List<Case> cases = new ArrayList<>();
    private final long now = clock.epochSecond();

    Corpus(JwsAlgorithm algorithm, JwsSigner signer) {
      this.algorithm = algorithm;
      this.signer = signer;
    }

    private void add(String category, String token) {
      if (token != null) {
        cases.add(new Case(category, algorithm, token));
      }
    }

    void generate() {
      String valid = signer.sign(claims());
      String[] parts = valid.split("\\.", -1);
      String headerJson = TestKeys.json(signer.header(Map.of()));
      String payloadJson = TestKeys.json(claims());
      boolean rsa = algorithm.keyType().equals("RSA");

      // accepted by both
      add("valid", valid);
      add("valid without typ", signer.sign(extra("typ", null), claims()));
      add("valid without kid (the one key of its algorithm)", signer.withKid(null).sign(claims()));
      add("valid with aud a string", signer.sign(claimsWith("aud", DATASTORE_ENDPOINT)));
      add("valid without iat", signer.sign(claimsWith("iat", null)));
      add("valid without nbf", signer.sign(claimsWith("nbf", null)));
      add("valid with JSON whitespace", signer.signRaw(spaced(signer.header(Map.of())), spaced(claims())));
      add("valid with an escaped member name (\\u0061lg)",
          signer.signRaw(headerJson.replace("\"alg\"", "\"\\u0061lg\""), payloadJson));
      add("valid with an unknown header member", signer.sign(extra("x-trace", "abc"), claims()));
      add("valid with jku and x5u (never fetched)", signer.sign(
          extra("jku", "https://attacker.example/jwks", "x5u", "https://attacker.example/cert"), claims()));
      if (!rsa) {
        add("valid with the high-S twin of the signature", parts[0] + "." + parts[1] + "." + highS(parts[2]));
      }

      // refused by both
      String none = TestTokens.b64(headerJson.replace("\"" + algorithm + "\"", "\"none\""));
      add("alg none, no signature", none + "." + parts[1] + ".");
      add("alg none, signature kept", none + "." + parts[1] + "." + parts[2]);
      add("alg in lower case", signer.signRaw(headerJson.replace(algorithm.name(), algorithm.name().toLowerCase()),
          payloadJson));
      add("alg of a sibling, signed by this key under it",
          JwsSigner.of(signer.keyPair(), sibling(algorithm), signer.kid()).sign(claims()));
      if (rsa) {
        add("RS/PS confusion, signed by this key", JwsSigner.of(signer.keyPair(), rsaTwin(algorithm), signer.kid())
            .sign(claims()));
      }
      byte[] der = signer.keyPair().getPublic().getEncoded();
      String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
          + "\n-----END PUBLIC KEY-----\n";
      add("HS256 keyed with the public key (DER)", hs256(der, payloadJson));
      add("HS256 keyed with the public key (PEM)", hs256(pem.getBytes(StandardCharsets.US_ASCII), payloadJson));
      add("payload tampered, signature kept", TestTokens.withPayload(valid, TestKeys.json(claimsWith("sub", "admin"))));
      add("header tampered, signature kept",
          TestTokens.withHeader(valid, TestKeys.json(signer.header(extra("x-trace", "abc")))));
      byte[] signature = Base64Url.decode(parts[2]);
      byte[] flipped = signature.clone();
      flipped[0] ^= 1;
      add("signature with a bit flipped", parts[0] + "." + parts[1] + "." + Base64Url.encode(flipped));
      add("signature truncated by a byte",
          parts[0] + "." + parts[1] + "." + Base64Url.encode(Arrays.copyOf(signature, signature.length - 1)));
      add("signature extended by a zero byte",
          parts[0] + "." + parts[1] + "." + Base64Url.encode(Arrays.copyOf(signature, signature.length + 1)));
      add("signature empty", parts[0] + "." + parts[1] + ".");
      add("signed by another key under this kid", JwsSigner.of(foreignKey(), algorithm, signer.kid()).sign(claims()));
      JwsSigner attacker = JwsSigner.of(foreignKey(), algorithm, signer.kid());
      add("jwk header with the signer's own key", attacker.sign(extra("jwk", attacker.publicJwkWithoutIds()),
          claims()));
      add("four segments", valid + ".");
      add("two segments", parts[0] + "." + parts[1]);
      add("a trailing newline", valid + "\n");
      add("a leading space", " " + valid);
      String standard = TestTokens.b64(TestKeys.json(claimsWith("note", "??????"))).replace('-', '+').replace('_', '/');
      if (standard.indexOf('/') < 0) {
        throw new IllegalStateException("\"??????\" encodes to a '/' in standard base64 at any offset");
      }
      add("standard base64 alphabet in the payload", signer.signSegments(parts[0], standard));
      add("payload a JSON array", signer.signRaw(headerJson, "[" + payloadJson + "]"));
      add("payload not JSON", signer.signRaw(headerJson, "not json"));
      add("header not JSON", signer.signRaw("alg=" + algorithm, payloadJson));
      add("header with a byte order mark", signer.signBytes(
          ("\uFEFF" + headerJson).getBytes(StandardCharsets.UTF_8), payloadJson.getBytes(StandardCharsets.UTF_8)));
      if (!rsa) {
        add("DER-encoded ECDSA signature", parts[0] + "." + parts[1] + "." + Base64Url.encode(derSignature(
            (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII))));
        add("ECDSA r = s = 0", parts[0] + "." + parts[1] + "." + Base64Url.encode(new byte[signature.length]));
      }
      add("expired an hour ago", signer.sign(times(now - 7200, now - 3600)));
      add("nbf an hour ahead", signer.sign(claimsWith("nbf", now + 3600)));
      add("iat an hour ahead", signer.sign(claimsWith("iat", now + 3600)));
      add("iss of another issuer", signer.sign(claimsWith("iss", "https://other.example")));
      add("aud of another service", signer.sign(claimsWith("aud", List.of("https://other.example/"))));
      add("exp a string", signer.sign(claimsWith("exp", String.valueOf(now + 3600))));

      // accepted by java-jwt only
      add("kid unknown to the JWKS", signer.withKid("unknown-kid").sign(claims()));
      add("kid of the key of another algorithm", signer.withKid(signers.get(sibling(algorithm)).kid()).sign(claims()));
      add("kid an empty string", signer.withKid("").sign(claims()));
      add("kid a number", signer.sign(extra("kid", 7), claims()));
      add("kid longer than 256 characters", signer.withKid("k".repeat(257)).sign(claims()));
      add("crit naming exp", signer.sign(extra("crit", List.of("exp")), claims()));
      add("b64 false under crit", signer.sign(extra("b64", false, "crit", List.of("b64")), claims()));
      add("b64 true without crit", signer.sign(extra("b64", true), claims()));
      add("cty JWT (nested)", signer.sign(extra("cty", "JWT"), claims()));
      add("enc in a JWS header", signer.sign(extra("enc", "A128GCM"), claims()));
      add("zip in a JWS header", signer.sign(extra("zip", "DEF"), claims()));
      add("duplicate alg, none then the real one", signer.signRaw("{\"alg\":\"none\"," + headerJson.substring(1),
          payloadJson));
      add("duplicate claim sub", signer.signRaw(headerJson,
          payloadJson.substring(0, payloadJson.length() - 1) + ",\"sub\":\"admin\"}"));
      add("duplicate claim exp, expired then valid", signer.signRaw(headerJson,
          "{\"exp\":" + (now - 7200) + "," + payloadJson.substring(1)));
      String unalignedHeader = TestTokens.b64(unaligned(headerJson));
      String unalignedPayload = TestTokens.b64(unaligned(payloadJson));
      add("padding on the header segment", signer.signSegments(padded(unalignedHeader), unalignedPayload));
      add("padding on the payload segment", signer.signSegments(unalignedHeader, padded(unalignedPayload)));
      add("non-canonical last character of the header segment",
          signer.signSegments(nonCanonical(unalignedHeader), unalignedPayload));
      add("non-canonical last character of the payload segment",
          signer.signSegments(unalignedHeader, nonCanonical(unalignedPayload)));
      if (parts[2].length() % 4 != 0) { // RSA 2048 and P-256 signatures; P-384 and P-521 ones fill whole groups
        add("padding on the signature", parts[0] + "." + parts[1] + "." + padded(parts[2]));
        add("non-canonical last character of the signature", parts[0] + "." + parts[1] + "." + nonCanonical(parts[2]));
      }
      add("exp missing", signer.sign(claimsWith("exp", null)));
      add("invalid UTF-8 in a claim", signer.signBytes(headerJson.getBytes(StandardCharsets.UTF_8),
          payloadJson.replace("user-123", "user-\u00ff").getBytes(StandardCharsets.ISO_8859_1)));
      add("lone surrogate escape in a claim", signer.signRaw(headerJson, payloadJson.replace("user-123", "\\ud800")));
      add("a claim nested 20 levels deep", signer.signRaw(headerJson,
          payloadJson.substring(0, payloadJson.length() - 1) + ",\"deep\":" + "[".repeat(20) + "]".repeat(20) + "}"));
      add("a claim with a 70-digit number", signer.signRaw(headerJson,
          payloadJson.substring(0, payloadJson.length() - 1) + ",\"n\":" + "7".repeat(70) + "}"));
      add("token over 8 KiB", signer.sign(claimsWith("padding", "x".repeat(9000))));
    }

    private Map<String, Object> claims() {
      return TestTokens.claims(ISSUER, DATASTORE_ENDPOINT, now, 3600);
    }

    private Map<String, Object> claimsWith(String name, Object value) {
      Map<String, Object> claims = claims();
      if (value == null) {
        claims.remove(name);
      } else {
        claims.put(name, value);
      }
      return claims;
    }

    private Map<String, Object> times(long issuedAt, long expiresAt) {
      Map<String, Object> claims = claims();
      claims.put("iat", issuedAt);
      claims.put("nbf", issuedAt);
      claims.put("exp", expiresAt);
      return claims;
    }

    private String hs256(byte[] secret, String payloadJson) {
      return TestTokens.signHmac("HmacSHA256", secret,
          "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + signer.kid() + "\"}", payloadJson);
    }

    /** A key of this algorithm's type that the JWKS does not have. */
    private KeyPair foreignKey() {
      return algorithm.keyType().equals("RSA") ? signers.get(sibling(algorithm)).keyPair()
          : TestKeys.ec(algorithm.curve());
    }

    private byte[] derSignature(byte[] signingInput) {
      try {
        Signature ecdsa = Signature.getInstance("SHA" + algorithm.name().substring(2) + "withECDSA");
        ecdsa.initSign(signer.privateKey());
        ecdsa.update(signingInput);
        return ecdsa.sign();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The other valid ECDSA signature of the same input: (r, n - s). */
    private String highS(String signature) {
      byte[] raw = Base64Url.decode(signature);
      int half = raw.length / 2;
      BigInteger n = ((ECPublicKey) signer.keyPair().getPublic()).getParams().getOrder();
      BigInteger s = new BigInteger(1, Arrays.copyOfRange(raw, half, raw.length));
      byte[] twin = raw.clone();
      System.arraycopy(TestKeys.fixedLength(n.subtract(s), half), 0, twin, half, half);
      return Base64Url.encode(twin);
    }
  }

  private static JwsAlgorithm sibling(JwsAlgorithm algorithm) {
    return switch (algorithm) {
      case RS256 -> JwsAlgorithm.RS384;
      case RS384 -> JwsAlgorithm.RS512;
      case RS512 -> JwsAlgorithm.RS256;
      case PS256 -> JwsAlgorithm.PS384;
      case PS384 -> JwsAlgorithm.PS512;
      case PS512 -> JwsAlgorithm.PS256;
      case ES256 -> JwsAlgorithm.ES384;
      case ES384 -> JwsAlgorithm.ES512;
      case ES512 -> JwsAlgorithm.ES256;
      case EdDSA -> throw new IllegalArgumentException("no EdDSA here");
    };
  }

  /** RS256 for PS256 and the other way round: the same RSA key, the other padding. */
  private static JwsAlgorithm rsaTwin(JwsAlgorithm algorithm) {
    String name = algorithm.name();
    return JwsAlgorithm.valueOf((name.startsWith("RS") ? "PS" : "RS") + name.substring(2));
  }

  /** Header members to add; a {@code null} value removes one. */
  private static Map<String, Object> extra(Object... pairs) {
    Map<String, Object> extra = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      extra.put((String) pairs[i], pairs[i + 1]);
    }
    return extra;
  }

  /** A flat JSON object with white space around every token. */
  private static String spaced(Map<String, Object> members) {
    return members.entrySet().stream()
        .map(e -> TestKeys.json(e.getKey()) + " : " + TestKeys.json(e.getValue()))
        .collect(Collectors.joining(" ,\n  ", "{\n  ", "\n}\n"));
  }

  /** The JSON text with spaces before its closing brace until its base64url does not fill whole 4-character groups. */
  private static String unaligned(String json) {
    String out = json;
    while (TestTokens.b64(out).length() % 4 == 0) {
      out = out.substring(0, out.length() - 1) + " }";
    }
    return out;
  }

  private static String padded(String segment) {
    return segment + "=".repeat((4 - segment.length() % 4) % 4);
  }

  /** The same bytes, spelled with a non-zero spare bit in the last character. */
  private static String nonCanonical(String segment) {
    char last = segment.charAt(segment.length() - 1);
    return segment.substring(0, segment.length() - 1) + BASE64URL.charAt(BASE64URL.indexOf(last) | 1);
  }

  private static String summary(String corpus, List<Outcome> outcomes) {
    Map<String, Long> onlyJavaJwt = new TreeMap<>(outcomes.stream().filter(Outcome::javaJwtOnly)
        .collect(Collectors.groupingBy(o -> o.category() + " -> " + o.ours().orElseThrow(), Collectors.counting())));
    return "SECOND OPINION " + corpus + ": " + outcomes.size() + " tokens, accepted by both "
        + outcomes.stream().filter(Outcome::both).count() + ", refused by both "
        + outcomes.stream().filter(Outcome::neither).count() + ", java-jwt only "
        + outcomes.stream().filter(Outcome::javaJwtOnly).count() + " " + onlyJavaJwt + ", ours only "
        + outcomes.stream().filter(Outcome::oursOnly).count();
  }
}
