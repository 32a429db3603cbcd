package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.smartauthorizer.api.AuthPayload;
import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzz target for the SMART scope grammar ({@link SmartScope#parse}) and the scope rules of {@link SmartScopePolicy},
 * with Jazzer. Inputs are any text, text near the grammar, and filters of up to 3,000 fuzzer-chosen pairs (far beyond
 * what overflowed the former regular expressions). Invariants: parsing never throws; it answers exactly what the
 * former regular expressions answer ({@link SmartScopeRegexOracle}, on a big stack for long inputs), the same when
 * asked again, and a parsed scope's text is the input, rebuilt from its parts; whatever the policy passes on is a list
 * of RFC 6749 scope-tokens separated by single spaces, each one of the issued tokens, with no context in another case,
 * every resource scope among them valid for the data store's version, and every usable issued token kept; a refusal
 * is {@code INSUFFICIENT_SCOPE} only when no usable resource scope was issued, with a detail that only counts.
 */
class SmartScopeFuzzTest {
  static final AtomicLong EXECUTIONS = new AtomicLong();
  private static final HealthLakeRequest REQUEST = HealthLakeRequest.builder()
      .datastoreEndpoint(LambdaFixtures.ENDPOINT).operationName("SearchWithGet").bearerToken("t").build();
  private static final SmartScopePolicy V2 = new SmartScopePolicy(SmartScope.Version.V2, false, true, "patient",
      SmartScopePolicy.FhirUserForm.AS_IS);
  private static final SmartScopePolicy V1 = new SmartScopePolicy(SmartScope.Version.V1, false, true, "patient",
      SmartScopePolicy.FhirUserForm.AS_IS);
  private static final Set<String> CONTEXTS = Set.of("patient", "user", "system");

  private static final List<String> CONTEXT_PIECES = List.of("patient/", "user/", "system/", "Patient/", "SYSTEM/",
      "uSer/", "launch/", "", "patient//");
  private static final List<String> TYPE_PIECES = List.of("Observation", "*", "Patient", "", "observation", "O",
      "A" + "a".repeat(63), "A" + "a".repeat(64));
  private static final List<String> PERMISSION_PIECES = List.of(".read", ".write", ".*", ".rs", ".cruds", ".s",
      ".sr", ".", "", ".crud", ".cud");
  private static final List<String> FILTERED_PREFIXES = List.of("patient/Observation.rs", "user/*.rs",
      "system/Patient.cruds", "patient/Observation.read", "Patient/Observation.rs", "user/Encounter.s");
  private static final List<String> SEPARATORS = List.of(" ", " ", " ", "  ", "\t", "\n", "\u00a0", "\u3000", "");

  private static final String PART = "(\\d+ not valid RFC 6749 scope-tokens?|\\d+ not valid SMART scopes?"
      + "|\\d+ v2 scopes? a v1 data store cannot take)";
  private static final Pattern DETAIL = Pattern.compile("no SMART resource scope \\(patient/, user/, system/\\) the"
      + " data store takes( \\(dropped: " + PART + "(, " + PART + ")*\\))?");

  @AfterAll
  static void stop() {
    System.out.println("FUZZ SmartScopeFuzzTest executions: " + EXECUTIONS.get());
  }

  @FuzzTest(maxDuration = "15s")
  void fuzz(FuzzedDataProvider data) {
    EXECUTIONS.incrementAndGet();
    String scope = scope(data);
    checkParse(scope);
    StringBuilder issued = new StringBuilder(scope);
    for (int n = data.consumeInt(0, 6); n > 0; n--) {
      issued.append(data.pickValue(SEPARATORS)).append(scope(data));
    }
    checkPolicy(data.consumeBoolean() ? V2 : V1, issued.toString());
  }

  private static String scope(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 2)) {
      case 0 -> data.consumeString(96);
      case 1 -> data.pickValue(CONTEXT_PIECES) + data.pickValue(TYPE_PIECES) + data.pickValue(PERMISSION_PIECES)
          + data.consumeString(32);
      default -> {
        String pair = data.consumeString(12);
        yield data.pickValue(FILTERED_PREFIXES) + "?" + pair + ("&" + pair).repeat(data.consumeInt(0, 3000))
            + data.consumeString(8);
      }
    };
  }

  private static void checkParse(String scope) {
    Optional<SmartScope> parsed = SmartScope.parse(scope);
    Optional<SmartScope> expected = SmartScopeRegexOracle.parse(scope);
    assertEquals(expected.isPresent(), parsed.isPresent(), () -> "accepted differently; length " + scope.length());
    assertTrue(expected.equals(parsed), () -> "parsed differently; length " + scope.length());
    assertTrue(parsed.equals(SmartScope.parse(scope)), "asked again, the same answer");
    if (parsed.isPresent()) {
      SmartScope s = parsed.get();
      assertTrue(scope.equals(s.text()), "the text is the input");
      assertTrue(scope.equals(s.context() + "/" + s.resourceType() + "." + s.permissions()
          + (s.filter() == null ? "" : s.filter())), "the parts make up the input");
      assertTrue(SmartScope.isResourceScope(scope));
      assertFalse(SmartScope.isResourceScopeInAnotherCase(scope));
    }
  }

  private static void checkPolicy(SmartScopePolicy policy, String issued) {
    AuthPayload payload = AuthPayload.builder().iss("https://idp.example.com").aud(LambdaFixtures.ENDPOINT).sub("s")
        .iat(1_700_000_000L).nbf(1_700_000_000L).exp(1_700_003_600L).authorized(true).scope(issued).patient("123")
        .build();
    SmartScopePolicy.Outcome outcome = policy.apply(payload, REQUEST);
    Set<String> issuedTokens = new HashSet<>(Arrays.asList(issued.split(" ", -1)));
    boolean v1 = policy == V1;
    if (outcome.rejection() != null) {
      assertNull(outcome.payload());
      assertEquals(ReasonCode.INSUFFICIENT_SCOPE, outcome.rejection().reason(), "the patient claim is present");
      String detail = outcome.rejection().detail();
      assertTrue(detail.length() < 200 && DETAIL.matcher(detail).matches(), "the detail only counts: " + detail);
      for (String token : issuedTokens) {
        assertFalse(usableResourceScope(token, v1), "refused although a usable resource scope was issued");
      }
      return;
    }
    String passed = outcome.payload().scope();
    List<String> tokens = Arrays.asList(passed.split(" ", -1));
    for (String token : tokens) {
      assertTrue(isRfc6749ScopeToken(token), "passed on a token that is not an RFC 6749 scope-token");
      assertTrue(issuedTokens.contains(token), "passed on a token that was not issued");
      assertFalse(contextInAnotherCase(token), "passed on a resource scope in another case");
      if (SmartScope.isResourceScope(token)) {
        assertTrue(usableResourceScope(token, v1), "passed on a resource scope the data store cannot take");
      }
    }
    for (String token : issuedTokens) {
      boolean usable = isRfc6749ScopeToken(token) && !contextInAnotherCase(token)
          && (!SmartScope.isResourceScope(token) || usableResourceScope(token, v1));
      assertEquals(usable, tokens.contains(token), "a usable token is kept, every other one dropped");
    }
    assertFalse(outcome.resourceScopes().isEmpty());
    for (SmartScope granted : outcome.resourceScopes()) {
      assertTrue(tokens.contains(granted.text()), "a granted resource scope is passed on");
    }
    if (!passed.equals(issued)) {
      assertEquals(new HashSet<>(tokens).size(), tokens.size(), "a rebuilt scope string has each scope once");
    }
  }

  /** RFC 6749 §3.3, written out again: {@code 1*( %x21 / %x23-5B / %x5D-7E )}. */
  private static boolean isRfc6749ScopeToken(String token) {
    return !token.isEmpty() && token.chars().allMatch(c -> c == 0x21 || (c >= 0x23 && c <= 0x5B)
        || (c >= 0x5D && c <= 0x7E));
  }

  /** The part before the first {@code /} is a context in another case (only called on ASCII tokens). */
  private static boolean contextInAnotherCase(String token) {
    int slash = token.indexOf('/');
    if (slash < 0 || !isRfc6749ScopeToken(token)) {
      return false;
    }
    String context = token.substring(0, slash);
    return !CONTEXTS.contains(context) && CONTEXTS.contains(context.toLowerCase(Locale.ROOT));
  }

  private static boolean usableResourceScope(String token, boolean v1) {
    if (!isRfc6749ScopeToken(token)) {
      return false;
    }
    Optional<SmartScope> parsed = SmartScopeRegexOracle.parse(token);
    return parsed.isPresent() && (!v1 || parsed.get().version() == SmartScope.Version.V1);
  }
}
