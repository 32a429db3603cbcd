package io.github.smartauthorizer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.it.keycloak.Jwts;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The decision log lines ({@code "logger":"decision"}, docs/operations.md "Decision log") that a run wrote, matched to
 * the requests that caused them, so that a test asserts the outcome and reason code of each request rather than
 * finding a reason code somewhere in the output:
 *
 * <ul>
 *   <li>in Lambda, by the request id, which every decision line carries as {@code requestId};
 *   <li>in the command-line tool's {@code invoke --events}, which has no request id, by event order (one line per
 *       event, on standard error), each line checked against its event by the token fingerprint it carries
 *       ({@code token}: the first 12 hex digits of the token's SHA-256; absent for an event without a token).
 * </ul>
 */
final class DecisionLog {
  private DecisionLog() {}

  /** The JSON lines of {@code output} that name {@code requestId} (its decision line, or its metric line). */
  static List<Map<String, Object>> linesOf(String output, String requestId) {
    return output.lines()
        .filter(line -> line.startsWith("{") && line.contains("\"" + requestId + "\""))
        .map(Jwts::json)
        .filter(line -> requestId.equals(line.get("requestId")))
        .toList();
  }

  /** The decision line of Lambda request {@code requestId}; fails unless there is exactly one. */
  static Map<String, Object> ofRequest(String output, String requestId) {
    List<Map<String, Object>> lines = linesOf(output, requestId).stream().filter(DecisionLog::isDecision).toList();
    assertEquals(1, lines.size(), "one decision line for request " + requestId + ":\n" + output);
    return lines.get(0);
  }

  /**
   * The decision lines of {@code invoke --events}, one per event and in the events' order; fails unless there is one
   * per event and each names its own event's token.
   *
   * @param events the events as written to the file, one JSON object each
   */
  static List<Map<String, Object>> ofEvents(String stderr, List<String> events) {
    List<Map<String, Object>> lines = stderr.lines()
        .filter(line -> line.startsWith("{") && line.contains("\"logger\":\"decision\""))
        .map(Jwts::json)
        .toList();
    assertEquals(events.size(), lines.size(), "one decision line per event:\n" + stderr);
    List<Map<String, Object>> matched = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      Object token = Jwts.json(events.get(i)).get("bearerToken");
      assertEquals(token instanceof String t && !t.isEmpty() ? fingerprint(t) : null, lines.get(i).get("token"),
          "the decision line of event " + i + " names its token: " + lines.get(i));
      matched.add(lines.get(i));
    }
    return matched;
  }

  /** The line says {@code ALLOW}, without a reason. */
  static void assertAllowed(Map<String, Object> line) {
    assertEquals("ALLOW", line.get("outcome"), line::toString);
    assertFalse(line.containsKey("reason"), line::toString);
  }

  /** The line says {@code DENY} with {@code reason}. */
  static void assertDenied(Map<String, Object> line, ReasonCode reason) {
    assertEquals("DENY", line.get("outcome"), line::toString);
    assertEquals(reason.name(), line.get("reason"), line::toString);
    assertTrue(line.get("detail") instanceof String, "a deny says why: " + line);
  }

  private static boolean isDecision(Map<String, Object> line) {
    return "decision".equals(line.get("logger"));
  }

  /** The {@code token} member of a decision line (docs/operations.md): {@code sha256:} and 12 hex digits. */
  private static String fingerprint(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
