package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.HealthLakeResponse;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.VerifiedToken;
import java.util.Map;

/**
 * One decision of the authorizer: the response for HealthLake and, for logs and tools, why.
 *
 * @param response what HealthLake receives
 * @param reason why the request was denied, or {@code null} when it was authorized
 * @param detail a secret-free explanation of a deny, or {@code null}
 * @param operationName the HealthLake operation, when the event was readable
 * @param datastoreId the data store id, when known
 * @param tokenFingerprint a short hash of the token, when there was one
 * @param latencyNanos how long the decision took
 * @param instance the provider instance that decided the token ({@code AUTHORIZER_PROVIDERS}), or {@code null} with
 *     a single provider or when the token reached no instance
 * @param origin who issued the token and to which client, as far as the decision can vouch for it
 */
public record Decision(HealthLakeResponse response, ReasonCode reason, String detail, String operationName,
    String datastoreId, String tokenFingerprint, long latencyNanos, String instance, Origin origin) {

  public Decision {
    origin = origin == null ? Origin.NONE : origin;
  }

  /**
   * Who issued a token and to which client, for the decision log: never the token, never a claim set.
   *
   * <p>When the validator accepted the token (whatever the policy then decided) both come from its verified claims:
   * {@code iss}, and the client from the claim the provider documents ({@link VerifiedToken#clientId()}), else
   * {@code azp}, else {@code client_id}. When it refused a JWT, only the {@code iss} the token claims, marked
   * unverified, and no client: anyone can write any claim into a token that does not verify. Each value is cut to
   * {@value #MAX_LENGTH} characters (then {@code ...} is appended).
   *
   * @param issuer the issuer, or {@code null}
   * @param verified whether {@code issuer} and {@code client} come from a token the validator accepted
   * @param client the OAuth client, or {@code null}; always {@code null} when not verified
   */
  public record Origin(String issuer, boolean verified, String client) {
    /** No token, or nothing known about it. */
    static final Origin NONE = new Origin(null, false, null);
    /** The longest value kept. */
    static final int MAX_LENGTH = 256;

    public Origin {
      issuer = capped(issuer);
      client = verified ? capped(client) : null;
    }

    /** What a token the validator accepted says. */
    static Origin of(VerifiedToken token) {
      String client = token.clientId().or(() -> token.stringClaim("azp")).or(() -> token.stringClaim("client_id"))
          .orElse(null);
      return new Origin(token.issuer(), true, client);
    }

    /**
     * The {@code iss} a refused token claims, unverified: only when it is a JWT no longer than any instance would read
     * and its {@code iss} is a string.
     */
    static Origin claimedBy(String token) {
      if (token == null || token.length() > ProviderInstances.MAX_TOKEN_BYTES) {
        return NONE;
      }
      Map<String, Object> claims = ProviderInstances.unverifiedClaims(token);
      return claims != null && claims.get("iss") instanceof String iss ? new Origin(iss, false, null) : NONE;
    }

    private static String capped(String value) {
      if (value == null || value.length() <= MAX_LENGTH) {
        return value;
      }
      int end = Character.isHighSurrogate(value.charAt(MAX_LENGTH - 1)) ? MAX_LENGTH - 1 : MAX_LENGTH;
      return value.substring(0, end) + "...";
    }
  }

  /** Whether HealthLake is told to authorize the request. */
  public boolean authorized() {
    return response.authPayload().isAuthorized();
  }

  /** The response as the JSON HealthLake reads. */
  public String responseJson() {
    return HealthLakeResponses.toJsonText(response);
  }
}
