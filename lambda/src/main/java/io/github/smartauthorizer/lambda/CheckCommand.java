package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.SecretSource;
import io.github.smartauthorizer.api.spi.ValidatorDiagnostics;
import io.github.smartauthorizer.api.AuthPayload;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
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
 *
 * <p>Options. {@code --event FILE} decides one recorded HealthLake event (its token must still be valid) and prints the
 * outcome, with the {@code fhirUser} and {@code patient} HealthLake would receive. {@code --fine-grained} says the data
 * store has {@code FineGrainedAuthorizationEnabled}, which nothing in the Lambda's environment or events tells: it adds
 * warnings for what cannot work with it. From the configuration alone: {@code AUTHORIZER_FHIR_USER_FORM=as-is}, which
 * passes {@code fhirUser} unchecked. From the sample, when it is allowed: no {@code fhirUser}; one that is not a
 * reference {@code Type/id} on this data store (neither relative nor an absolute URL under the data store endpoint);
 * one whose type is not {@code Patient}, {@code Practitioner} or {@code RelatedPerson} (HealthLake's documentation of
 * fine-grained authorization). Warnings never change the exit code.
 */
final class CheckCommand {
  static final String NAME = "check";
  static final String FINE_GRAINED_OPTION = "--fine-grained";
  static final String EVENT_OPTION = "--event";
  /** The resource types HealthLake's fine-grained authorization takes as {@code fhirUser}. */
  static final Set<String> FINE_GRAINED_USER_TYPES = Set.of("Patient", "Practitioner", "RelatedPerson");

  /**
   * What {@code check} was asked beyond the init.
   *
   * @param fineGrained whether the data store has fine-grained authorization enabled
   * @param eventFile a recorded event to decide as a sample, or {@code null}
   */
  record Options(boolean fineGrained, String eventFile) {
    static final Options NONE = new Options(false, null);

    /** The options from the command line, or an {@link IllegalArgumentException} saying what is wrong. */
    static Options parse(List<String> arguments) {
      boolean fineGrained = false;
      String eventFile = null;
      for (int i = 0; i < arguments.size(); i++) {
        String argument = arguments.get(i);
        if (argument.equals(FINE_GRAINED_OPTION)) {
          fineGrained = true;
        } else if (argument.equals(EVENT_OPTION) && eventFile == null) {
          if (i + 1 == arguments.size() || arguments.get(i + 1).startsWith("--")) {
            throw new IllegalArgumentException(EVENT_OPTION + " needs a file");
          }
          eventFile = arguments.get(++i);
        } else {
          throw new IllegalArgumentException(argument.startsWith("-") ? "unknown option '" + argument + "'"
              : "unexpected argument '" + argument + "'");
        }
      }
      return new Options(fineGrained, eventFile);
    }
  }

  private CheckCommand() {}

  static int run(Map<String, String> environment, PrintStream stdout, PrintStream stderr) {
    return run(Options.NONE, environment, stdout, stderr);
  }

  static int run(Options options, Map<String, String> environment, PrintStream stdout, PrintStream stderr) {
    return run(Authorizer.builder(), options, environment, stdout, stderr);
  }

  /** As {@link #run(Map, PrintStream, PrintStream)}, from a builder that may carry explicit providers (tests). */
  static int run(Authorizer.Builder builder, Map<String, String> environment, PrintStream stdout,
      PrintStream stderr) {
    return run(builder, Options.NONE, environment, stdout, stderr);
  }

  static int run(Authorizer.Builder builder, Options options, Map<String, String> environment, PrintStream stdout,
      PrintStream stderr) {
    byte[] event = null;
    if (options.eventFile() != null) {
      try (InputStream input = Cli.open(Path.of(options.eventFile()))) {
        event = input.readNBytes(HealthLakeEvents.MAX_EVENT_BYTES + 1);
      } catch (InvalidPathException e) {
        stderr.println(options.eventFile() + ": not a file name (" + e.getReason() + ")");
        return ExitCodes.CONFIGURATION_ERROR;
      } catch (IOException e) {
        stderr.println(e.getMessage());
        return ExitCodes.CONFIGURATION_ERROR;
      }
    }
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
    List<String> warnings = new ArrayList<>(authorizer.settingWarnings());
    if (options.fineGrained() && config.optional(SmartScopePolicy.FHIR_USER_FORM_VARIABLE).orElse("as-is")
        .equals("as-is")) {
      warnings.add(FINE_GRAINED_OPTION + ": " + config.variable(SmartScopePolicy.FHIR_USER_FORM_VARIABLE) + "=as-is"
          + " passes fhirUser as the IdP issued it, unchecked; HealthLake's fine-grained authorization needs a"
          + " reference to a Patient, Practitioner or RelatedPerson on this data store: set it to relative or"
          + " absolute, so that one that is not is denied MISSING_CLAIM");
    }
    if (event != null) {
      Decision decision = authorizer.decide(event);
      lines.add(field("sample", sample(decision)));
      if (options.fineGrained() && decision.authorized()) {
        warnings.addAll(fhirUserWarnings(decision.response().authPayload(), HealthLakeEvents.endpointOrNull(event),
            config.optional("FHIR_USER_CLAIM").orElse("fhirUser")));
      }
    }
    for (String warning : warnings) {
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

  private static String sample(Decision decision) {
    if (!decision.authorized()) {
      return "DENY " + decision.reason() + (decision.detail() == null ? "" : ": " + decision.detail());
    }
    AuthPayload payload = decision.response().authPayload();
    return "ALLOW; fhirUser " + (payload.fhirUser() == null ? "none" : payload.fhirUser()) + "; patient "
        + (payload.patient() == null ? "none" : payload.patient());
  }

  /** What in an allowed sample's {@code fhirUser} cannot work with fine-grained authorization; empty when nothing. */
  static List<String> fhirUserWarnings(AuthPayload payload, String endpoint, String fhirUserClaim) {
    String prefix = FINE_GRAINED_OPTION + ": the sample's ";
    String fhirUser = payload.fhirUser();
    if (fhirUser == null || fhirUser.isBlank()) {
      return List.of(prefix + "payload has no fhirUser (claim " + fhirUserClaim + "): fine-grained authorization"
          + " has no user to authorize");
    }
    String relative = endpoint == null ? null : SmartScopePolicy.relativeReference(fhirUser, endpoint);
    if (relative == null) {
      return List.of(prefix + "fhirUser " + fhirUser + " is not a reference Type/id on this data store (relative, or"
          + " an absolute URL under " + endpoint + "): HealthLake cannot resolve it");
    }
    String type = relative.substring(0, relative.indexOf('/'));
    if (!FINE_GRAINED_USER_TYPES.contains(type)) {
      return List.of(prefix + "fhirUser " + fhirUser + " is a " + type + "; HealthLake's fine-grained authorization"
          + " takes a Patient, Practitioner or RelatedPerson");
    }
    return List.of();
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
