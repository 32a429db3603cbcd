package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.providers.shared.Base64Url;
import io.github.smartauthorizer.providers.shared.JwsAlgorithm;
import io.github.smartauthorizer.providers.shared.JwsSigner;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestTokens;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * attacks.md classes 1, 2, 8, 9 and 10, through the handler: {@code alg: none} (RFC 8725 §2.1, RFC 7518 §3.6),
 * HS256 keyed with a public key (CVE-2015-9235, RFC 8725 §3.1), psychic ECDSA signatures (CVE-2022-21449), signature
 * encoding and length (RFC 7518 §3.3-3.5, RFC 8032 §5.1.7), wrong primitive or curve.
 */
class Rfc8725AlgorithmAttacksTest {
  private static AttackHarness h;

  @BeforeAll
  static void start() {
    h = new AttackHarness();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static String b64(String json) {
    return TestTokens.b64(json);
  }

  @Test
  void controlEveryPublishedAlgorithmIsAllowed() {
    for (JwsSigner signer : h.signers()) {
      h.invoke(signer.sign(h.claims())).allowed();
    }
  }

  // --- class 1: alg none (RFC 8725 §2.1) ---

  @ParameterizedTest
  @ValueSource(strings = {"{\"alg\":\"none\"}", "{\"alg\":\"None\"}", "{\"alg\":\"NONE\"}", "{\"alg\":\"nOnE\"}",
      "{\"typ\":\"JWT\"}", "{\"alg\":null}", "{\"alg\":\"\"}", "{\"alg\":[\"RS256\"]}", "{\"alg\":\"RS256 \"}",
      "{\"alg\":\"rs256\"}", "{\"alg\":\"none\",\"kid\":\"rsa-1\"}", "{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}",
      "{\"alg\":\"ES256K\",\"kid\":\"ec-1\"}", "{\"alg\":\"Ed25519\",\"kid\":\"ed-1\"}",
      "{\"alg\":\"ES512\",\"kid\":\"ec-1\"}", "{\"alg\":\"RS384\",\"kid\":\"rsa-1\"}"})
  void class01AlgNoneOrAnythingOutsideTheExactAllowListIsRefused(String header) {
    String payload = b64(h.claimsJson());
    String valid = h.rs256.sign(h.claims());
    String keptSignature = valid.substring(valid.lastIndexOf('.') + 1);
    h.invoke(b64(header) + "." + payload + ".").denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(b64(header) + "." + payload + "." + keptSignature).denied(ReasonCode.ALG_NOT_ALLOWED);
  }

  @Test
  void class01NoneCannotBeConfigured() {
    for (String list : List.of("none", "RS256,none", "HS256", "rs256")) {
      ConfigurationException e = assertThrows(ConfigurationException.class,
          () -> Authorizer.builder().environment(h.environment("AUTHORIZER_ALGORITHMS", list)).clock(h.clock)
              .logStream(h.log.stream).build());
      assertEquals("AUTHORIZER_ALGORITHMS", e.variable(), list);
    }
  }

  // --- class 2: HS256 with the public key as the HMAC secret (CVE-2015-9235) ---

  private static String pem(String type, byte[] der, boolean trailingNewline) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----" + (trailingNewline ? "\n" : "");
  }

  private static String hs256(String kid, byte[] secret) throws Exception {
    String signingInput = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}") + "." + b64(h.claimsJson());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    return signingInput + "." + Base64Url.encode(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void class02Hs256KeyedWithAnyEncodingOfAPublicKeyIsRefused() throws Exception {
    RSAPublicKey rsa = (RSAPublicKey) h.rs256.keyPair().getPublic();
    byte[] spki = rsa.getEncoded();
    byte[] pkcs1 = Arrays.copyOfRange(spki, 24, spki.length);
    List<byte[]> rsaSecrets = new ArrayList<>();
    rsaSecrets.add(pem("PUBLIC KEY", spki, true).getBytes(StandardCharsets.US_ASCII));
    rsaSecrets.add(pem("PUBLIC KEY", spki, false).getBytes(StandardCharsets.US_ASCII));
    rsaSecrets.add(pem("RSA PUBLIC KEY", pkcs1, true).getBytes(StandardCharsets.US_ASCII));
    rsaSecrets.add(spki);
    rsaSecrets.add(TestKeys.json(h.rs256.publicJwk()).getBytes(StandardCharsets.UTF_8));
    rsaSecrets.add(TestKeys.fixedLength(rsa.getModulus(), 256));
    for (byte[] secret : rsaSecrets) {
      h.invoke(hs256("rsa-1", secret)).denied(ReasonCode.ALG_NOT_ALLOWED);
    }
    byte[] ecSpki = h.es256.keyPair().getPublic().getEncoded();
    h.invoke(hs256("ec-1", pem("PUBLIC KEY", ecSpki, true).getBytes(StandardCharsets.US_ASCII)))
        .denied(ReasonCode.ALG_NOT_ALLOWED);
    h.invoke(hs256("ed-1", h.eddsa.ed25519RawPublicKey())).denied(ReasonCode.ALG_NOT_ALLOWED);
  }

  // --- class 8: psychic ECDSA signatures (CVE-2022-21449) ---

  private static String withSignature(String token, byte[] signature) {
    return token.substring(0, token.lastIndexOf('.') + 1) + Base64Url.encode(signature);
  }

  private static byte[] rs(BigInteger r, BigInteger s, int half) {
    byte[] out = new byte[2 * half];
    System.arraycopy(TestKeys.fixedLength(r, half), 0, out, 0, half);
    System.arraycopy(TestKeys.fixedLength(s, half), 0, out, half, half);
    return out;
  }

  @Test
  void class08PsychicEcdsaSignaturesAreRefused() {
    String es256 = h.es256.sign(h.claims());
    String zeros = es256.substring(0, es256.lastIndexOf('.') + 1) + "A".repeat(86);
    h.invoke(zeros).denied(ReasonCode.BAD_SIGNATURE);
    BigInteger n = ((ECPublicKey) h.es256.keyPair().getPublic()).getParams().getOrder();
    h.invoke(withSignature(es256, rs(n, n, 32))).denied(ReasonCode.BAD_SIGNATURE);
    h.invoke(withSignature(es256, rs(BigInteger.ZERO, BigInteger.ONE, 32))).denied(ReasonCode.BAD_SIGNATURE);
    h.invoke(withSignature(es256, rs(BigInteger.ONE, BigInteger.ZERO, 32))).denied(ReasonCode.BAD_SIGNATURE);
    h.invoke(withSignature(h.es384.sign(h.claims()), new byte[96])).denied(ReasonCode.BAD_SIGNATURE);
  }

  // --- class 9: signature encoding and length ---

  @Test
  void class09DerEncodedEcdsaIsRefused() throws Exception {
    String token = h.es256.sign(h.claims());
    Signature der = Signature.getInstance("SHA256withECDSA");
    der.initSign(h.es256.privateKey());
    der.update(token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII));
    h.invoke(withSignature(token, der.sign())).denied(ReasonCode.BAD_SIGNATURE);
  }

  @Test
  void class09SignaturesOneByteLongerOrShorterAreRefused() {
    for (JwsSigner signer : h.signers()) {
      String token = signer.sign(h.claims());
      byte[] signature = Base64Url.decode(token.substring(token.lastIndexOf('.') + 1));
      byte[] leading = new byte[signature.length + 1];
      System.arraycopy(signature, 0, leading, 1, signature.length);
      h.invoke(withSignature(token, leading)).denied(ReasonCode.BAD_SIGNATURE);
      h.invoke(withSignature(token, Arrays.copyOf(signature, signature.length + 1))).denied(ReasonCode.BAD_SIGNATURE);
      h.invoke(withSignature(token, Arrays.copyOf(signature, signature.length - 1))).denied(ReasonCode.BAD_SIGNATURE);
    }
  }

  @Test
  void class09Ed25519WithSPlusLIsRefused() {
    String token = h.eddsa.sign(h.claims());
    byte[] signature = Base64Url.decode(token.substring(token.lastIndexOf('.') + 1));
    BigInteger order = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    byte[] s = new byte[32];
    for (int i = 0; i < 32; i++) {
      s[i] = signature[63 - i];
    }
    byte[] plusL = TestKeys.fixedLength(new BigInteger(1, s).add(order), 32);
    for (int i = 0; i < 32; i++) {
      signature[32 + i] = plusL[31 - i];
    }
    h.invoke(withSignature(token, signature)).denied(ReasonCode.BAD_SIGNATURE);
  }

  @Test
  void class09TheMalleableEcdsaTwinIsAcceptedAsJwsHasNoLowSRule() {
    String token = h.es256.sign(h.claims());
    byte[] signature = Base64Url.decode(token.substring(token.lastIndexOf('.') + 1));
    BigInteger n = ((ECPublicKey) h.es256.keyPair().getPublic()).getParams().getOrder();
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    System.arraycopy(TestKeys.fixedLength(n.subtract(s), 32), 0, signature, 32, 32);
    h.invoke(withSignature(token, signature)).allowed();
  }

  // --- class 10: wrong primitive or curve ---

  @Test
  void class10Ps256HeaderOverAPkcs1SignatureIsRefused() {
    JwsSigner pkcs1WithPsKey = JwsSigner.of(h.ps256.keyPair(), JwsAlgorithm.RS256, "ps-1");
    String header = b64("{\"alg\":\"PS256\",\"typ\":\"JWT\",\"kid\":\"ps-1\"}");
    String signingInput = header + "." + b64(h.claimsJson());
    byte[] pkcs1 = pkcs1WithPsKey.signature(signingInput.getBytes(StandardCharsets.US_ASCII));
    h.invoke(signingInput + "." + Base64Url.encode(pkcs1)).denied(ReasonCode.BAD_SIGNATURE);
  }

  @Test
  void class10AnAlgorithmOtherThanTheKeysIsRefused() {
    JwsSigner rsWithPsKey = JwsSigner.of(h.ps256.keyPair(), JwsAlgorithm.RS256, "ps-1");
    h.invoke(rsWithPsKey.sign(h.claims())).denied(ReasonCode.ALG_NOT_ALLOWED);
    JwsSigner psWithRsKey = JwsSigner.of(h.rs256.keyPair(), JwsAlgorithm.PS256, "rsa-1");
    h.invoke(psWithRsKey.sign(h.claims())).denied(ReasonCode.ALG_NOT_ALLOWED);
    JwsSigner es256NamingTheP384Key = h.es256.withKid("ec384-1");
    h.invoke(es256NamingTheP384Key.sign(h.claims())).denied(ReasonCode.ALG_NOT_ALLOWED);
    h.invoke(h.es384.withKid("ec-1").sign(h.claims())).denied(ReasonCode.ALG_NOT_ALLOWED);
  }

  @Test
  void class10ARsaKeyWithoutAlgIsNotUsableWhenBothRsAndPsAreAllowed() throws Exception {
    Map<String, Object> noAlg = new java.util.LinkedHashMap<>(h.rs256.publicJwk());
    noAlg.remove("alg");
    try (AttackHarness other = new AttackHarness()) {
      other.jwks.serve(TestKeys.jwks(noAlg));
      Authorizer authorizer = other.authorizer();
      String token = JwsSigner.of(h.rs256.keyPair(), JwsAlgorithm.RS256, "rsa-1").sign(other.claims());
      other.invoke(authorizer, token).denied(ReasonCode.UNKNOWN_KID);
      Authorizer rsOnly = other.authorizer("AUTHORIZER_ALGORITHMS", "RS256,ES256");
      other.invoke(rsOnly, token).allowed();
    }
  }
}
