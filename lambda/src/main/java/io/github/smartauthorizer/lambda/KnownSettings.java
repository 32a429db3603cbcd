package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.spi.Configuration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code AUTHORIZER_*} variables something reads: the handler's own ({@link #HOST_KEYS}) and those each configured
 * provider declares ({@link io.github.smartauthorizer.api.spi.AuthorizerProvider#settingNames()}), scoped per instance
 * with {@code AUTHORIZER_PROVIDERS}. A variable outside them is most likely misspelt ({@code AUTHORIZER_ISSUR}), which
 * would otherwise pass silently: {@code check} and the Lambda's init log warn about it, naming the closest known name.
 */
final class KnownSettings {
  /** The keys the handler itself reads, without the prefix. {@code KnownSettingsTest} holds them against the code. */
  static final Set<String> HOST_KEYS = Set.of("PROVIDER", "PROVIDERS", ProviderInstances.OPAQUE_KEY, "IAM_ROLE_ARN",
      RoleMapping.INLINE_KEY, RoleMapping.FILE_KEY, "TIMEOUT_MS", "INIT_TIMEOUT_MS", "REQUEST_BUDGET_MS",
      "PATIENT_CLAIM", "FHIR_USER_CLAIM", "LOG_LEVEL", "METRICS", "METRICS_NAMESPACE",
      SmartScopePolicy.VERSION_VARIABLE, SmartScopePolicy.TRANSLATE_VARIABLE, SmartScopePolicy.PATIENT_CONTEXT_VARIABLE,
      SmartScopePolicy.FHIR_USER_FORM_VARIABLE);

  private KnownSettings() {}

  /**
   * One warning per set {@code AUTHORIZER_*} variable that nothing reads, in name order: the variable and the closest
   * known name, e.g. {@code AUTHORIZER_ISSUR is set but nothing reads it; did you mean AUTHORIZER_ISSUER?}. Values are
   * never shown.
   *
   * @param known every full variable name something reads
   */
  static List<String> warnings(Map<String, String> environment, Set<String> known) {
    List<String> warnings = new ArrayList<>();
    for (String name : new TreeSet<>(environment.keySet())) {
      if (!name.startsWith(Configuration.PREFIX) || known.contains(name)) {
        continue;
      }
      String closest = closest(name, known);
      warnings.add(name + " is set but nothing reads it" + (closest == null ? "" : "; did you mean " + closest + "?"));
    }
    return warnings;
  }

  /** The full names of the handler's own variables. */
  static Set<String> hostVariables() {
    Set<String> names = new TreeSet<>();
    HOST_KEYS.forEach(key -> names.add(Configuration.PREFIX + key));
    return names;
  }

  /** The known name nearest to {@code name} by edit distance, when near enough to be a misspelling; else null. */
  static String closest(String name, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : new TreeSet<>(known)) {
      int distance = distance(name.toUpperCase(Locale.ROOT), candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    int allowed = Math.max(2, (name.length() - Configuration.PREFIX.length()) / 3);
    return bestDistance <= allowed ? best : null;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
