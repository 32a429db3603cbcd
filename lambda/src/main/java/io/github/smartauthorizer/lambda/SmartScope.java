package io.github.smartauthorizer.lambda;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One SMART on FHIR resource scope, parsed: {@code context/Type.permissions}, with an optional SMART v2.2 filter.
 * Immutable.
 *
 * <ul>
 *   <li>v1: {@code (patient|user|system)/(Type|*).(read|write|*)}</li>
 *   <li>v2: {@code (patient|user|system)/(Type|*).[c][r][u][d][s]}, at least one letter, letters in that order</li>
 *   <li>v2.2: a v2 scope followed by {@code ?name=value(&name=value)*}; not with {@code *} as the type. Names and
 *       values are non-empty and contain no {@code &}, {@code ?}, {@code #}, ASCII whitespace or line terminator
 *       (U+0085, U+2028, U+2029); names contain no {@code =} either (values may)</li>
 * </ul>
 *
 * <p>The type is a FHIR resource type name ({@code [A-Z][A-Za-z]{0,63}}) or {@code *}. Anything that does not start
 * with {@code patient/}, {@code user/} or {@code system/} is not a resource scope ({@code openid}, {@code fhirUser},
 * {@code launch/patient}, {@code offline_access}, ...); one whose part before the first {@code /} is a context in
 * another case ({@code Patient/*.read}, {@code SYSTEM/*.*}) is not one either, and the policy drops it
 * ({@link #isResourceScopeInAnotherCase}).
 *
 * <p>{@link #parse} is one left-to-right pass over the text, without regular expressions or recursion: its time is
 * linear in the length of the scope and its stack depth constant, so a filter of thousands of {@code &name=value}
 * pairs is decided like any other scope (the regular expressions it replaced recursed once per pair and overflowed
 * the stack). It accepts exactly the language those expressions accepted (SmartScopeTest compares the two).
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

  private static final Set<String> CONTEXTS = Set.of("patient", "user", "system");
  /** The v2 permission letters, in the one order they may appear in. */
  private static final String V2_LETTERS = "cruds";
  private static final int MAX_TYPE_LENGTH = 64;

  /** Whether a scope claims to be a resource scope (starts with a SMART context), valid or not. */
  static boolean isResourceScope(String scope) {
    return scope.startsWith("patient/") || scope.startsWith("user/") || scope.startsWith("system/");
  }

  /**
   * Whether the part of a scope before its first {@code /} is {@code patient}, {@code user} or {@code system} in
   * another case ({@code Patient/*.read}, {@code SYSTEM/*.*}): a resource scope HealthLake would not read as the
   * issuer may have meant it. Only ASCII letters are folded: {@code system} spelled with U+017F (long s) is not a
   * context in another case (the policy drops it anyway, as it is not an RFC 6749 scope-token).
   */
  static boolean isResourceScopeInAnotherCase(String scope) {
    for (String context : CONTEXTS) {
      int length = context.length();
      if (scope.length() > length && scope.charAt(length) == '/' && !scope.startsWith(context)
          && startsWithIgnoringAsciiCase(scope, context)) {
        return true;
      }
    }
    return false;
  }

  private static boolean startsWithIgnoringAsciiCase(String text, String lowerCasePrefix) {
    for (int i = 0; i < lowerCasePrefix.length(); i++) {
      char c = text.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if (c != lowerCasePrefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parsed scopes by their text: the tokens of one app carry the same scopes on every request, so a decision need not
   * parse them again (docs/performance.md §1). Parsing is a function of the text alone and the values are immutable,
   * so a hit is always the right answer. Bounded: emptied when full; long scopes are not kept.
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

  /** One pass, left to right: context, {@code /}, type, {@code .}, permissions, then the optional filter. */
  private static Optional<SmartScope> parseText(String scope) {
    int slash = scope.indexOf('/');
    if (slash < 0 || !CONTEXTS.contains(scope.substring(0, slash))) {
      return Optional.empty();
    }
    int typeStart = slash + 1;
    int typeEnd = typeEnd(scope, typeStart);
    if (typeEnd < 0 || typeEnd >= scope.length() || scope.charAt(typeEnd) != '.') {
      return Optional.empty();
    }
    String context = scope.substring(0, slash);
    String type = scope.substring(typeStart, typeEnd);
    int permissionsStart = typeEnd + 1;
    String rest = scope.substring(permissionsStart);
    if (rest.equals("read") || rest.equals("write") || rest.equals("*")) {
      return Optional.of(new SmartScope(scope, context, type, Version.V1, rest, null));
    }
    int at = permissionsStart;
    for (int letter = 0; letter < V2_LETTERS.length(); letter++) {
      if (at < scope.length() && scope.charAt(at) == V2_LETTERS.charAt(letter)) {
        at++;
      }
    }
    if (at == permissionsStart) {
      return Optional.empty();
    }
    String permissions = scope.substring(permissionsStart, at);
    if (at == scope.length()) {
      return Optional.of(new SmartScope(scope, context, type, Version.V2, permissions, null));
    }
    if (scope.charAt(at) != '?' || type.equals("*") || !isFilter(scope, at)) {
      return Optional.empty();
    }
    return Optional.of(new SmartScope(scope, context, type, Version.V2, permissions, scope.substring(at)));
  }

  /**
   * Where the type starting at {@code start} ends: after {@code *}, or after an upper-case ASCII letter and up to 63
   * more ASCII letters; -1 when there is no such type.
   */
  private static int typeEnd(String scope, int start) {
    if (start >= scope.length()) {
      return -1;
    }
    char first = scope.charAt(start);
    if (first == '*') {
      return start + 1;
    }
    if (first < 'A' || first > 'Z') {
      return -1;
    }
    int end = start + 1;
    while (end < scope.length() && isAsciiLetter(scope.charAt(end))) {
      end++;
    }
    return end - start <= MAX_TYPE_LENGTH ? end : -1;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  /** Whether the scope from {@code start} (a {@code ?}) to its end is {@code ?name=value(&name=value)*}. */
  private static boolean isFilter(String scope, int start) {
    int at = start + 1;
    while (true) {
      int nameStart = at;
      while (at < scope.length() && isValueChar(scope.charAt(at)) && scope.charAt(at) != '=') {
        at++;
      }
      if (at == nameStart || at == scope.length() || scope.charAt(at) != '=') {
        return false;
      }
      at++;
      int valueStart = at;
      while (at < scope.length() && isValueChar(scope.charAt(at))) {
        at++;
      }
      if (at == valueStart) {
        return false;
      }
      if (at == scope.length()) {
        return true;
      }
      if (scope.charAt(at) != '&') {
        return false;
      }
      at++;
    }
  }

  /** Not {@code &}, {@code ?}, {@code #}, ASCII whitespace (space, tab, LF, VT, FF, CR) or U+0085, U+2028, U+2029. */
  private static boolean isValueChar(char c) {
    return switch (c) {
      case '&', '?', '#', ' ', '\t', '\n', '\013', '\f', '\r', '\u0085', '\u2028', '\u2029' -> false;
      default -> true;
    };
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
