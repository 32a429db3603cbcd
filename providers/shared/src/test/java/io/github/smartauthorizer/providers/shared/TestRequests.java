package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.HealthLakeRequest;

/** HealthLake requests for tests. Shared with other modules through the test-jar. */
public final class TestRequests {
  /** A data store endpoint shaped like the ones HealthLake sends (with its trailing slash). */
  public static final String DATASTORE_ENDPOINT =
      "https://healthlake.us-east-1.amazonaws.com/datastore/0123456789abcdef0123456789abcdef/r4/";

  private TestRequests() {}

  /** A {@code SearchWithGet} request on {@link #DATASTORE_ENDPOINT} carrying this token. */
  public static HealthLakeRequest request(String bearerToken) {
    return request(DATASTORE_ENDPOINT, bearerToken);
  }

  /** A {@code SearchWithGet} request on an endpoint carrying this token. */
  public static HealthLakeRequest request(String datastoreEndpoint, String bearerToken) {
    return HealthLakeRequest.builder()
        .datastoreEndpoint(datastoreEndpoint)
        .operationName("SearchWithGet")
        .bearerToken(bearerToken)
        .datastoreId("0123456789abcdef0123456789abcdef")
        .datastoreTypeVersion("R4")
        .build();
  }
}
