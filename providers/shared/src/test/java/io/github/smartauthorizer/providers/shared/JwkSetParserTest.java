package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.providers.shared.JwkSetParser.InvalidJwksException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECFieldFp;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwkSetParserTest {
  private static KeyPair rsa;
  private static KeyPair rsa2;
  private static KeyPair p256;
  private static KeyPair p384;

  @BeforeAll
  static void keys() {
    rsa = TestKeys.rsa();
    rsa2 = TestKeys.rsa();
    p256 = TestKeys.ec("P-256");
    p384 = TestKeys.ec("P-384");
  }

  private static Map<String, Object> rsaJwk(String kid, String alg) {
    return TestKeys.rsaJwk((RSAPublicKey) rsa.getPublic(), kid, alg);
  }

  private static Map<String, Object> p256Jwk(String kid, String alg) {
    return TestKeys.ecJwk((ECPublicKey) p256.getPublic(), "P-256", kid, alg);
  }

  private static Map<String, Object> p384Jwk(String kid, String alg) {
    return TestKeys.ecJwk((ECPublicKey) p384.getPublic(), "P-384", kid, alg);
  }

  private static Map<String, Object> with(Map<String, Object> jwk, String member, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(jwk);
    if (value == null) {
      copy.remove(member);
    } else {
      copy.put(member, value);
    }
    return copy;
  }

  private static JwkSetParser.Result parse(Set<JwsAlgorithm> allowed, List<Map<String, Object>> keys)
      throws InvalidJwksException {
    return new JwkSetParser(allowed).parse(TestKeys.jwks(keys));
  }

  private static JwkSetParser.Result parse(List<Map<String, Object>> keys) throws InvalidJwksException {
    return parse(EnumSet.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256, JwsAlgorithm.ES384), keys);
  }

  /** Asserts the one key given is skipped while a good companion key is still parsed. */
  private static void assertSkipped(Set<JwsAlgorithm> allowed, Map<String, Object> bad) throws Exception {
    Map<String, Object> good = TestKeys.rsaJwk((RSAPublicKey) rsa2.getPublic(), "good", "RS256");
    Set<JwsAlgorithm> withRs256 = EnumSet.copyOf(allowed);
    withRs256.add(JwsAlgorithm.RS256);
    JwkSetParser.Result result = parse(withRs256, List.of(bad, good));
    assertEquals(1, result.keys().size(), "only the good key is kept");
    assertEquals("good", result.keys().keys().get(0).kid());
    assertEquals(1, result.skipped().size(), "the skip is reported");
  }

  private static void assertSkipped(Map<String, Object> bad) throws Exception {
    assertSkipped(EnumSet.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256, JwsAlgorithm.ES384), bad);
  }

  @Test
  void parsesRsaAndEcKeysEachBoundToItsAlgorithm() throws Exception {
    JwkSetParser.Result result = parse(List.of(
        rsaJwk("r1", "RS256"), p256Jwk("e1", "ES256"), p384Jwk("e2", "ES384")));
    assertEquals(List.of(), result.skipped());
    JwkSet keys = result.keys();
    assertEquals(3, keys.size());

    VerificationKey r1 = keys.byKid("r1").orElseThrow();
    assertEquals(JwsAlgorithm.RS256, r1.algorithm());
    assertEquals(((RSAPublicKey) rsa.getPublic()).getModulus(), ((RSAPublicKey) r1.publicKey()).getModulus());
    assertEquals(((RSAPublicKey) rsa.getPublic()).getPublicExponent(),
        ((RSAPublicKey) r1.publicKey()).getPublicExponent());

    VerificationKey e1 = keys.byKid("e1").orElseThrow();
    assertEquals(JwsAlgorithm.ES256, e1.algorithm());
    assertEquals(((ECPublicKey) p256.getPublic()).getW(), ((ECPublicKey) e1.publicKey()).getW());

    VerificationKey e2 = keys.byKid("e2").orElseThrow();
    assertEquals(JwsAlgorithm.ES384, e2.algorithm());
    assertEquals(((ECPublicKey) p384.getPublic()).getW(), ((ECPublicKey) e2.publicKey()).getW());

    assertTrue(keys.byKid("unknown").isEmpty());
  }

  @Test
  void parsedKeysVerifyTokensSignedWithTheirPrivateKeys() throws Exception {
    TestTokens rsaSigner = TestTokens.rs256("r1", rsa);
    TestTokens ecSigner = TestTokens.es256("e1");
    JwkSet keys = parse(List.of(rsaJwk("r1", "RS256"), ecSigner.publicJwk())).keys();
    Map<String, Object> claims = Map.of("sub", "alice");

    CompactJws rsaToken = CompactJws.parse(rsaSigner.sign(claims), 8192);
    CompactJws ecToken = CompactJws.parse(ecSigner.sign(claims), 8192);
    assertTrue(keys.byKid("r1").orElseThrow().verifies(rsaToken));
    assertTrue(keys.byKid("e1").orElseThrow().verifies(ecToken));
    assertFalse(keys.byKid("r1").orElseThrow().verifies(ecToken));
    assertFalse(keys.byKid("e1").orElseThrow().verifies(rsaToken));
  }

  @Test
  void acceptsTheJwkSetMediaTypeShapeWithExtraMembers() throws Exception {
    Map<String, Object> jwk = with(with(rsaJwk("r1", "RS256"), "x5t", "abc"), "key_ops", List.of("verify"));
    byte[] json = ("{\"keys\":[" + TestKeys.json(jwk) + "],\"extra\":true}").getBytes(StandardCharsets.UTF_8);
    assertEquals(1, new JwkSetParser(Set.of(JwsAlgorithm.RS256)).parse(json).keys().size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
  void refusesTheWholeSetWhenAnyKeyHoldsPrivateMembers(String member) {
    List<Map<String, Object>> keys = List.of(rsaJwk("r1", "RS256"), with(p256Jwk("e1", "ES256"), member, "AQAB"));
    assertThrows(InvalidJwksException.class, () -> parse(keys));
  }

  @Test
  void refusesTheWholeSetWhenTwoKeysShareAKid() {
    assertThrows(InvalidJwksException.class, () -> parse(List.of(rsaJwk("same", "RS256"), p256Jwk("same", "ES256"))));
    assertThrows(InvalidJwksException.class, () -> parse(List.of(rsaJwk("same", "RS256"), rsaJwk("same", "RS256"))));
  }

  @Test
  void refusesTheWholeSetForANonStringKid() {
    assertThrows(InvalidJwksException.class, () -> parse(List.of(with(rsaJwk("r1", "RS256"), "kid", 7L))));
    assertThrows(InvalidJwksException.class,
        () -> parse(List.of(with(rsaJwk("r1", "RS256"), "kid", Map.of("$ne", "x")))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[]", "{}", "{\"keys\":{}}", "{\"keys\":\"x\"}", "{\"keys\":[1]}", "{\"keys\":[[]]}",
      "{\"keys\":[]}x", "{\"keys\":[],\"keys\":[]}"})
  void refusesADocumentThatIsNotAJwks(String json) {
    assertThrows(InvalidJwksException.class,
        () -> new JwkSetParser(Set.of(JwsAlgorithm.RS256)).parse(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void anEmptyKeysArrayIsAnEmptySet() throws Exception {
    assertEquals(0, parse(List.of()).keys().size());
  }

  @Test
  void skipsEncryptionKeys() throws Exception {
    assertSkipped(with(p256Jwk("e1", "ES256"), "use", "enc"));
    assertSkipped(with(p256Jwk("e1", "ES256"), "use", "SIG"));
    assertSkipped(with(p256Jwk("e1", "ES256"), "use", List.of("sig")));
  }

  @Test
  void keepsKeysWithoutUse() throws Exception {
    assertEquals(1, parse(List.of(with(p256Jwk("e1", "ES256"), "use", null))).keys().size());
  }

  @Test
  void skipsKeysWhoseKeyOpsDoNotAllowVerify() throws Exception {
    assertSkipped(with(p256Jwk("e1", "ES256"), "key_ops", List.of("sign")));
    assertSkipped(with(p256Jwk("e1", "ES256"), "key_ops", List.of("encrypt", "wrapKey")));
    assertSkipped(with(p256Jwk("e1", "ES256"), "key_ops", List.of()));
    assertSkipped(with(p256Jwk("e1", "ES256"), "key_ops", "verify"));
    assertEquals(1, parse(List.of(with(p256Jwk("e1", "ES256"), "key_ops", List.of("verify")))).keys().size());
  }

  @Test
  void skipsRsaKeysUnder2048Bits() throws Exception {
    KeyPair small = TestKeys.rsa(1024);
    assertSkipped(TestKeys.rsaJwk((RSAPublicKey) small.getPublic(), "small", "RS256"));
  }

  @Test
  void skipsRsaKeysWithASmallOrEvenExponent() throws Exception {
    assertSkipped(with(rsaJwk("r1", "RS256"), "e", TestKeys.unsigned(BigInteger.valueOf(3))));
    assertSkipped(with(rsaJwk("r1", "RS256"), "e", TestKeys.unsigned(BigInteger.ONE)));
    assertSkipped(with(rsaJwk("r1", "RS256"), "e", TestKeys.unsigned(BigInteger.valueOf(65538))));
  }

  @Test
  void skipsKeysWithMissingOrBadKeyMaterial() throws Exception {
    assertSkipped(with(rsaJwk("r1", "RS256"), "n", null));
    assertSkipped(with(rsaJwk("r1", "RS256"), "n", "not base64url!"));
    assertSkipped(with(rsaJwk("r1", "RS256"), "n", ""));
    assertSkipped(with(rsaJwk("r1", "RS256"), "n", 12345L));
    assertSkipped(with(p256Jwk("e1", "ES256"), "x", null));
    assertSkipped(with(p256Jwk("e1", "ES256"), "y", "AB"));
  }

  @Test
  void skipsKeysWhoseAlgIsNotAllowed() throws Exception {
    assertSkipped(EnumSet.of(JwsAlgorithm.ES256), with(rsaJwk("r1", "RS256"), "alg", "RS384"));
    assertSkipped(EnumSet.of(JwsAlgorithm.RS256), p256Jwk("e1", "ES256"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"HS256", "none", "PS256", "rs256", "RS256 ", "EdDSA"})
  void skipsKeysWhoseAlgIsNotSupported(String alg) throws Exception {
    assertSkipped(with(rsaJwk("r1", "RS256"), "alg", alg));
  }

  @Test
  void skipsKeysWhoseAlgDisagreesWithTheirType() throws Exception {
    assertSkipped(rsaJwk("r1", "ES256"));
    assertSkipped(p256Jwk("e1", "RS256"));
    assertSkipped(p384Jwk("e2", "ES256"));
    assertSkipped(p256Jwk("e1", "ES384"));
    assertSkipped(with(p256Jwk("e1", "ES256"), "crv", null));
    assertSkipped(with(p256Jwk("e1", "ES256"), "alg", 256L));
  }

  @Test
  void skipsEcPointsNotOnTheCurve() throws Exception {
    ECPublicKey key = (ECPublicKey) p256.getPublic();
    BigInteger y = key.getW().getAffineY();
    assertSkipped(with(p256Jwk("e1", "ES256"), "y", Base64Url.encode(TestKeys.fixedLength(y.add(BigInteger.ONE), 32))));
    BigInteger p = ((ECFieldFp) key.getParams().getCurve().getField()).getP();
    assertSkipped(with(p256Jwk("e1", "ES256"), "x", Base64Url.encode(TestKeys.fixedLength(p, 32))));
    // The P-256 point presented as P-384 is not on P-384.
    assertSkipped(EnumSet.of(JwsAlgorithm.ES384), with(p256Jwk("e1", "ES384"), "crv", "P-384"));
    // (0, 0) is on no curve of ours.
    assertSkipped(with(with(p256Jwk("e1", "ES256"), "x", "AA"), "y", "AA"));
  }

  @Test
  void skipsSymmetricAndUnknownKeyTypes() throws Exception {
    assertSkipped(Map.of("kty", "oct", "kid", "h1", "alg", "HS256"));
    assertSkipped(Map.of("kty", "OKP", "kid", "ed", "crv", "Ed25519", "x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"));
    assertSkipped(Map.of("kid", "nokty", "n", "AQAB"));
  }

  @Test
  void bindsAKeyWithoutAlgToTheOnlyAllowedAlgorithmOfItsType() throws Exception {
    JwkSet keys = parse(EnumSet.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256),
        List.of(rsaJwk("r1", null), p256Jwk("e1", null))).keys();
    assertEquals(JwsAlgorithm.RS256, keys.byKid("r1").orElseThrow().algorithm());
    assertEquals(JwsAlgorithm.ES256, keys.byKid("e1").orElseThrow().algorithm());
  }

  @Test
  void bindsAnEcKeyWithoutAlgByItsCurve() throws Exception {
    JwkSet keys = parse(EnumSet.of(JwsAlgorithm.ES256, JwsAlgorithm.ES384),
        List.of(p256Jwk("e1", null), p384Jwk("e2", null))).keys();
    assertEquals(JwsAlgorithm.ES256, keys.byKid("e1").orElseThrow().algorithm());
    assertEquals(JwsAlgorithm.ES384, keys.byKid("e2").orElseThrow().algorithm());
  }

  @Test
  void skipsAKeyWithoutAlgWhenSeveralOrNoAllowedAlgorithmsFit() throws Exception {
    assertSkipped(EnumSet.of(JwsAlgorithm.RS256, JwsAlgorithm.RS384), rsaJwk("r1", null));
    assertSkipped(EnumSet.of(JwsAlgorithm.ES256), p384Jwk("e2", null));
    assertSkipped(EnumSet.of(JwsAlgorithm.RS256), p256Jwk("e1", null));
  }

  @Test
  void skipReasonsNeverQuoteTheKid() throws Exception {
    JwkSetParser.Result result = parse(List.of(with(rsaJwk("secret-kid-value", "RS256"), "use", "enc")));
    assertEquals(1, result.skipped().size());
    assertFalse(result.skipped().get(0).contains("secret-kid-value"), result.skipped().get(0));
  }

  @Test
  void keysWithoutKidAreKeptButNotFoundByKid() throws Exception {
    JwkSet keys = parse(List.of(rsaJwk(null, "RS256"))).keys();
    assertEquals(1, keys.size());
    assertNull(keys.keys().get(0).kid());
    assertTrue(keys.byKid("").isEmpty());
  }

  @Test
  void soleKeyForAnAlgorithmExistsOnlyWhenExactlyOneKeyIsBoundToIt() throws Exception {
    JwkSet one = parse(List.of(rsaJwk("r1", "RS256"), p256Jwk("e1", "ES256"))).keys();
    assertSame(one.byKid("r1").orElseThrow(), one.soleKeyFor(JwsAlgorithm.RS256).orElseThrow());
    assertTrue(one.soleKeyFor(JwsAlgorithm.ES384).isEmpty());

    JwkSet two = parse(List.of(rsaJwk("r1", "RS256"),
        TestKeys.rsaJwk((RSAPublicKey) rsa2.getPublic(), "r2", "RS256"))).keys();
    assertTrue(two.soleKeyFor(JwsAlgorithm.RS256).isEmpty(), "no guessing among keys");
  }
}
