package io.github.smartauthorizer.lambda;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART on FHIR resource scope, parsed: {@code context/Type.permissions}, with an optional SMART v2.2 filter.
 * Immutable.
 *
 * <ul>
 *   <li>v1: {@code (patient|user|system)/(Type|*).(read|write|*)}</li>
 *   <li>v2: {@code (patient|user|system)/(Type|*).[c][r][u][d][s]}, at least one letter, letters in that order</li>
 *   <li>v2.2: a v2 scope followed by {@code ?param=value(&param=value)*}; not with {@code *} as the type</li>
 * </ul>
 *
 * <p>The type is a FHIR resource type name ({@code [A-Z][A-Za-z]*}) or {@code *}. Anything that does not start with
 * {@code patient/}, {@code user/} or {@code system/} is not a resource scope ({@code openid}, {@code fhirUser},
 * {@code launch/patient}, {@code offline_access}, ...).
 *
 * @param text the scope exactly as issued
 * @param context {@code patient}, {@code user} or {@code system}
 * @param resourceType the resource type, or {@code *}
 * @param version which grammar the scope follows
 * @param permissions {@code read}, {@code write} or {@code *} (v1); the letters, e.g. {@code rs} (v2)
 * @param filter the v2.2 filter with its leading {@code ?}, or {@code null}
 */
record SmartScope(String text, String context, String resourceType, Version version, String permissions,
    String filter) {

  /** The scope grammar. */
  enum Version {
    V1, V2
  }

  private static final String CONTEXT = "(patient|user|system)";
  private static final String TYPE = "([A-Z][A-Za-z]{0,63}|\\*)";
  private static final Pattern V1 = Pattern.compile(CONTEXT + "/" + TYPE + "\\.(read|write|\\*)");
  private static final Pattern V2 = Pattern.compile(CONTEXT + "/" + TYPE + "\\.(c?r?u?d?s?)(\\?.*)?");
  /** {@code ?name=value(&name=value)*}: names and values non-empty, no whitespace, {@code ?} or {@code #}. */
  private static final Pattern FILTER = Pattern.compile("\\?[^=&?#\\s]+=[^&?#\\s]+(&[^=&?#\\s]+=[^&?#\\s]+)*");

  /** Whether a scope claims to be a resource scope (starts with a SMART context), valid or not. */
  static boolean isResourceScope(String scope) {
    return scope.startsWith("patient/") || scope.startsWith("user/") || scope.startsWith("system/");
  }

  /**
   * Parsed scopes by their text: the tokens of one app carry the same scopes on every request, and the regular
   * expressions cost a few microseconds per decision (docs/performance.md §1). Parsing is a function of the text
   * alone and the values are immutable, so a hit is always the right answer. Bounded: emptied when full; long
   * scopes are not kept.
   */
  private static final Map<String, Optional<SmartScope>> PARSED = new ConcurrentHashMap<>();
  static final int PARSED_MAX_ENTRIES = 1024;
  private static final int PARSED_MAX_LENGTH = 256;

  /** The scope parsed, or empty when it is not a valid SMART v1, v2 or v2.2 resource scope. */
  static Optional<SmartScope> parse(String scope) {
    if (scope.length() > PARSED_MAX_LENGTH) {
      return parseText(scope);
    }
    Optional<SmartScope> parsed = PARSED.get(scope);
    if (parsed == null) {
      parsed = parseText(scope);
      if (PARSED.size() >= PARSED_MAX_ENTRIES) {
        PARSED.clear();
      }
      PARSED.put(scope, parsed);
    }
    return parsed;
  }

  /** How many parsed scopes are kept (for the test of the bound). */
  static int parsedScopesKept() {
    return PARSED.size();
  }

  private static Optional<SmartScope> parseText(String scope) {
    Matcher v1 = V1.matcher(scope);
    if (v1.matches()) {
      return Optional.of(new SmartScope(scope, v1.group(1), v1.group(2), Version.V1, v1.group(3), null));
    }
    Matcher v2 = V2.matcher(scope);
    if (!v2.matches() || v2.group(3).isEmpty()) {
      return Optional.empty();
    }
    String filter = v2.group(4);
    if (filter != null && (!FILTER.matcher(filter).matches() || v2.group(2).equals("*"))) {
      return Optional.empty();
    }
    return Optional.of(new SmartScope(scope, v2.group(1), v2.group(2), Version.V2, v2.group(3), filter));
  }

  /** Whether the scope allows creating, updating or deleting anything (v1 {@code write} or {@code *}; v2 c, u or d). */
  boolean allowsWrite() {
    if (version == Version.V1) {
      return !permissions.equals("read");
    }
    return permissions.indexOf('c') >= 0 || permissions.indexOf('u') >= 0 || permissions.indexOf('d') >= 0;
  }

  /**
   * This v2 scope as the v1 scope that grants no more than it does, or empty when no v1 scope does:
   * {@code cruds} → {@code *}; {@code r} and {@code s} both present → {@code read}; {@code c}, {@code u} and
   * {@code d} all present → {@code write}; anything else (e.g. {@code r} alone, {@code c} alone) and every filtered scope → nothing, because
   * v1 has no narrower permission and a dropped filter would widen the grant. A v1 scope is returned as it is.
   */
  Optional<SmartScope> toV1() {
    if (version == Version.V1) {
      return Optional.of(this);
    }
    if (filter != null) {
      return Optional.empty();
    }
    boolean read = permissions.contains("r") && permissions.contains("s");
    boolean write = permissions.contains("c") && permissions.contains("u") && permissions.contains("d");
    String v1 = read && write ? "*" : read ? "read" : write ? "write" : null;
    if (v1 == null) {
      return Optional.empty();
    }
    return Optional.of(new SmartScope(context + "/" + resourceType + "." + v1, context, resourceType, Version.V1, v1,
        null));
  }
}
