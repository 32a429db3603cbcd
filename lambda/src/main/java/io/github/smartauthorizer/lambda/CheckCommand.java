package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.SecretSource;
import io.github.smartauthorizer.providers.shared.IntrospectionValidator;
import io.github.smartauthorizer.providers.shared.JwtValidator;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code check}: builds the authorizer from the environment exactly as the Lambda does at init (the same
 * {@link Authorizer#builder()}, so the same provider, key prefetch and secret reads) and says what came of it on
 * standard output: the provider, the role, the settings (secret values hidden), the keys fetched or the secrets read,
 * and whether metrics would be written. The init log lines go to standard error.
 *
 * <p>Exit code 0 when the Lambda would start ready to decide; 2, with one line on standard error saying what to fix,
 * when the configuration is wrong (the Lambda would deny every request {@code CONFIGURATION_ERROR}) or when no key
 * could be fetched (it would deny every request {@code IDP_UNAVAILABLE} until the JWKS answers).
 */
final class CheckCommand {
  static final String NAME = "check";

  private CheckCommand() {}

  static int run(Map<String, String> environment, PrintStream stdout, PrintStream stderr) {
    Set<String> secretsRead = ConcurrentHashMap.newKeySet();
    Authorizer authorizer;
    try {
      authorizer = Authorizer.builder()
          .environment(environment)
          .logStream(stderr)
          .metricsStream(stderr)
          .secretsDecorator(source -> recording(source, secretsRead))
          .build();
    } catch (ConfigurationException e) {
      stderr.println("check failed: configuration error: " + e.getMessage());
      stderr.println("In Lambda every request would be denied with CONFIGURATION_ERROR.");
      return Cli.CONFIGURATION_ERROR;
    }
    Configuration config = Configuration.of(environment);
    List<String> lines = new ArrayList<>();
    lines.add(field("provider", authorizer.providerName()));
    lines.add(field("iamRoleARN", authorizer.iamRoleArn()));
    boolean first = true;
    for (String name : config.variableNames()) {
      lines.add(field(first ? "settings" : "", name + "=" + shown(name, environment.get(name))));
      first = false;
    }
    TokenValidator validator = authorizer.validator();
    String failure = null;
    if (validator instanceof JwtValidator jwt) {
      int keys = jwt.keys().size();
      long fetches = jwt.keys().fetchCount();
      lines.add(field("validation", "JWTs verified locally against the issuer's JWKS"));
      lines.add(field("keys", keys + " verification key" + (keys == 1 ? "" : "s") + " cached after " + fetches
          + " fetch" + (fetches == 1 ? "" : "es")));
      if (keys == 0) {
        failure = "no verification key could be fetched at init (the log line above says why); in Lambda every"
            + " request would be denied with IDP_UNAVAILABLE until the JWKS answers";
      }
    } else if (validator instanceof IntrospectionValidator) {
      lines.add(field("validation", "each token introspected (RFC 7662); answers cached as configured"));
    } else {
      lines.add(field("validation", "by " + validator.getClass().getName()));
    }
    lines.add(field("secrets read", secretsRead.isEmpty() ? "none" : String.join(", ", secretsRead.stream().sorted()
        .toList()) + " (values not shown)"));
    lines.add(field("metrics", metricsInLambda(config)));
    lines.forEach(stdout::println);
    if (failure != null) {
      stderr.println("check failed: " + failure);
      return Cli.CONFIGURATION_ERROR;
    }
    stdout.println(field("result", "OK: the Lambda would start with provider '" + authorizer.providerName()
        + "' and decide requests"));
    return Cli.AUTHORIZED;
  }

  private static SecretSource recording(SecretSource source, Set<String> read) {
    return id -> {
      String value = source.secretString(id);
      read.add(id);
      return value;
    };
  }

  /** A value as it may be printed: variables that hold a secret value are only said to be set. */
  static String shown(String name, String value) {
    boolean secret = name.contains("SECRET") && !name.endsWith("_ID") && !name.endsWith("_KEY");
    return secret ? "(set, not shown)" : value;
  }

  private static String metricsInLambda(Configuration config) {
    String setting = config.optional("METRICS").orElse("");
    if (setting.equalsIgnoreCase("off")) {
      return "off (AUTHORIZER_METRICS=off)";
    }
    String namespace = config.optional("METRICS_NAMESPACE").orElse(Metrics.DEFAULT_NAMESPACE);
    return "CloudWatch EMF lines in namespace " + namespace + (setting.equalsIgnoreCase("on") ? "" : " (in Lambda;"
        + " off in this tool unless AUTHORIZER_METRICS=on)");
  }

  private static String field(String label, String value) {
    return String.format("%-13s %s", label.isEmpty() ? "" : label + ":", value);
  }
}
