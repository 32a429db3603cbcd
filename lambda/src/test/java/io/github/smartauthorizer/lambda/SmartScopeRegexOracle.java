package io.github.smartauthorizer.lambda;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The regular expressions {@link SmartScope} parsed with until its recursion-free scanner replaced them, kept verbatim
 * as the oracle of the accepted language. {@code java.util.regex} recurses once per repetition of the filter's
 * {@code (&name=value)*}, and a long filter overflowed the stack (issue 13, item 5), so long inputs are matched on a
 * thread of their own with a 256 MiB stack.
 */
final class SmartScopeRegexOracle {
  /** Inputs up to this length have too few filter repetitions to come near a stack overflow on any thread. */
  private static final int SHORT = 512;
  private static final long BIG_STACK = 256L << 20;

  private static final String CONTEXT = "(patient|user|system)";
  private static final String TYPE = "([A-Z][A-Za-z]{0,63}|\\*)";
  private static final Pattern V1 = Pattern.compile(CONTEXT + "/" + TYPE + "\\.(read|write|\\*)");
  private static final Pattern V2 = Pattern.compile(CONTEXT + "/" + TYPE + "\\.(c?r?u?d?s?)(\\?.*)?");
  private static final Pattern FILTER = Pattern.compile("\\?[^=&?#\\s]+=[^&?#\\s]+(&[^=&?#\\s]+=[^&?#\\s]+)*");

  private SmartScopeRegexOracle() {}

  /** What the former {@code SmartScope.parseText} answered. */
  static Optional<SmartScope> parse(String scope) {
    if (scope.length() <= SHORT) {
      return parseHere(scope);
    }
    AtomicReference<Optional<SmartScope>> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread = new Thread(null, () -> {
      try {
        result.set(parseHere(scope));
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "smart-scope-regex-oracle", BIG_STACK);
    thread.start();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    if (result.get() == null) {
      throw new AssertionError("the oracle itself failed on " + scope.length() + " characters", failure.get());
    }
    return result.get();
  }

  private static Optional<SmartScope> parseHere(String scope) {
    Matcher v1 = V1.matcher(scope);
    if (v1.matches()) {
      return Optional.of(new SmartScope(scope, v1.group(1), v1.group(2), SmartScope.Version.V1, v1.group(3), null));
    }
    Matcher v2 = V2.matcher(scope);
    if (!v2.matches() || v2.group(3).isEmpty()) {
      return Optional.empty();
    }
    String filter = v2.group(4);
    if (filter != null && (!FILTER.matcher(filter).matches() || v2.group(2).equals("*"))) {
      return Optional.empty();
    }
    return Optional.of(new SmartScope(scope, v2.group(1), v2.group(2), SmartScope.Version.V2, v2.group(3), filter));
  }
}
