package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.AuthPayload;
import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.Rejection;
import io.github.smartauthorizer.api.TokenTimes;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The SMART scope policy applied to every accepted token, after the claim mapper and before the role is chosen.
 * Immutable and thread-safe.
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><td>{@code AUTHORIZER_SMART_VERSION}</td><td>{@code v2} (default; data store strategy {@code SMART_ON_FHIR}:
 *       v1, v2 and v2.2 scopes pass) or {@code v1} ({@code SMART_ON_FHIR_V1}: only v1 scopes pass)</td></tr>
 *   <tr><td>{@code AUTHORIZER_SMART_TRANSLATE_V2}</td><td>{@code true} on a v1 data store: v2 scopes are translated
 *       ({@link SmartScope#toV1()}) instead of dropped; default {@code false}</td></tr>
 *   <tr><td>{@code AUTHORIZER_PATIENT_CONTEXT}</td><td>{@code required} (default): a token granted a {@code patient/}
 *       scope must carry the patient claim; {@code optional}: it need not</td></tr>
 *   <tr><td>{@code AUTHORIZER_FHIR_USER_FORM}</td><td>{@code as-is} (default), {@code relative}
 *       ({@code Practitioner/123}) or {@code absolute} (the data store endpoint + {@code Practitioner/123})</td></tr>
 * </table>
 *
 * <p>The scope string is split on single spaces (U+0020) only. In order: tokens that are not RFC 6749 §3.3
 * scope-tokens ({@link #isScopeToken}: a control character, whitespace other than the separating space, {@code "},
 * {@code \} or anything outside ASCII) are dropped, so {@code launch<TAB>system/*.*} never reaches HealthLake as one
 * opaque token; resource scopes that are not valid SMART scopes are dropped, and so are scopes whose part before the
 * first {@code /} is a SMART context in another case ({@code Patient/*.read}, {@code SYSTEM/*.*}); scopes the data
 * store's version cannot take are dropped or translated; no resource scope left is {@code INSUFFICIENT_SCOPE}, its
 * detail counting what was dropped and never quoting it; a {@code patient/} scope without a patient claim is
 * {@code MISSING_CLAIM}; {@code fhirUser} is put into the configured form, and one that cannot be ({@code fhirUser}
 * not a reference {@code Type/id}, or an absolute URL outside the data store) is {@code MISSING_CLAIM}. Other scopes
 * ({@code openid}, {@code fhirUser}, {@code launch/patient}, ...) pass untouched. When nothing was dropped or
 * translated and the tokens were separated by single spaces, the scope string is passed on byte for byte; otherwise
 * it is the kept scopes joined by single spaces, each once, with no empty token. Either way what is passed on is a
 * list of scope-tokens each of which was in the issued string or is the v1 translation of one.
 */
final class SmartScopePolicy {
  static final String VERSION_VARIABLE = "SMART_VERSION";
  static final String TRANSLATE_VARIABLE = "SMART_TRANSLATE_V2";
  static final String PATIENT_CONTEXT_VARIABLE = "PATIENT_CONTEXT";
  static final String FHIR_USER_FORM_VARIABLE = "FHIR_USER_FORM";

  /** The form {@code fhirUser} is emitted in. */
  enum FhirUserForm {
    AS_IS, RELATIVE, ABSOLUTE
  }

  /** A relative FHIR reference {@code Type/id} (FHIR ids: 1 to 64 of {@code [A-Za-z0-9-.]}). */
  private static final Pattern REFERENCE = Pattern.compile("[A-Z][A-Za-z]{0,63}/[A-Za-z0-9.-]{1,64}");

  private final SmartScope.Version version;
  private final boolean translateV2;
  private final boolean patientContextRequired;
  private final String patientClaim;
  private final FhirUserForm fhirUserForm;

  SmartScopePolicy(SmartScope.Version version, boolean translateV2, boolean patientContextRequired,
      String patientClaim, FhirUserForm fhirUserForm) {
    this.version = version;
    this.translateV2 = translateV2;
    this.patientContextRequired = patientContextRequired;
    this.patientClaim = patientClaim;
    this.fhirUserForm = fhirUserForm;
  }

  /**
   * The policy as configured.
   *
   * @param patientClaim the name of the patient claim ({@code AUTHORIZER_PATIENT_CLAIM}), for deny details
   */
  static SmartScopePolicy fromConfiguration(Configuration config, String patientClaim) {
    String v = config.choice(VERSION_VARIABLE, "v2", Set.of("v1", "v2"));
    SmartScope.Version version = v.equals("v1") ? SmartScope.Version.V1 : SmartScope.Version.V2;
    boolean translate = config.flag(TRANSLATE_VARIABLE, false);
    if (translate && version == SmartScope.Version.V2) {
      throw new ConfigurationException(config.variable(TRANSLATE_VARIABLE), "is only for v1 data stores ("
          + config.variable(VERSION_VARIABLE) + "=v1): a v2 data store takes v2 scopes as they are");
    }
    boolean required = config.choice(PATIENT_CONTEXT_VARIABLE, "required", Set.of("required", "optional"))
        .equals("required");
    String form = config.choice(FHIR_USER_FORM_VARIABLE, "as-is", Set.of("as-is", "relative", "absolute"));
    FhirUserForm fhirUserForm = switch (form) {
      case "relative" -> FhirUserForm.RELATIVE;
      case "absolute" -> FhirUserForm.ABSOLUTE;
      default -> FhirUserForm.AS_IS;
    };
    return new SmartScopePolicy(version, translate, required, patientClaim, fhirUserForm);
  }

  /**
   * The outcome for one accepted token: the payload to send and the resource scopes it grants, or why it is refused.
   *
   * @param payload the payload with the policy applied, or {@code null} when refused
   * @param resourceScopes the SMART resource scopes granted, never empty when allowed
   * @param rejection why the token is refused, or {@code null}
   */
  record Outcome(AuthPayload payload, List<SmartScope> resourceScopes, Rejection rejection) {}

  /** Applies the policy to the payload the claim mapper produced. */
  Outcome apply(AuthPayload payload, HealthLakeRequest request) {
    TokenTimes times = new TokenTimes(payload.iat(), payload.nbf(), payload.exp());
    String issued = payload.scope();
    List<String> kept = new ArrayList<>();
    List<SmartScope> resourceScopes = new ArrayList<>();
    int notScopeTokens = 0;
    int invalid = 0;
    int unsupported = 0;
    boolean changed = false;
    for (int start = 0, end; start <= issued.length(); start = end + 1) {
      end = issued.indexOf(' ', start);
      if (end < 0) {
        end = issued.length();
      }
      String scope = issued.substring(start, end);
      if (scope.isEmpty()) {
        changed = true;
        continue;
      }
      if (!isScopeToken(scope)) {
        notScopeTokens++;
        changed = true;
        continue;
      }
      if (!SmartScope.isResourceScope(scope)) {
        if (SmartScope.isResourceScopeInAnotherCase(scope)) {
          invalid++;
          changed = true;
        } else {
          kept.add(scope);
        }
        continue;
      }
      Optional<SmartScope> parsed = SmartScope.parse(scope);
      if (parsed.isEmpty()) {
        invalid++;
        changed = true;
        continue;
      }
      SmartScope granted = parsed.get();
      if (version == SmartScope.Version.V1 && granted.version() == SmartScope.Version.V2) {
        granted = translateV2 ? granted.toV1().orElse(null) : null;
        changed = true;
        if (granted == null) {
          unsupported++;
          continue;
        }
      }
      kept.add(granted.text());
      resourceScopes.add(granted);
    }
    if (resourceScopes.isEmpty()) {
      return refuse(ReasonCode.INSUFFICIENT_SCOPE, "no SMART resource scope (patient/, user/, system/) the data store"
          + " takes" + dropped(notScopeTokens, invalid, unsupported), times);
    }
    if (patientContextRequired && (payload.patient() == null || payload.patient().isBlank())
        && resourceScopes.stream().anyMatch(s -> s.context().equals("patient"))) {
      return refuse(ReasonCode.MISSING_CLAIM, "patient/ scopes granted but no patient context (claim "
          + patientClaim + ")", times);
    }
    String fhirUser = payload.fhirUser();
    if (fhirUser != null && fhirUserForm != FhirUserForm.AS_IS) {
      String relative = relativeReference(fhirUser, request.datastoreEndpoint());
      if (relative == null) {
        return refuse(ReasonCode.MISSING_CLAIM, "fhirUser is not a reference Type/id on this data store, so it cannot"
            + " be put in the " + fhirUserForm.name().toLowerCase(Locale.ROOT) + " form", times);
      }
      fhirUser = fhirUserForm == FhirUserForm.RELATIVE ? relative : withSlash(request.datastoreEndpoint()) + relative;
    }
    String scope = changed ? String.join(" ", new LinkedHashSet<>(kept)) : payload.scope();
    AuthPayload result = payload.toBuilder().scope(scope).fhirUser(fhirUser).build();
    return new Outcome(result, List.copyOf(resourceScopes), null);
  }

  /**
   * {@code fhirUser} as a relative reference: itself when it is one, the rest of an absolute URL under the data store
   * endpoint, else {@code null}.
   */
  static String relativeReference(String fhirUser, String endpoint) {
    String base = withSlash(endpoint);
    String relative = fhirUser.startsWith(base) ? fhirUser.substring(base.length()) : fhirUser;
    return REFERENCE.matcher(relative).matches() ? relative : null;
  }

  private static String withSlash(String endpoint) {
    return endpoint.endsWith("/") ? endpoint : endpoint + "/";
  }

  /**
   * Whether a scope is an RFC 6749 §3.3 scope-token: {@code 1*( %x21 / %x23-5B / %x5D-7E )}, i.e. printable ASCII
   * without space, {@code "} and {@code \}.
   */
  static boolean isScopeToken(String scope) {
    if (scope.isEmpty()) {
      return false;
    }
    for (int i = 0; i < scope.length(); i++) {
      char c = scope.charAt(i);
      if (c < 0x21 || c > 0x7E || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  private static String dropped(int notScopeTokens, int invalid, int unsupported) {
    List<String> parts = new ArrayList<>();
    if (notScopeTokens > 0) {
      parts.add(notScopeTokens + " not valid RFC 6749 scope-token" + (notScopeTokens == 1 ? "" : "s"));
    }
    if (invalid > 0) {
      parts.add(invalid + " not valid SMART scope" + (invalid == 1 ? "" : "s"));
    }
    if (unsupported > 0) {
      parts.add(unsupported + " v2 scope" + (unsupported == 1 ? "" : "s") + " a v1 data store cannot take");
    }
    return parts.isEmpty() ? "" : " (dropped: " + String.join(", ", parts) + ")";
  }

  private static Outcome refuse(ReasonCode reason, String detail, TokenTimes times) {
    return new Outcome(null, List.of(), new Rejection(reason, detail, times));
  }
}
