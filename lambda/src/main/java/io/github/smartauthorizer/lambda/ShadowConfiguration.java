package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.Deadline;
import io.github.smartauthorizer.api.spi.Configuration;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A second, complete configuration decided next to the live one on every request, so that new settings (a new IdP,
 * v1 to v2 scopes, a stricter role mapping) can run against real traffic before they are switched on. Its variables
 * are the live ones' names with {@value #PREFIX} in place of {@code AUTHORIZER_} ({@code AUTHORIZER_SHADOW_ISSUER},
 * {@code AUTHORIZER_SHADOW_ROLE_MAPPING}, ...), a whole configuration of their own: nothing is taken from the live
 * variables.
 *
 * <p>It decides after the live decision has been made and logged, only while the request's deadline has time left,
 * and it never changes the response. Every disagreement (allow against deny, another reason, another role, another
 * scope string) is one log line ({@code logger: shadow}; never the token, only its short hash) and one
 * {@code ShadowDisagreements} metric. Its faults are caught and logged: the live path never sees them.
 */
final class ShadowConfiguration {
  /** The prefix of the shadow configuration's variables. */
  static final String PREFIX = Configuration.PREFIX + "SHADOW_";

  private final Authorizer shadow;
  private final JsonLog log;
  private final Metrics metrics;

  ShadowConfiguration(Authorizer shadow, JsonLog log, Metrics metrics) {
    this.shadow = Objects.requireNonNull(shadow, "shadow");
    this.log = log;
    this.metrics = metrics;
  }

  /** Whether any {@value #PREFIX} variable is set. */
  static boolean configured(Map<String, String> environment) {
    return environment.keySet().stream().anyMatch(name -> name.startsWith(PREFIX));
  }

  /**
   * The shadow's environment: every variable that is not an {@code AUTHORIZER_} one (the AWS SDK's, the Lambda's), and
   * each {@value #PREFIX} variable under its live name.
   */
  static Map<String, String> environment(Map<String, String> environment) {
    Map<String, String> shadow = new LinkedHashMap<>();
    environment.forEach((name, value) -> {
      if (name.startsWith(PREFIX)) {
        shadow.put(Configuration.PREFIX + name.substring(PREFIX.length()), value);
      } else if (!name.startsWith(Configuration.PREFIX)) {
        shadow.put(name, value);
      }
    });
    return shadow;
  }

  /** The live environment without the shadow's variables (which the live configuration does not read). */
  static Map<String, String> withoutShadow(Map<String, String> environment) {
    Map<String, String> live = new LinkedHashMap<>(environment);
    live.keySet().removeIf(name -> name.startsWith(PREFIX));
    return live;
  }

  /**
   * Decides the event with the shadow configuration, within what is left of {@code deadline}, and reports a
   * disagreement with the live decision. Never throws.
   */
  void compare(byte[] event, Decision live, Deadline deadline, String requestId) {
    if (deadline.isExpired()) {
      return;
    }
    Decision other;
    try {
      other = shadow.decide(event, deadline);
    } catch (Throwable fault) {
      log.write(Level.WARNING, Map.of("logger", "shadow", "message", "the shadow configuration failed; ignored",
          "error", fault.getClass().getName()));
      return;
    }
    Map<String, Object> liveSide = side(live);
    Map<String, Object> shadowSide = side(other);
    if (liveSide.equals(shadowSide)) {
      return;
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("logger", "shadow");
    line.put("message", "the shadow configuration decides otherwise");
    line.put("requestId", requestId);
    line.put("live", liveSide);
    line.put("shadow", shadowSide);
    line.put("operationName", live.operationName());
    line.put("datastoreId", live.datastoreId());
    line.put("token", live.tokenFingerprint());
    log.write(Level.INFO, line);
    metrics.recordShadowDisagreement(requestId);
  }

  /** What is compared: the outcome, the reason, the role and the scope string. */
  private static Map<String, Object> side(Decision decision) {
    Map<String, Object> side = new LinkedHashMap<>();
    side.put("outcome", decision.authorized() ? "ALLOW" : "DENY");
    side.put("reason", decision.reason() == null ? null : decision.reason().name());
    side.put("role", decision.authorized() ? decision.response().iamRoleArn() : null);
    side.put("scope", decision.response().authPayload().scope());
    return side;
  }
}
