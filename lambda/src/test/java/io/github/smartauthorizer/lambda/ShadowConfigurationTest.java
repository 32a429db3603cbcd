package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.Deadline;
import io.github.smartauthorizer.api.ReasonCode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, item 1: a shadow configuration ({@code AUTHORIZER_SHADOW_*}) is decided next to the live one on every
 * request, after the live decision and within its deadline; it never changes the response, and each disagreement is
 * one log line (no token) and one metric.
 */
class ShadowConfigurationTest {

  /** The harness's live configuration, and the same one as the shadow with {@code changes} applied to it. */
  private static Map<String, String> withShadow(AttackHarness h, String... changes) {
    Map<String, String> env = new HashMap<>(h.environment());
    Map<String, String> live = Map.copyOf(env);
    live.forEach((name, value) -> env.put(ShadowConfiguration.PREFIX + name.substring("AUTHORIZER_".length()), value));
    for (int i = 0; i + 1 < changes.length; i += 2) {
      env.put(changes[i], changes[i + 1]);
    }
    return env;
  }

  private static List<Map<String, Object>> shadowLines(AttackHarness h) {
    return h.log.jsonLines().stream().filter(l -> "shadow".equals(l.get("logger"))).toList();
  }

  @Test
  void aStricterShadowIsReportedAndTheLiveResponseIsUnchanged() {
    try (AttackHarness h = new AttackHarness()) {
      LambdaFixtures.CapturedStream metrics = new LambdaFixtures.CapturedStream();
      Map<String, String> env = withShadow(h, "AUTHORIZER_SHADOW_AUDIENCE", "https://elsewhere.example.com/",
          "AUTHORIZER_METRICS", "on");
      Authorizer authorizer = Authorizer.builder().environment(env).clock(h.clock).logStream(h.log.stream)
          .metricsStream(metrics.stream).build();
      String token = h.rs256.sign(h.claims());

      h.invoke(authorizer, token).allowed();

      List<Map<String, Object>> lines = shadowLines(h);
      assertEquals(1, lines.size(), h.log.text());
      assertEquals(Map.of("outcome", "ALLOW", "scope", "launch/patient patient/*.rs", "role", LambdaFixtures.ROLE),
          withoutNulls(lines.get(0).get("live")));
      assertEquals(Map.of("outcome", "DENY", "reason", "INVALID_AUDIENCE", "scope", ""),
          withoutNulls(lines.get(0).get("shadow")));
      assertFalse(h.log.text().contains(token), "the token is never logged");
      assertTrue(metrics.text().contains("\"ShadowDisagreements\":1"), metrics.text());
    }
  }

  @Test
  void aShadowThatAgreesSaysNothing() {
    try (AttackHarness h = new AttackHarness()) {
      Authorizer authorizer = Authorizer.builder().environment(withShadow(h)).clock(h.clock).logStream(h.log.stream)
          .build();

      h.invoke(authorizer, h.rs256.sign(h.claims())).allowed();
      h.invoke(authorizer, "not-a-token").denied(ReasonCode.MALFORMED_TOKEN);

      assertEquals(List.of(), shadowLines(h));
    }
  }

  @Test
  void aMisconfiguredShadowIsLoggedOnceAndTheLiveConfigurationWorks() {
    try (AttackHarness h = new AttackHarness()) {
      Map<String, String> env = withShadow(h, "AUTHORIZER_SHADOW_CLOCK_SKEW_SECONDS", "9000");
      h.log.reset();
      Authorizer authorizer = Authorizer.builder().environment(env).clock(h.clock).logStream(h.log.stream).build();
      String init = h.log.text();

      assertTrue(init.contains("\"variable\":\"AUTHORIZER_SHADOW_CLOCK_SKEW_SECONDS\""), init);
      assertFalse(init.contains("AUTHORIZER_SHADOW_ISSUER is set but nothing reads it"),
          "the live configuration does not warn about the shadow's variables: " + init);
      h.invoke(authorizer, h.rs256.sign(h.claims())).allowed();
      assertEquals(List.of(), shadowLines(h));
    }
  }

  @Test
  void noShadowDecisionOnceTheRequestDeadlineIsSpent() {
    try (AttackHarness h = new AttackHarness()) {
      Authorizer authorizer = Authorizer.builder()
          .environment(withShadow(h, "AUTHORIZER_SHADOW_AUDIENCE", "https://elsewhere.example.com/"))
          .clock(h.clock).logStream(h.log.stream).build();
      h.log.reset();

      byte[] response = authorizer.handle(AttackHarness.event(h.rs256.sign(h.claims())), "spent",
          Deadline.after(Duration.ZERO));

      assertTrue(new String(response, java.nio.charset.StandardCharsets.UTF_8).contains("\"isAuthorized\":true"),
          "keys in memory need no time: the live decision still allows");
      assertEquals(List.of(), shadowLines(h));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> withoutNulls(Object side) {
    Map<String, Object> copy = new HashMap<>((Map<String, Object>) side);
    copy.values().removeIf(java.util.Objects::isNull);
    return copy;
  }
}
