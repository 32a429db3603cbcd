package io.github.smartauthorizer.examples.demo;

import io.github.smartauthorizer.lambda.Authorizer;
import io.github.smartauthorizer.lambda.Decision;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/**
 * The local demo: starts a real OpenID Connect issuer on loopback (mock-oauth2-server), configures the {@code jwks}
 * provider against it exactly as a Lambda would be configured, and shows, for a handful of SMART tokens, the HealthLake
 * event, the authorizer's response and the reason of each decision. Nothing leaves the machine.
 */
public final class LocalDemo {
  static final String ISSUER_ID = "smart";
  static final String DATASTORE_ENDPOINT =
      "https://healthlake.us-east-1.amazonaws.com/datastore/0123456789abcdef0123456789abcdef/r4/";
  static final String ROLE_ARN = "arn:aws:iam::111122223333:role/HealthLakeSmartDemo";
  static final String SMART_SCOPES =
      "launch/patient fhirUser patient/Patient.rs patient/Observation.rs?category=laboratory";

  private LocalDemo() {}

  public static void main(String[] args) throws Exception {
    MockOAuth2Server issuer = new MockOAuth2Server();
    issuer.start(InetAddress.getLoopbackAddress(), 0);
    try {
      run(issuer, System.out);
    } finally {
      issuer.shutdown();
    }
  }

  /** Runs every case and returns the decisions in order. */
  static List<Decision> run(MockOAuth2Server issuer, PrintStream out) throws Exception {
    String issuerUrl = issuer.issuerUrl(ISSUER_ID).toString();
    Map<String, String> environment = Map.of(
        "AUTHORIZER_PROVIDER", "jwks",
        "AUTHORIZER_ISSUER", issuerUrl,
        "AUTHORIZER_IAM_ROLE_ARN", ROLE_ARN);
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    PrintStream logStream = new PrintStream(logs, true, StandardCharsets.UTF_8);
    Authorizer authorizer = Authorizer.builder().environment(environment).logStream(logStream).build();

    out.println("== smart-authorizer local demo ==");
    out.println("Embedded issuer: " + issuerUrl);
    out.println("Configuration:");
    environment.forEach((k, v) -> out.println("  " + k + "=" + v));
    out.println();

    String valid = issue(issuer, List.of(DATASTORE_ENDPOINT), 3600);
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("A valid patient-scoped SMART token with fhirUser", valid);
    cases.put("An expired token", issue(issuer, List.of(DATASTORE_ENDPOINT), -600));
    cases.put("A token for another audience", issue(issuer, List.of("https://api.other.example/"), 3600));
    cases.put("A tampered token (scope widened, signature kept)", tamper(valid));
    cases.put("A token signed by an unknown key", signedByUnknownKey(issuerUrl));

    List<Decision> decisions = new java.util.ArrayList<>();
    int n = 1;
    for (Map.Entry<String, String> c : cases.entrySet()) {
      String event = event(c.getValue());
      logs.reset();
      Decision decision = authorizer.decide(event.getBytes(StandardCharsets.UTF_8));
      decisions.add(decision);
      out.println("-- " + n++ + ". " + c.getKey());
      out.println("event:    " + event.replace(c.getValue(), shorten(c.getValue())));
      out.println("response: " + decision.responseJson());
      out.println("decision: " + (decision.authorized() ? "ALLOW" : "DENY " + decision.reason() + " (" + decision.detail() + ")"));
      out.println();
    }
    out.println("Each token above was decided by the same code the Lambda runs (HealthLakeAuthorizerHandler).");
    return decisions;
  }

  static String event(String token) {
    return "{\"datastoreEndpoint\":\"" + DATASTORE_ENDPOINT + "\",\"operationName\":\"SearchWithGet\","
        + "\"bearerToken\":\"" + token + "\",\"datastoreId\":\"0123456789abcdef0123456789abcdef\"}";
  }

  private static String issue(MockOAuth2Server issuer, List<String> audience, long expirySeconds) {
    Map<String, Object> claims = Map.of(
        "scope", SMART_SCOPES,
        "fhirUser", "Patient/example-patient-1",
        "patient", "example-patient-1");
    return issuer.issueToken(ISSUER_ID, "demo-smart-app",
        new DefaultOAuth2TokenCallback(ISSUER_ID, "patient-user-1", "JWT", audience, claims, expirySeconds)).serialize();
  }

  private static String tamper(String token) {
    String[] parts = token.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("patient/Patient.rs", "system/*.cruds");
    return parts[0] + "." + base64Url(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
  }

  /**
   * An RS256 token with every claim right, signed by a key the issuer never published: a dozen lines of JDK
   * ({@link Signature}, {@link Base64}) are all a signer needs, so the demo carries no JWT library.
   */
  private static String signedByUnknownKey(String issuerUrl) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    long now = Instant.now().getEpochSecond();
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"attacker-key\"}";
    String payload = "{\"iss\":\"" + issuerUrl + "\",\"sub\":\"patient-user-1\",\"aud\":\"" + DATASTORE_ENDPOINT
        + "\",\"iat\":" + now + ",\"exp\":" + (now + 3600) + ",\"scope\":\"system/*.cruds\"}";
    String signingInput = base64Url(header.getBytes(StandardCharsets.UTF_8)) + "."
        + base64Url(payload.getBytes(StandardCharsets.UTF_8));
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initSign(pair.getPrivate());
    rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + base64Url(rs256.sign());
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String shorten(String token) {
    return token.substring(0, 16) + "...(" + token.length() + " chars)";
  }
}
