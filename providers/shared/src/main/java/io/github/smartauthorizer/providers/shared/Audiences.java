package io.github.smartauthorizer.providers.shared;

import java.util.List;

/** Audience comparison: exact, except that one trailing slash on either side is ignored. */
public final class Audiences {
  private Audiences() {}

  /** Whether any token audience equals any expected one. */
  public static boolean anyMatch(List<String> tokenAudiences, List<String> expected) {
    for (String actual : tokenAudiences) {
      for (String wanted : expected) {
        if (same(actual, wanted)) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean same(String a, String b) {
    return JwksLocation.stripSlash(a).equals(JwksLocation.stripSlash(b));
  }
}
