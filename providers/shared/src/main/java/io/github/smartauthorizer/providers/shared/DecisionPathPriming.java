package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.HealthLakeRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What {@link JwtValidator#prime} runs after the key prefetch, with no network, so that the code a first JWT decision
 * runs is loaded and compiled before a SnapStart checkpoint rather than on the first request after a restore: RS256
 * and ES256 signatures of key pairs generated on the spot are verified through {@link VerificationKey} (the JDK's RSA
 * and EC code and our shape checks), and tokens signed by them go {@value #ROUNDS} times through the validator's own
 * pipeline (front door, header rules, signature, claim rules, normalization) with the throwaway key handed in
 * directly instead of looked up in the key cache.
 *
 * <p>Nothing here is trusted or kept: the key pairs exist only during priming, are never put in a key cache, and the
 * priming tokens they sign verify only against the key handed in with them, which no request can do; the results are
 * discarded. No token of a request is involved and nothing is logged.
 */
final class DecisionPathPriming {
  /** Rounds of each priming token through the pipeline (a tenth of the decisions the handler used to prime). */
  static final int ROUNDS = 30;
  /** Priming stops after this long even when the rounds are not done (a slow or throttled init). */
  static final Duration MAX_TIME = Duration.ofSeconds(2);
  /** The {@code kid} of the priming keys and tokens. */
  static final String PRIMING_KID = "smart-authorizer-priming";
  /** The data store of the priming request. */
  static final String PRIMING_DATASTORE =
      "https://healthlake.us-east-1.amazonaws.com/datastore/00000000000000000000000000000000/r4/";

  /** A self-made token and the throwaway key that verifies it. */
  record Primer(String token, VerificationKey key) {}

  private DecisionPathPriming() {}

  /**
   * An RS256 and an ES256 access token, SMART-shaped, each signed by a key pair generated now.
   *
   * @param issuer the {@code iss} (the validator's own, so that the claim rules run to the end)
   * @param audience the {@code aud}
   * @param type the header {@code typ}
   * @param now the {@code iat} and {@code nbf}, by the validator's clock
   * @throws GeneralSecurityException when the JDK lacks RSA or P-256 (not a JDK Lambda runs)
   */
  static List<Primer> primers(String issuer, String audience, String type, Instant now)
      throws GeneralSecurityException {
    KeyPair rsa = keyPair("RSA", null);
    KeyPair ec = keyPair("EC", new ECGenParameterSpec("secp256r1"));
    return List.of(
        new Primer(selfMadeToken(JwsAlgorithm.RS256, "SHA256withRSA", rsa, issuer, audience, type, now),
            new VerificationKey(PRIMING_KID, JwsAlgorithm.RS256, rsa.getPublic())),
        new Primer(selfMadeToken(JwsAlgorithm.ES256, "SHA256withECDSAinP1363Format", ec, issuer, audience, type, now),
            new VerificationKey(PRIMING_KID, JwsAlgorithm.ES256, ec.getPublic())));
  }

  /** The request the priming tokens are decided for: a search on a data store that does not exist. */
  static HealthLakeRequest request(String token) {
    return HealthLakeRequest.builder()
        .datastoreEndpoint(PRIMING_DATASTORE)
        .operationName("SearchWithGet")
        .bearerToken(token)
        .datastoreId("00000000000000000000000000000000")
        .build();
  }

  /** Verifies a primer's signature through {@link VerificationKey} alone; whether it verified. */
  static boolean verifySignature(Primer primer) {
    String token = primer.token();
    int lastDot = token.lastIndexOf('.');
    return primer.key().verify(token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII),
        Base64Url.decode(token.substring(lastDot + 1)));
  }

  private static KeyPair keyPair(String algorithm, ECGenParameterSpec curve) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    if (curve != null) {
      generator.initialize(curve);
    } else {
      generator.initialize(2048);
    }
    return generator.generateKeyPair();
  }

  private static String selfMadeToken(JwsAlgorithm algorithm, String jdkName, KeyPair keyPair, String issuer,
      String audience, String type, Instant now) throws GeneralSecurityException {
    long seconds = now.getEpochSecond();
    String header = "{\"alg\":\"" + algorithm.name() + "\",\"typ\":" + json(type) + ",\"kid\":\"" + PRIMING_KID
        + "\"}";
    String payload = "{\"iss\":" + json(issuer) + ",\"sub\":\"priming\",\"aud\":" + json(audience) + ",\"iat\":"
        + seconds + ",\"nbf\":" + seconds + ",\"exp\":" + (seconds + 60) + ",\"scope\":\"launch/patient patient/*.rs\","
        + "\"fhirUser\":\"Practitioner/priming\",\"patient\":\"priming\"}";
    String signingInput = Base64Url.encode(header.getBytes(StandardCharsets.UTF_8)) + "."
        + Base64Url.encode(payload.getBytes(StandardCharsets.UTF_8));
    Signature signer = Signature.getInstance(jdkName);
    signer.initSign(keyPair.getPrivate());
    signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + Base64Url.encode(signer.sign());
  }

  /** A JSON string literal. */
  private static String json(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
