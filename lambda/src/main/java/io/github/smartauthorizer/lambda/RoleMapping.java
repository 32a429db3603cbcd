package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.json.StrictJson;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Chooses the {@code iamRoleARN} of an authorized request: the first rule of {@code AUTHORIZER_ROLE_MAPPING} (inline
 * JSON) or {@code AUTHORIZER_ROLE_MAPPING_FILE} ({@code classpath:name.json}, or a file path such as
 * {@code /opt/role-mapping.json} from a Lambda layer) whose conditions all hold, else {@code AUTHORIZER_IAM_ROLE_ARN}.
 * Read and validated once at init; immutable and thread-safe.
 *
 * <pre>{@code
 * {"rules": [
 *   {"role": "arn:aws:iam::111122223333:role/HealthLakeFull",
 *    "when": {"groups": ["clinician-admin"], "providers": ["staff"]}},
 *   {"role": "arn:aws:iam::111122223333:role/HealthLakeWrite", "when": {"writeScope": true, "providers": ["staff"]}}
 * ]}
 * }</pre>
 *
 * <p>A rule is {@code role} (an IAM role ARN), {@code when} (optional; absent or {@code {}} matches every request)
 * and {@code description} (optional, ignored). Conditions, all of which must hold; a list matches when any element
 * does:
 *
 * <ul>
 *   <li>{@code scopes}: a granted scope matches one of these patterns, in which {@code *} stands for any characters
 *       (so {@code patient/*.rs} also matches {@code patient/Observation.rs});</li>
 *   <li>{@code writeScope}: {@code true} when a granted SMART scope allows writing (v1 {@code write} or {@code *}, v2
 *       {@code c}, {@code u} or {@code d}), {@code false} when none does;</li>
 *   <li>{@code contexts}: a granted SMART resource scope has one of these contexts ({@code patient}, {@code user},
 *       {@code system});</li>
 *   <li>{@code groups}: the token carries one of these groups, as the deciding provider reads them from its one
 *       source (Keycloak: realm roles and {@code client:role} client roles; Cognito: {@code cognito:groups};
 *       {@code jwks}, {@code introspection}, {@code okta}: the {@code groups} and {@code roles} arrays);</li>
 *   <li>{@code clients}: the token was issued to one of these clients, as the deciding provider reads it from its one
 *       source (Keycloak: {@code azp}; Cognito, {@code jwks}, {@code introspection}, {@code okta}:
 *       {@code client_id});</li>
 *   <li>{@code providers}: the token was decided by one of these provider instances (the names of
 *       {@code AUTHORIZER_PROVIDERS}, or the provider's name with {@code AUTHORIZER_PROVIDER}).</li>
 * </ul>
 *
 * <p><b>Identity conditions are bound to their issuer.</b> A client or group name means something only for the
 * issuer that vouches for it: {@code billing-service} of the staff realm and a {@code billing-service} a partner IdP
 * lets anyone register are different clients. So with more than one provider instance, a rule with a {@code clients}
 * or {@code groups} condition must also have a {@code providers} condition naming the instances whose clients or
 * groups these are; without one it is a configuration error. With one provider it may be left out.
 *
 * <p>The granted scopes are those left after the SMART scope policy. Unknown members, wrong types, empty lists,
 * malformed ARNs, unknown instance names and unbound identity conditions are configuration errors. With rules but no
 * default role, a request no rule matches is denied {@code INSUFFICIENT_SCOPE}.
 */
final class RoleMapping {
  /** The default role's variable. */
  static final String ROLE_VARIABLE = "AUTHORIZER_IAM_ROLE_ARN";
  static final String INLINE_KEY = "ROLE_MAPPING";
  static final String FILE_KEY = "ROLE_MAPPING_FILE";
  static final String CLASSPATH_PREFIX = "classpath:";
  static final int MAX_RULES = 100;
  static final int MAX_BYTES = 256 * 1024;

  private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
  private static final Set<String> RULE_MEMBERS = Set.of("role", "when", "description");
  private static final Set<String> CONDITIONS = Set.of("scopes", "writeScope", "contexts", "groups", "clients",
      "providers");
  private static final Set<String> CONTEXTS = Set.of("patient", "user", "system");
  /** Conditions on names only an issuer can vouch for: bound to {@code providers} when there are several. */
  private static final List<String> IDENTITY_CONDITIONS = List.of("clients", "groups");

  /** What the rules look at: one authorized request. */
  record Grant(List<String> scopes, List<SmartScope> resourceScopes, Set<String> groups, String clientId,
      String instance) {}

  /** One rule: a role and its conditions. */
  private record Rule(String role, List<Predicate<Grant>> conditions) {
    boolean matches(Grant grant) {
      return conditions.stream().allMatch(c -> c.test(grant));
    }
  }

  private final List<Rule> rules;
  private final String defaultRole;

  private RoleMapping(List<Rule> rules, String defaultRole) {
    this.rules = List.copyOf(rules);
    this.defaultRole = defaultRole;
  }

  /**
   * The mapping as configured.
   *
   * @param defaultRole {@code AUTHORIZER_IAM_ROLE_ARN}, already validated, or {@code null} when unset
   * @param instances the provider instance names, for the {@code providers} condition
   * @param loader where {@code classpath:} files are looked up
   * @throws ConfigurationException when the mapping is malformed, or there is neither a mapping nor a default role
   */
  static RoleMapping fromConfiguration(Configuration config, String defaultRole, Set<String> instances,
      ClassLoader loader) {
    Optional<String> inline = config.optional(INLINE_KEY);
    Optional<String> file = config.optional(FILE_KEY);
    if (inline.isPresent() && file.isPresent()) {
      throw new ConfigurationException(config.variable(FILE_KEY), "cannot be set together with "
          + config.variable(INLINE_KEY) + ": give the role mapping one way");
    }
    if (inline.isEmpty() && file.isEmpty()) {
      if (defaultRole == null) {
        throw new ConfigurationException(RoleMapping.ROLE_VARIABLE, "is required: the ARN of the IAM role HealthLake "
            + "assumes for authorized requests (arn:aws:iam::<account>:role/<name>), unless a role mapping ("
            + config.variable(INLINE_KEY) + " or " + config.variable(FILE_KEY) + ") chooses it");
      }
      return new RoleMapping(List.of(), defaultRole);
    }
    String variable = config.variable(inline.isPresent() ? INLINE_KEY : FILE_KEY);
    byte[] json = inline.isPresent() ? inline.get().getBytes(StandardCharsets.UTF_8)
        : read(variable, file.get(), loader);
    Map<String, Object> document;
    try {
      document = StrictJson.parseObject(json);
    } catch (StrictJson.MalformedJsonException e) {
      throw new ConfigurationException(variable, "expects a JSON object {\"rules\": [...]}: " + e.getMessage());
    }
    return new RoleMapping(parseRules(variable, document, instances), defaultRole);
  }

  /**
   * {@code AUTHORIZER_IAM_ROLE_ARN}, validated, or {@code null} when unset.
   *
   * @throws ConfigurationException when it is not an IAM role ARN
   */
  static String defaultRole(Configuration config) {
    Optional<String> role = config.optional("IAM_ROLE_ARN");
    if (role.isPresent() && !ROLE_ARN.matcher(role.get()).matches()) {
      throw new ConfigurationException(RoleMapping.ROLE_VARIABLE, "expects an IAM role ARN such as "
          + "arn:aws:iam::111122223333:role/HealthLakeSmartRole, got '" + role.get() + "'");
    }
    return role.orElse(null);
  }

  /** The role for an authorized request: the first matching rule's, else the default, else empty. */
  Optional<String> roleFor(Grant grant) {
    for (Rule rule : rules) {
      if (rule.matches(grant)) {
        return Optional.of(rule.role());
      }
    }
    return Optional.ofNullable(defaultRole);
  }

  /**
   * The role a deny carries: the default role, or without one the last rule's (conventionally the narrowest). A deny
   * says {@code isAuthorized: false}; the role is there only because the contract requires the member.
   */
  String denyRole() {
    return defaultRole != null ? defaultRole : rules.get(rules.size() - 1).role();
  }

  /** The default role, or {@code null}. */
  String defaultRole() {
    return defaultRole;
  }

  /** How many rules there are. */
  int size() {
    return rules.size();
  }

  private static byte[] read(String variable, String location, ClassLoader loader) {
    if (location.startsWith(CLASSPATH_PREFIX)) {
      String name = location.substring(CLASSPATH_PREFIX.length());
      while (name.startsWith("/")) {
        name = name.substring(1);
      }
      try (InputStream in = name.isEmpty() ? null : loader.getResourceAsStream(name)) {
        if (in == null) {
          throw new ConfigurationException(variable, "names a class path resource that does not exist: '" + location
              + "' (a Lambda layer's jars in /opt/java/lib are on the class path; plain files in /opt are not: give"
              + " their path instead)");
        }
        return bounded(variable, in.readNBytes(MAX_BYTES + 1));
      } catch (IOException e) {
        throw new ConfigurationException(variable, "cannot be read: " + e.getClass().getSimpleName(), e);
      }
    }
    try {
      Path path = Path.of(location);
      if (Files.size(path) > MAX_BYTES) {
        throw new ConfigurationException(variable, "names a file larger than " + MAX_BYTES + " bytes");
      }
      return bounded(variable, Files.readAllBytes(path));
    } catch (NoSuchFileException e) {
      throw new ConfigurationException(variable, "names a file that does not exist: '" + location + "'");
    } catch (IOException | InvalidPathException e) {
      throw new ConfigurationException(variable, "expects classpath:<resource> or a file path, and '" + location
          + "' cannot be read: " + e.getClass().getSimpleName());
    }
  }

  private static byte[] bounded(String variable, byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      throw new ConfigurationException(variable, "names a document larger than " + MAX_BYTES + " bytes");
    }
    return bytes;
  }

  private static List<Rule> parseRules(String variable, Map<String, Object> document, Set<String> instances) {
    for (String key : document.keySet()) {
      if (!key.equals("rules")) {
        throw new ConfigurationException(variable, "has an unknown member '" + key + "' (expected only \"rules\")");
      }
    }
    if (!(document.get("rules") instanceof List<?> items) || items.isEmpty()) {
      throw new ConfigurationException(variable, "expects \"rules\": a non-empty array of rules");
    }
    if (items.size() > MAX_RULES) {
      throw new ConfigurationException(variable, "has " + items.size() + " rules; at most " + MAX_RULES);
    }
    List<Rule> rules = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      rules.add(parseRule(variable, "rules[" + i + "]", items.get(i), instances));
    }
    return rules;
  }

  private static Rule parseRule(String variable, String at, Object item, Set<String> instances) {
    if (!(item instanceof Map<?, ?> rule)) {
      throw new ConfigurationException(variable, at + " expects an object {\"role\": ..., \"when\": {...}}");
    }
    for (Object key : rule.keySet()) {
      if (!RULE_MEMBERS.contains(key)) {
        throw new ConfigurationException(variable, at + " has an unknown member '" + key + "' (expected "
            + new TreeSet<>(RULE_MEMBERS) + ")");
      }
    }
    if (!(rule.get("role") instanceof String role) || !ROLE_ARN.matcher(role).matches()) {
      throw new ConfigurationException(variable, at + ".role expects an IAM role ARN such as "
          + "arn:aws:iam::111122223333:role/HealthLakeSmartRole" + (rule.get("role") instanceof String s
          ? ", got '" + s + "'" : ""));
    }
    if (rule.containsKey("description") && !(rule.get("description") instanceof String)) {
      throw new ConfigurationException(variable, at + ".description expects a string");
    }
    Object when = rule.get("when");
    if (when == null && !rule.containsKey("when")) {
      return new Rule(role, List.of());
    }
    if (!(when instanceof Map<?, ?> conditions)) {
      throw new ConfigurationException(variable, at + ".when expects an object of conditions");
    }
    List<Predicate<Grant>> predicates = new ArrayList<>();
    for (Map.Entry<?, ?> condition : conditions.entrySet()) {
      String name = String.valueOf(condition.getKey());
      String path = at + ".when." + name;
      Object value = condition.getValue();
      switch (name) {
        case "writeScope" -> {
          if (!(value instanceof Boolean write)) {
            throw new ConfigurationException(variable, path + " expects true or false");
          }
          predicates.add(g -> g.resourceScopes().stream().anyMatch(SmartScope::allowsWrite) == write);
        }
        case "scopes" -> {
          List<Glob> patterns = strings(variable, path, value).stream().map(RoleMapping::glob).toList();
          predicates.add(g -> g.scopes().stream().anyMatch(s -> patterns.stream().anyMatch(p -> p.matches(s))));
        }
        case "contexts" -> {
          Set<String> contexts = strings(variable, path, value);
          if (!CONTEXTS.containsAll(contexts)) {
            throw new ConfigurationException(variable, path + " expects SMART contexts from "
                + new TreeSet<>(CONTEXTS));
          }
          predicates.add(g -> g.resourceScopes().stream().anyMatch(s -> contexts.contains(s.context())));
        }
        case "groups" -> {
          Set<String> groups = strings(variable, path, value);
          predicates.add(g -> g.groups().stream().anyMatch(groups::contains));
        }
        case "clients" -> {
          Set<String> clients = strings(variable, path, value);
          predicates.add(g -> g.clientId() != null && clients.contains(g.clientId()));
        }
        case "providers" -> {
          Set<String> names = strings(variable, path, value);
          for (String n : names) {
            if (!instances.contains(n)) {
              throw new ConfigurationException(variable, path + " names '" + n + "', which is not a configured "
                  + "provider instance " + new TreeSet<>(instances));
            }
          }
          predicates.add(g -> g.instance() != null && names.contains(g.instance()));
        }
        default -> throw new ConfigurationException(variable, at + ".when has an unknown condition '" + name
            + "' (expected " + new TreeSet<>(CONDITIONS) + ")");
      }
    }
    checkBound(variable, at, conditions.keySet(), instances);
    return new Rule(role, predicates);
  }

  /**
   * With several instances, a {@code clients} or {@code groups} condition needs a {@code providers} condition: the
   * same name from two issuers is two different identities.
   */
  private static void checkBound(String variable, String at, Set<?> conditions, Set<String> instances) {
    if (instances.size() < 2 || conditions.contains("providers")) {
      return;
    }
    List<String> unbound = IDENTITY_CONDITIONS.stream().filter(conditions::contains).map(c -> "\"" + c + "\"")
        .toList();
    if (!unbound.isEmpty()) {
      throw new ConfigurationException(variable, at + ".when has " + String.join(" and ", unbound) + " but no "
          + "\"providers\": with several provider instances " + new TreeSet<>(instances) + " a client or group name "
          + "means something only for the issuer that vouches for it; add \"providers\": [...] to " + at
          + ".when, naming the instances whose clients or groups these are");
    }
  }

  private static Set<String> strings(String variable, String path, Object value) {
    if (!(value instanceof List<?> items) || items.isEmpty()) {
      throw new ConfigurationException(variable, path + " expects a non-empty array of strings");
    }
    Set<String> strings = new LinkedHashSet<>();
    for (Object item : items) {
      if (!(item instanceof String s) || s.isEmpty()) {
        throw new ConfigurationException(variable, path + " expects a non-empty array of non-empty strings");
      }
      strings.add(s);
    }
    return strings;
  }

  /** A scope pattern: {@code *} matches any characters, everything else itself. */
  static Glob glob(String pattern) {
    return new Glob(pattern);
  }

  /**
   * A scope pattern matched without a regular expression: the scope is chosen by the token's author and may be long,
   * and a regular expression with one {@code .*} per star backtracks through every way of splitting it among the
   * stars (found by {@code RoleMappingFuzzTest}'s long run, stuck for minutes on one input). This is the greedy
   * wildcard match that on a mismatch only moves the last star on: at most pattern length × scope length steps.
   */
  record Glob(String pattern) {
    boolean matches(String text) {
      int p = 0;
      int t = 0;
      int star = -1;
      int resume = 0;
      while (t < text.length()) {
        if (p < pattern.length() && pattern.charAt(p) == '*') {
          star = p++;
          resume = t;
        } else if (p < pattern.length() && pattern.charAt(p) == text.charAt(t)) {
          p++;
          t++;
        } else if (star >= 0) {
          p = star + 1;
          t = ++resume;
        } else {
          return false;
        }
      }
      while (p < pattern.length() && pattern.charAt(p) == '*') {
        p++;
      }
      return p == pattern.length();
    }
  }
}
