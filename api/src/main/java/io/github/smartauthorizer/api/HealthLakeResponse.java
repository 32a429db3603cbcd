package io.github.smartauthorizer.api;

import java.util.Objects;

/**
 * The whole answer to HealthLake: {@code {"authPayload": {...}, "iamRoleARN": "..."}}. Immutable.
 *
 * @param authPayload the payload, never {@code null}
 * @param iamRoleArn the IAM role HealthLake assumes for the request, never {@code null} (empty only when the
 *     authorizer is misconfigured and knows no role)
 */
public record HealthLakeResponse(AuthPayload authPayload, String iamRoleArn) {
  public HealthLakeResponse {
    Objects.requireNonNull(authPayload, "authPayload");
    Objects.requireNonNull(iamRoleArn, "iamRoleArn");
  }
}
