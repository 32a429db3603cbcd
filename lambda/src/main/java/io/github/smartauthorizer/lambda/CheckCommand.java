package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.SecretSource;
import io.github.smartauthorizer.api.spi.ValidatorDiagnostics;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code check}: builds the authorizer from the environment exactly as the Lambda does at init (the same
 * {@link Authorizer#builder()}, so the same provider, key prefetch and secret reads) and says what came of it on
 * standard output: the provider, the role, the settings (secret values hidden), what each provider instance says of
 * itself through {@link ValidatorDiagnostics} (how it decides, what it would call, what it fetched; the same for a
 * built-in and a custom provider), the secrets read, whether metrics would be written, and a warning for every
 * {@code AUTHORIZER_*} variable that nothing reads. The init log lines go to standard error.
 *
 * <p>Exit code 0 when the Lambda would start ready to decide; 2, with one line on standard error per problem, when the
 * configuration is wrong (the Lambda would deny every request {@code CONFIGURATION_ERROR}) or when a provider reports
 * a problem (e.g. no key could be fetched: every request would be denied {@code IDP_UNAVAILABLE}).
 */
final class CheckCommand {
  static final String NAME = "check";

  private CheckCommand() {}

  static int run(Map<String, String> environment, PrintStream stdout, PrintStream stderr) {
    return run(Authorizer.builder(), environment, stdout, stderr);
  }

  /** As {@link #run(Map, PrintStream, PrintStream)}, from a builder that may carry explicit providers (tests). */
  static int run(Authorizer.Builder builder, Map<String, String> environment, PrintStream stdout,
      PrintStream stderr) {
    Set<String> secretsRead = ConcurrentHashMap.newKeySet();
    Authorizer authorizer;
    try {
      authorizer = builder
          .environment(environment)
          .logStream(stderr)
          .metricsStream(stderr)
          .secretsDecorator(source -> recording(source, secretsRead))
          .build();
    } catch (ConfigurationException e) {
      stderr.println("check failed: configuration error: " + e.getMessage());
      stderr.println("In Lambda every request would be denied with CONFIGURATION_ERROR.");
      return ExitCodes.CONFIGURATION_ERROR;
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
    List<String> problems = new ArrayList<>();
    for (ProviderInstances.Instance instance : authorizer.instances()) {
      ValidatorDiagnostics diagnostics = instance.validator().diagnostics();
      String prefix = authorizer.instances().size() > 1 ? instance.name() + ": " : "";
      lines.add(field("validation", prefix + diagnostics.validation()));
      for (String endpoint : diagnostics.endpoints()) {
        lines.add(field("calls", prefix + endpoint));
      }
      if (!diagnostics.state().isEmpty()) {
        lines.add(field("state", prefix + diagnostics.state()));
      }
      diagnostics.problems().forEach(problem -> problems.add(prefix + problem));
    }
    lines.add(field("secrets read", secretsRead.isEmpty() ? "none" : String.join(", ", secretsRead.stream().sorted()
        .toList()) + " (values not shown)"));
    lines.add(field("metrics", metricsInLambda(config)));
    for (String warning : authorizer.settingWarnings()) {
      lines.add(field("warning", warning));
    }
    lines.forEach(stdout::println);
    if (!problems.isEmpty()) {
      problems.forEach(problem -> stderr.println("check failed: " + problem));
      return ExitCodes.CONFIGURATION_ERROR;
    }
    stdout.println(field("result", "OK: the Lambda would start with provider '" + authorizer.providerName()
        + "' and decide requests"));
    return ExitCodes.AUTHORIZED;
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
