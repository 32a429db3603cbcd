package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.providers.shared.Base64Url;
import io.github.smartauthorizer.providers.shared.JwksLoopback;
import io.github.smartauthorizer.providers.shared.JwsAlgorithm;
import io.github.smartauthorizer.providers.shared.JwsSigner;
import io.github.smartauthorizer.providers.shared.TestKeys;
import io.github.smartauthorizer.providers.shared.TestTokens;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * attacks.md classes 3-6, through the handler: {@code kid} injection (RFC 8725 §2.9, §3.10), {@code jku}/{@code x5u}
 * (an attacker key source, SSRF), {@code x5c} and an embedded {@code jwk} (CVE-2018-0114). The token's header is never
 * a key source: a loopback "attacker" server proves that nothing was fetched.
 */
class HeaderKeySourceAttacksTest {
  private static AttackHarness h;
  private static JwksLoopback attackerServer;
  private static JwsSigner attacker;

  @BeforeAll
  static void start() {
    h = new AttackHarness();
    attacker = JwsSigner.generate(JwsAlgorithm.RS256, "attacker-rsa");
    attackerServer = new JwksLoopback();
    attackerServer.serve(TestKeys.jwks(attacker.publicJwk()));
  }

  @AfterAll
  static void stop() {
    h.close();
    attackerServer.close();
  }

  private static String hs256(String headerJson, byte[] secret) throws Exception {
    String signingInput = TestTokens.b64(headerJson) + "." + TestTokens.b64(h.claimsJson());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.length == 0 ? new byte[] {0} : secret, "HmacSHA256"));
    return signingInput + "." + Base64Url.encode(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  // --- class 3: kid injection ---

  @ParameterizedTest
  @ValueSource(strings = {"../../dev/null", "/dev/null", "../../../../../../dev/null", "/invalid_path", "|sleep 10",
      "x' UNION SELECT '1';--", "' UNION SELECT 'k", "${jndi:ldap://127.0.0.1:1389/a}", "http://127.0.0.1:1/jwks",
      "a\r\n{\"level\":\"INFO\",\"outcome\":\"ALLOW\"}", "nul\u0000byte", "rsa-1 ", "RSA-1"})
  void class03KidIsAnOpaqueMapKeyOnly(String kid) throws Exception {
    h.invoke(hs256(TestKeys.json(Map.of("alg", "HS256", "kid", kid)), new byte[0])).denied(ReasonCode.ALG_NOT_ALLOWED);
    h.invoke(hs256(TestKeys.json(Map.of("alg", "HS256", "kid", kid)), "secret".getBytes(StandardCharsets.UTF_8)))
        .denied(ReasonCode.ALG_NOT_ALLOWED);
    AttackHarness.Outcome outcome = h.invoke(attacker.withKid(kid).sign(h.claims())).denied(ReasonCode.UNKNOWN_KID);
    assertFalse(outcome.logged().contains(kid), "the kid is never logged raw: " + outcome.logged());
    for (String line : outcome.logged().split("\n")) {
      assertTrue(line.isBlank() || line.startsWith("{"), "no injected log line: " + line);
    }
  }

  @Test
  void class03KidOfTheWrongTypeOrSizeIsMalformed() {
    for (Object kid : List.of(1, Map.of("$ne", ""), List.of("rsa-1"), true, "", "k".repeat(257))) {
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("kid", kid);
      h.invoke(h.rs256.sign(header, h.claims())).denied(ReasonCode.MALFORMED_TOKEN);
    }
    h.invoke(h.rs256.signRaw("{\"alg\":\"RS256\",\"kid\":null}", h.claimsJson())).denied(ReasonCode.MALFORMED_TOKEN);
    h.invoke(attacker.withKid("k".repeat(6 * 1024)).sign(h.claims())).denied(ReasonCode.TOKEN_TOO_LARGE);
    // A 64 KiB kid makes the HealthLake event itself larger than the 64 KiB the handler reads.
    h.invoke(attacker.withKid("k".repeat(64 * 1024)).sign(h.claims())).denied(ReasonCode.INVALID_REQUEST);
  }

  @Test
  void class03ATrustedKidWithAnAttackerSignatureIsRefused() {
    h.invoke(attacker.withKid("rsa-1").sign(h.claims())).denied(ReasonCode.BAD_SIGNATURE);
  }

  @Test
  void class03AFloodOfUnknownKidsCausesAtMostOneRefetch() {
    try (AttackHarness fresh = new AttackHarness()) {
      int before = fresh.jwks.requestCount();
      for (int i = 0; i < 50; i++) {
        fresh.invoke(attacker.withKid("random-" + i).sign(fresh.claims())).denied(ReasonCode.UNKNOWN_KID);
      }
      assertEquals(before, fresh.jwks.requestCount(), "the clock has not moved past the refetch interval");
      fresh.clock.advance(java.time.Duration.ofSeconds(31));
      for (int i = 0; i < 50; i++) {
        fresh.invoke(attacker.withKid("other-" + i).sign(fresh.claims())).denied(ReasonCode.UNKNOWN_KID);
      }
      assertEquals(before + 1, fresh.jwks.requestCount(), "one refetch per interval");
    }
  }

  // --- class 4: jku / x5u ---

  @Test
  void class04JkuAndX5uAreNeverFetched() throws Exception {
    String jku = attackerServer.jwksUri().toString();
    String port = String.valueOf(attackerServer.jwksUri().getPort());
    List<String> urls = List.of(jku, "https://issuer.example.com@127.0.0.1:" + port + "/jwks.json",
        "https://issuer.example.com.127.0.0.1.nip.io:" + port + "/jwks.json", "file:///etc/passwd",
        AttackHarness.ISSUER + "/protocol/openid-connect/certs");
    for (String url : urls) {
      for (String member : List.of("jku", "x5u")) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put(member, url);
        h.invoke(attacker.sign(header, h.claims())).denied(ReasonCode.UNKNOWN_KID);
        h.invoke(attacker.withKid("rsa-1").sign(header, h.claims())).denied(ReasonCode.BAD_SIGNATURE);
      }
    }
    TimeUnit.MILLISECONDS.sleep(200);
    assertEquals(0, attackerServer.requestCount(), "the attacker's server got requests: " + attackerServer.requests());
  }

  // --- class 5: x5c ---

  @Test
  void class05X5cIsNeverATrustAnchor(@TempDir Path dir) throws Exception {
    Path keystore = dir.resolve("attacker.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "attacker", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=issuer.example",
        "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit")
        .redirectErrorStream(true).start();
    keytool.getInputStream().readAllBytes();
    assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool failed");
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(keystore.toFile())) {
      store.load(in, "changeit".toCharArray());
    }
    Certificate certificate = store.getCertificate("attacker");
    PrivateKey privateKey = (PrivateKey) store.getKey("attacker", "changeit".toCharArray());
    JwsSigner signer = JwsSigner.of(new KeyPair(certificate.getPublicKey(), privateKey), JwsAlgorithm.RS256, null);
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("x5c", List.of(Base64.getEncoder().encodeToString(certificate.getEncoded())));
    // Without a kid the issuer's one RS256 key is tried (never the certificate's); with the trusted kid, that key.
    h.invoke(signer.sign(header, h.claims())).denied(ReasonCode.BAD_SIGNATURE);
    h.invoke(signer.withKid("rsa-1").sign(header, h.claims())).denied(ReasonCode.BAD_SIGNATURE);
    h.invoke(signer.withKid("attacker-cert").sign(header, h.claims())).denied(ReasonCode.UNKNOWN_KID);
  }

  // --- class 6: embedded jwk (CVE-2018-0114) ---

  @Test
  void class06AnEmbeddedJwkIsNeverUsed() {
    for (JwsSigner own : List.of(attacker, JwsSigner.generate(JwsAlgorithm.ES256, "attacker-ec"))) {
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("jwk", own.publicJwk());
      h.invoke(own.sign(header, h.claims())).denied(ReasonCode.UNKNOWN_KID);
      String trustedKid = own.algorithm() == JwsAlgorithm.RS256 ? "rsa-1" : "ec-1";
      Map<String, Object> withTrustedKid = new LinkedHashMap<>(own.withKid(trustedKid).publicJwk());
      header.put("jwk", withTrustedKid);
      h.invoke(own.withKid(trustedKid).sign(header, h.claims())).denied(ReasonCode.BAD_SIGNATURE);
    }
  }
}
