package io.github.smartauthorizer.benchmarks;

import io.github.smartauthorizer.lambda.Authorizer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Authorizers as the benchmarks use them: every log and metric line formatted in full, then discarded. */
final class Sinks {
  /** A print stream that formats everything it is given and writes nowhere. */
  static final PrintStream NULL = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);

  private Sinks() {}

  /**
   * An authorizer for {@code provider} against the issuer.
   *
   * @param metrics whether CloudWatch EMF metric lines are written, as in Lambda (where they are on by default)
   */
  static Authorizer authorizer(LoopbackIssuer issuer, String provider, boolean metrics, String... extra) {
    Map<String, String> env = new HashMap<>(issuer.environment(provider));
    env.put("AUTHORIZER_METRICS", metrics ? "on" : "off");
    for (int i = 0; i + 1 < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return Authorizer.builder().environment(env).logStream(NULL).metricsStream(NULL).build();
  }
}
