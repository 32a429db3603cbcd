package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.HealthLakeResponse;
import io.github.smartauthorizer.api.ReasonCode;

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
 */
public record Decision(HealthLakeResponse response, ReasonCode reason, String detail, String operationName,
    String datastoreId, String tokenFingerprint, long latencyNanos, String instance) {

  /** Whether HealthLake is told to authorize the request. */
  public boolean authorized() {
    return response.authPayload().isAuthorized();
  }

  /** The response as the JSON HealthLake reads. */
  public String responseJson() {
    return HealthLakeResponses.toJsonText(response);
  }
}
