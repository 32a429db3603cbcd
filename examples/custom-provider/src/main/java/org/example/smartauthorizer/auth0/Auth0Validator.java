package org.example.smartauthorizer.auth0;

import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.Rejection;
import io.github.smartauthorizer.api.TokenTimes;
import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates Auth0 access tokens (JWTs signed RS256, default or RFC 9068 dialect) locally. Immutable configuration,
 * thread-safe.
 *
 * <p>In order, first failure wins: size; three base64url segments whose header and payload are JSON objects; header
 * {@code alg} exactly {@code RS256} (so never {@code none} or {@code HS256}), no {@code crit}, a {@code kid}; the key
 * for that kid; the signature; then the claims: {@code exp} and {@code iat} (or {@code nbf}) present, {@code iss}
 * exactly the issuer (with its trailing slash), not expired, not from the future, {@code aud} (a string or an array)
 * containing an accepted audience, the header {@code typ} when one is required, and the client when an allow-list is
 * set. The scope is {@code scope}, combined with the RBAC {@code permissions} array as configured.
 */
final class Auth0Validator implements TokenValidator {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");

  private final Auth0Settings settings;
  private final Auth0Keys keys;
  private final Clock clock;

  Auth0Validator(Auth0Settings settings, Auth0Keys keys, Clock clock) {
    this.settings = settings;
    this.keys = keys;
    this.clock = clock;
  }

  /** The token was refused. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Rejection rejection;

    Refused(ReasonCode reason, String detail) {
      this(new Rejection(reason, detail, TokenTimes.UNKNOWN));
    }

    Refused(Rejection rejection) {
      super(rejection.detail(), null, false, false);
      this.rejection = rejection;
    }
  }

  @Override
  public ValidationResult validate(String bearerToken, HealthLakeRequest request) {
    try {
      return ValidationResult.accepted(verify(bearerToken, request));
    } catch (Refused e) {
      return ValidationResult.rejected(e.rejection);
    }
  }

  private VerifiedToken verify(String token, HealthLakeRequest request) throws Refused {
    if (token.length() > settings.maxTokenBytes()) {
      throw new Refused(ReasonCode.TOKEN_TOO_LARGE, "token longer than " + settings.maxTokenBytes() + " bytes");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || !SEGMENT.matcher(parts[0]).matches() || !SEGMENT.matcher(parts[1]).matches()
        || !SEGMENT.matcher(parts[2]).matches()) {
      throw new Refused(ReasonCode.MALFORMED_TOKEN, "not three base64url segments");
    }
    Map<String, Object> header = json(parts[0], "header");
    Map<String, Object> claims = json(parts[1], "payload");

    if (!"RS256".equals(header.get("alg"))) {
      throw new Refused(ReasonCode.ALG_NOT_ALLOWED, "alg is not RS256");
    }
    if (header.containsKey("crit")) {
      throw new Refused(ReasonCode.UNSUPPORTED_CRIT, "crit is not supported");
    }
    if (!(header.get("kid") instanceof String kid) || kid.isEmpty() || kid.length() > 256) {
      throw new Refused(ReasonCode.MALFORMED_TOKEN, "kid missing or not a short string");
    }
    RSAPublicKey key;
    try {
      key = keys.key(kid);
    } catch (Auth0Keys.Unavailable e) {
      throw new Refused(ReasonCode.IDP_UNAVAILABLE, e.getMessage());
    }
    if (key == null) {
      throw new Refused(ReasonCode.UNKNOWN_KID, "no signing key has this kid");
    }
    if (!verifies(key, parts)) {
      throw new Refused(ReasonCode.BAD_SIGNATURE, "signature does not verify");
    }

    // From here the token is authentic: its times may be returned in a deny.
    Long exp = time(claims, "exp");
    Long iat = time(claims, "iat");
    Long nbf = time(claims, "nbf");
    TokenTimes times = new TokenTimes(iat, nbf, exp);
    try {
      checkClaims(header, claims, times, request);
    } catch (Refused e) {
      throw new Refused(new Rejection(e.rejection.reason(), e.rejection.detail(), times));
    }
    return VerifiedToken.builder()
        .issuer(settings.issuer())
        .subject(claims.get("sub") instanceof String sub ? sub : null)
        .audiences(audiences(claims))
        .times(times)
        .scope(scope(claims))
        .clientId(clientId(claims))
        .claims(claims)
        .build();
  }

  private void checkClaims(Map<String, Object> header, Map<String, Object> claims, TokenTimes times,
      HealthLakeRequest request) throws Refused {
    if (times.expiresAt() == null) {
      throw new Refused(ReasonCode.MISSING_CLAIM, "exp missing or not an integer");
    }
    if (times.notBeforeOrIssuedAt() == null) {
      throw new Refused(ReasonCode.MISSING_CLAIM, "iat missing or not an integer (HealthLake needs nbf)");
    }
    if (!settings.issuer().equals(claims.get("iss"))) {
      throw new Refused(ReasonCode.INVALID_ISSUER, "iss does not match (Auth0 issuers end with a slash)");
    }
    long now = clock.instant().getEpochSecond();
    long skew = settings.clockSkew().toSeconds();
    if (times.expiresAt() + skew <= now) {
      throw new Refused(ReasonCode.EXPIRED, "exp has passed");
    }
    if (times.notBeforeOrIssuedAt() - skew > now || (times.issuedAt() != null && times.issuedAt() - skew > now)) {
      throw new Refused(ReasonCode.NOT_YET_VALID, "nbf or iat is in the future");
    }
    List<String> accepted = settings.audiences().isEmpty() ? List.of(request.datastoreEndpoint())
        : settings.audiences();
    if (audiences(claims).stream().noneMatch(aud -> accepted.stream().anyMatch(a -> sameAudience(a, aud)))) {
      throw new Refused(ReasonCode.INVALID_AUDIENCE, "aud does not contain an accepted audience");
    }
    if (settings.requiredType() != null) {
      Object typ = header.get("typ");
      if (!(typ instanceof String t) || !sameType(t, settings.requiredType())) {
        throw new Refused(ReasonCode.INVALID_TOKEN_TYPE, "header typ is not " + settings.requiredType());
      }
    }
    if (!settings.clientIds().isEmpty() && !settings.clientIds().contains(clientId(claims))) {
      throw new Refused(ReasonCode.INVALID_CLIENT, "client_id/azp is not in the allow-list");
    }
  }

  /** {@code scope}, combined with {@code permissions} as {@link Auth0Settings#permissions()} says. */
  String scope(Map<String, Object> claims) {
    String scope = claims.get("scope") instanceof String s ? s : null;
    List<String> permissions = new ArrayList<>();
    if (claims.get("permissions") instanceof List<?> items) {
      for (Object item : items) {
        if (item instanceof String p && !p.isEmpty() && p.chars().noneMatch(Character::isWhitespace)) {
          permissions.add(p);
        }
      }
    }
    switch (settings.permissions()) {
      case IGNORE:
        return scope == null ? "" : scope;
      case FALLBACK:
        return scope != null ? scope : String.join(" ", permissions);
      default: // MERGE: the scope byte for byte, then the permissions it lacks
        Set<String> present = new LinkedHashSet<>(List.of((scope == null ? "" : scope).split(" ")));
        StringBuilder merged = new StringBuilder(scope == null ? "" : scope);
        for (String permission : permissions) {
          if (present.add(permission)) {
            merged.append(merged.length() == 0 ? "" : " ").append(permission);
          }
        }
        return merged.toString();
    }
  }

  private static boolean verifies(RSAPublicKey key, String[] parts) {
    try {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(key);
      verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      return verifier.verify(Base64.getUrlDecoder().decode(parts[2]));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private static Map<String, Object> json(String segment, String what) throws Refused {
    try {
      return Json.parseObject(Base64.getUrlDecoder().decode(segment));
    } catch (IllegalArgumentException | Json.MalformedException e) {
      throw new Refused(ReasonCode.MALFORMED_TOKEN, what + " is not a base64url JSON object");
    }
  }

  private static Long time(Map<String, Object> claims, String name) {
    return claims.get(name) instanceof Long value ? value : null;
  }

  private static List<String> audiences(Map<String, Object> claims) {
    Object aud = claims.get("aud");
    if (aud instanceof String s) {
      return List.of(s);
    }
    List<String> list = new ArrayList<>();
    if (aud instanceof List<?> items) {
      items.stream().filter(String.class::isInstance).map(String.class::cast).forEach(list::add);
    }
    return list;
  }

  /** {@code client_id} (RFC 9068 dialect) or {@code azp} (default dialect). */
  private static String clientId(Map<String, Object> claims) {
    if (claims.get("client_id") instanceof String id && !id.isEmpty()) {
      return id;
    }
    return claims.get("azp") instanceof String azp && !azp.isEmpty() ? azp : null;
  }

  /** Equal, or equal but for one trailing slash (API identifiers are often URLs). */
  private static boolean sameAudience(String accepted, String aud) {
    return accepted.equals(aud) || accepted.equals(aud + "/") || aud.equals(accepted + "/");
  }

  /** Media types compare case-insensitively, and {@code application/} may be left out (RFC 7515 §4.1.9). */
  private static boolean sameType(String typ, String required) {
    String a = typ.toLowerCase(Locale.ROOT);
    String b = required.toLowerCase(Locale.ROOT);
    return a.equals(b) || a.equals("application/" + b) || b.equals("application/" + a);
  }
}
