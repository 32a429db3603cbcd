package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The key policy added for PS256/384/512 and EdDSA, ROCA and Ed25519 point checks (attack class 20). */
class JwkSetParserHardeningTest {
  private static JwkSetParser.Result parse(Set<JwsAlgorithm> allowed, Map<String, Object> jwk) throws Exception {
    return new JwkSetParser(allowed).parse(TestKeys.jwks(jwk));
  }

  @Test
  void anRsaKeyWithoutAlgBindsOnlyWhenOneRsaFamilyAlgorithmIsAllowed() throws Exception {
    JwsSigner signer = JwsSigner.generate(JwsAlgorithm.PS256, "r1");
    Map<String, Object> noAlg = new LinkedHashMap<>(signer.publicJwk());
    noAlg.remove("alg");
    assertEquals(JwsAlgorithm.PS256, parse(EnumSet.of(JwsAlgorithm.PS256, JwsAlgorithm.ES256), noAlg)
        .keys().byKid("r1").orElseThrow().algorithm());
    JwkSetParser.Result both = parse(EnumSet.of(JwsAlgorithm.RS256, JwsAlgorithm.PS256), noAlg);
    assertEquals(0, both.keys().size(), "RS256 and PS256 both fit: the key is skipped, never bound to both");
  }

  @Test
  void anRsaKeyWithAlgIsBoundToThatAlgorithmOnly() throws Exception {
    JwsSigner signer = JwsSigner.generate(JwsAlgorithm.PS384, "r1");
    JwkSet keys = parse(EnumSet.of(JwsAlgorithm.RS384, JwsAlgorithm.PS384), signer.publicJwk()).keys();
    assertEquals(JwsAlgorithm.PS384, keys.byKid("r1").orElseThrow().algorithm());
    assertTrue(keys.soleKeyFor(JwsAlgorithm.RS384).isEmpty());
  }

  @Test
  void loadsEd25519KeysForEdDsa() throws Exception {
    JwsSigner signer = JwsSigner.generate(JwsAlgorithm.EdDSA, "ed");
    VerificationKey key = parse(EnumSet.of(JwsAlgorithm.EdDSA), signer.publicJwk()).keys().byKid("ed").orElseThrow();
    byte[] input = "a.b".getBytes(StandardCharsets.US_ASCII);
    assertTrue(key.verify(input, signer.signature(input)));
    Map<String, Object> noAlg = new LinkedHashMap<>(signer.publicJwk());
    noAlg.remove("alg");
    assertEquals(1, parse(EnumSet.of(JwsAlgorithm.EdDSA), noAlg).keys().size(), "bound by its curve");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Ed448", "X25519", "P-256", ""})
  void skipsOkpKeysOfOtherCurves(String crv) throws Exception {
    Map<String, Object> jwk = new LinkedHashMap<>(JwsSigner.generate(JwsAlgorithm.EdDSA, "ed").publicJwk());
    jwk.put("crv", crv);
    assertEquals(0, parse(EnumSet.of(JwsAlgorithm.EdDSA), jwk).keys().size());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "0100000000000000000000000000000000000000000000000000000000000000",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "0000000000000000000000000000000000000000000000000000000000000000",
      "0000000000000000000000000000000000000000000000000000000000000080",
      "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
      "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
      "0200000000000000000000000000000000000000000000000000000000000000"})
  void skipsEd25519KeysOfSmallOrderNonCanonicalOrOffTheCurve(String hex) throws Exception {
    Map<String, Object> jwk = Map.of("kty", "OKP", "crv", "Ed25519", "alg", "EdDSA", "kid", "ed",
        "x", Base64Url.encode(HexFormat.of().parseHex(hex)));
    JwkSetParser.Result result = parse(EnumSet.of(JwsAlgorithm.EdDSA), jwk);
    assertEquals(0, result.keys().size(), hex);
    assertEquals(1, result.skipped().size());
  }

  @Test
  void skipsEd25519KeysOfTheWrongLength() throws Exception {
    for (int length : new int[] {0, 31, 33, 57}) {
      Map<String, Object> jwk = Map.of("kty", "OKP", "crv", "Ed25519", "alg", "EdDSA",
          "x", Base64Url.encode(new byte[length]));
      assertEquals(0, parse(EnumSet.of(JwsAlgorithm.EdDSA), jwk).keys().size(), "length " + length);
    }
  }

  @Test
  void refusesAnOkpJwksHoldingThePrivateKey() {
    Map<String, Object> jwk = new LinkedHashMap<>(JwsSigner.generate(JwsAlgorithm.EdDSA, "ed").publicJwk());
    jwk.put("d", Base64Url.encode(new byte[32]));
    org.junit.jupiter.api.Assertions.assertThrows(JwkSetParser.InvalidJwksException.class,
        () -> parse(EnumSet.of(JwsAlgorithm.EdDSA), jwk));
  }

  /** The public key of Wycheproof json_web_key_test.json tc 7 ("rejectsKeyWithRocaVulnerability"). */
  private static final String ROCA_N = "AanFpofbj7KjD4Lf-N2hVMKR7yewSyXhhbirIMTGpfYEhZ_lnt5UoK98DnKIgArXGTu3MaW_HhFw16HGaT"
      + "DUHqPrId7fe4r11CqRw09yBFuW79V8sYIwHdzCaWflUI6auImYbVfoN9_nD5n8N8SY9DwXw7mwZM9wREPXoDPgOoIWl6q_MPsp7n0zs3Z5ZaiQ"
      + "WOOzl1S9OhwAfSiiOwz6efnXEaxuTEtPd7BjSx7NaFka8Dx9U7YqXy2RFj1O9PjyaDGuRh7YXsX3iMUSP_wSyHQg_c_qHRtKUsNSGCT7OZg0hz"
      + "m2KphtjnayKJvC64vAbROBR4Ubg6Bxg9IQVZ-QYyE";

  @Test
  void skipsAnRsaKeyWithTheRocaFingerprint() throws Exception {
    assertTrue(RsaModuli.hasRocaFingerprint(new BigInteger(1, Base64Url.decode(ROCA_N))));
    Map<String, Object> jwk = Map.of("kty", "RSA", "alg", "RS256", "kid", "roca", "e", "AQAB", "n", ROCA_N);
    JwkSetParser.Result result = parse(EnumSet.of(JwsAlgorithm.RS256), jwk);
    assertEquals(0, result.keys().size());
    assertTrue(result.skipped().get(0).contains("ROCA"), result.skipped().toString());
  }

  @Test
  void freshRsaKeysDoNotHaveTheRocaFingerprint() {
    for (int i = 0; i < 5; i++) {
      assertFalse(RsaModuli.hasRocaFingerprint(((java.security.interfaces.RSAPublicKey) TestKeys.rsa().getPublic())
          .getModulus()));
    }
  }

  @Test
  void skipsKeysWhoseKeyOpsAreMalformed() throws Exception {
    Map<String, Object> base = JwsSigner.generate(JwsAlgorithm.ES256, "e1").publicJwk();
    for (Object ops : List.of(List.of("sign, verify"), List.of("verify", "verify"), List.of("verify", 1), "verify",
        List.of())) {
      Map<String, Object> jwk = new LinkedHashMap<>(base);
      jwk.put("key_ops", ops);
      assertEquals(0, parse(EnumSet.of(JwsAlgorithm.ES256), jwk).keys().size(), String.valueOf(ops));
    }
    Map<String, Object> ok = new LinkedHashMap<>(base);
    ok.put("key_ops", List.of("verify"));
    assertEquals(1, parse(EnumSet.of(JwsAlgorithm.ES256), ok).keys().size());
  }
}
