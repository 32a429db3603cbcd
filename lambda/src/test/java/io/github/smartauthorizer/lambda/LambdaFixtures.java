package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.smartauthorizer.api.json.StrictJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/** Shared values and helpers for the lambda module's tests: events, environments, tokens from a real mock issuer. */
final class LambdaFixtures {
  static final String ISSUER_ID = "smart";
  static final String DATASTORE_ID = "0123456789abcdef0123456789abcdef";
  static final String ENDPOINT = "https://healthlake.us-east-1.amazonaws.com/datastore/" + DATASTORE_ID + "/r4/";
  static final String OTHER_ENDPOINT =
      "https://healthlake.us-east-1.amazonaws.com/datastore/ffffffffffffffffffffffffffffffff/r4/";
  static final String ROLE = "arn:aws:iam::111122223333:role/HealthLakeSmart";
  static final String CLIENT_ID = "smart-app";
  static final String SCOPE = "launch/patient openid fhirUser patient/Observation.rs?category=laboratory "
      + "patient/Patient.r user/Practitioner.rs";

  private LambdaFixtures() {}

  /** The minimal valid configuration for the {@code jwks} provider against the mock issuer, plus extra pairs. */
  static Map<String, String> env(MockOAuth2Server server, String... extra) {
    Map<String, String> env = new HashMap<>();
    env.put("AUTHORIZER_PROVIDER", "jwks");
    env.put("AUTHORIZER_ISSUER", issuer(server));
    env.put("AUTHORIZER_IAM_ROLE_ARN", ROLE);
    for (int i = 0; i + 1 < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return env;
  }

  static String issuer(MockOAuth2Server server) {
    return server.issuerUrl(ISSUER_ID).toString();
  }

  /** A token for {@link #ENDPOINT} with the given subject and extra claims, valid for an hour. */
  static String token(MockOAuth2Server server, String subject, Map<String, Object> claims) {
    return token(server, subject, List.of(ENDPOINT), claims, 3600);
  }

  static String token(MockOAuth2Server server, String subject, List<String> audience, Map<String, Object> claims,
      long expirySeconds) {
    return server.issueToken(ISSUER_ID, CLIENT_ID,
        new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", audience, claims, expirySeconds)).serialize();
  }

  /** The claims of a typical SMART patient-context token. */
  static Map<String, Object> smartClaims() {
    Map<String, Object> claims = new HashMap<>();
    claims.put("scope", SCOPE);
    claims.put("fhirUser", "Practitioner/123");
    claims.put("patient", "456");
    return claims;
  }

  /** A HealthLake event for {@link #ENDPOINT}. */
  static String eventJson(String token) {
    return eventJson(ENDPOINT, "SearchWithGet", token);
  }

  static String eventJson(String endpoint, String operation, String token) {
    return "{\"datastoreEndpoint\":\"" + endpoint + "\",\"operationName\":\"" + operation + "\",\"bearerToken\":\""
        + token + "\",\"datastoreId\":\"" + DATASTORE_ID + "\",\"datastoreTypeVersion\":\"R4\"}";
  }

  static byte[] event(String token) {
    return utf8(eventJson(token));
  }

  /**
   * One event through {@link HealthLakeAuthorizerHandler}, the Lambda's entry point, with the decision log line that
   * this invocation wrote (the log is reset first, and exactly one decision line is required).
   */
  static Handled handle(Authorizer with, byte[] event, CapturedStream log) {
    log.reset();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new HealthLakeAuthorizerHandler(with).handleRequest(new ByteArrayInputStream(event), out, null);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    List<Map<String, Object>> decisions = log.decisionLines();
    assertEquals(1, decisions.size(), "one decision line per invocation: " + log.text());
    return new Handled(out.toByteArray(), decisions.get(0));
  }

  /**
   * What the handler answered for one event and the decision line it logged: the response carries no reason (the
   * HealthLake contract has no member for it), the log line does.
   */
  record Handled(byte[] bytes, Map<String, Object> decisionLine) {
    Map<String, Object> response() {
      return parse(bytes);
    }

    Map<String, Object> payload() {
      return authPayload(response());
    }

    /** The reason code of the decision, {@code null} for an allow. */
    String reason() {
      return (String) decisionLine.get("reason");
    }

    String raw() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static Map<String, Object> parse(byte[] json) {
    try {
      return StrictJson.parseObject(json);
    } catch (StrictJson.MalformedJsonException e) {
      throw new AssertionError("not strict JSON: " + new String(json, StandardCharsets.UTF_8), e);
    }
  }

  static Map<String, Object> parse(String json) {
    return parse(utf8(json));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> authPayload(Map<String, Object> response) {
    return (Map<String, Object>) response.get("authPayload");
  }

  /** The payload segment of a compact JWS. */
  static String payloadSegment(String token) {
    return token.split("\\.")[1];
  }

  /** A print stream whose output tests can read back. */
  static final class CapturedStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    String text() {
      stream.flush();
      return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Every non-blank line, each parsed as strict JSON. */
    List<Map<String, Object>> jsonLines() {
      List<Map<String, Object>> lines = new ArrayList<>();
      for (String line : text().split("\\R")) {
        if (!line.isBlank()) {
          lines.add(parse(line));
        }
      }
      return lines;
    }

    /** The log lines of decisions ({@code logger: decision}). */
    List<Map<String, Object>> decisionLines() {
      return jsonLines().stream().filter(line -> "decision".equals(line.get("logger"))).toList();
    }

    void reset() {
      stream.flush();
      bytes.reset();
    }
  }
}
