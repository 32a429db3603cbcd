package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.providers.shared.Base64Url;
import io.github.smartauthorizer.providers.shared.JwsAlgorithm;
import io.github.smartauthorizer.providers.shared.JwsSigner;
import io.github.smartauthorizer.providers.shared.TestKeys;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * attacks.md class 20, through the handler: weak or ambiguous keys in the issuer's JWKS (RFC 8725 §2.2, §3.5). Keys
 * that are too small, have a small exponent, are meant for encryption or carry private members are refused at load,
 * so tokens they sign are refused; a JWKS with duplicate {@code kid}s or any private key is refused whole, which with
 * no other keys is an IdP fault ({@code IDP_UNAVAILABLE}), never an accepted token.
 */
class WeakKeyAttacksTest {
  private static KeyPair rsa(int bits, BigInteger exponent) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(new RSAKeyGenParameterSpec(bits, exponent));
    return generator.generateKeyPair();
  }

  /** Serves a JWKS of these keys, builds an authorizer at init (as in Lambda) and presents a token of the signer. */
  private static AttackHarness.Outcome present(List<Map<String, Object>> keys, JwsSigner signer) {
    try (AttackHarness h = new AttackHarness()) {
      h.jwks.serve(TestKeys.jwks(keys));
      Authorizer authorizer = h.authorizer();
      return h.invoke(authorizer, signer.sign(h.claims()));
    }
  }

  @Test
  void class20AControlKeyIsAccepted() throws Exception {
    JwsSigner ok = JwsSigner.generate(JwsAlgorithm.RS256, "ok");
    present(List.of(ok.publicJwk()), ok).allowed();
  }

  @Test
  void class20SmallRsaKeysAndSmallExponentsAreRefusedAtLoad() throws Exception {
    JwsSigner small = JwsSigner.of(rsa(1024, RSAKeyGenParameterSpec.F4), JwsAlgorithm.RS256, "small");
    present(List.of(small.publicJwk()), small).denied(ReasonCode.UNKNOWN_KID);
    JwsSigner e3 = JwsSigner.of(rsa(2048, RSAKeyGenParameterSpec.F0), JwsAlgorithm.RS256, "e3");
    present(List.of(e3.publicJwk()), e3).denied(ReasonCode.UNKNOWN_KID);
    Map<String, Object> e1 = new LinkedHashMap<>(e3.publicJwk());
    e1.put("e", "AQ");
    present(List.of(e1), e3).denied(ReasonCode.UNKNOWN_KID);
  }

  @Test
  void class20KeysNotForVerificationAreRefusedAtLoad() {
    JwsSigner signer = JwsSigner.generate(JwsAlgorithm.ES256, "k");
    Map<String, Object> enc = new LinkedHashMap<>(signer.publicJwk());
    enc.put("use", "enc");
    present(List.of(enc), signer).denied(ReasonCode.UNKNOWN_KID);
    Map<String, Object> encrypt = new LinkedHashMap<>(signer.publicJwk());
    encrypt.remove("use");
    encrypt.put("key_ops", List.of("encrypt", "decrypt"));
    present(List.of(encrypt), signer).denied(ReasonCode.UNKNOWN_KID);
  }

  @Test
  void class20DuplicateKidsOrPrivateMembersRefuseTheWholeSet() throws Exception {
    JwsSigner one = JwsSigner.generate(JwsAlgorithm.RS256, "dup");
    JwsSigner two = JwsSigner.generate(JwsAlgorithm.RS256, "dup");
    present(List.of(one.publicJwk(), two.publicJwk()), one).denied(ReasonCode.IDP_UNAVAILABLE);
    present(List.of(one.publicJwk(), two.publicJwk()), two).denied(ReasonCode.IDP_UNAVAILABLE);

    JwsSigner signer = JwsSigner.generate(JwsAlgorithm.RS256, "priv");
    RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
        .translateKey(signer.privateKey());
    Map<String, Object> withPrivate = new LinkedHashMap<>(signer.publicJwk());
    withPrivate.put("d", TestKeys.unsigned(privateKey.getPrivateExponent()));
    present(List.of(withPrivate), signer).denied(ReasonCode.IDP_UNAVAILABLE);

    Map<String, Object> symmetric = Map.of("kty", "oct", "kid", "hs", "alg", "HS256",
        "k", Base64Url.encode(new byte[32]));
    present(List.of(signer.publicJwk(), symmetric), signer).denied(ReasonCode.IDP_UNAVAILABLE);
  }
}
