package io.github.smartauthorizer.api;

import java.util.Objects;
import java.util.Optional;

/**
 * One invocation of the IdP Lambda by AWS HealthLake: the data store endpoint, the FHIR operation and the bearer token
 * of the request being authorized. Immutable.
 *
 * <p>{@code datastoreEndpoint} is the base FHIR URL with its trailing slash, exactly as HealthLake sends it; it becomes
 * the {@code aud} of the answer. The optional fields are present in events captured from HealthLake but not
 * documented, so nothing depends on them.
 *
 * @param datastoreEndpoint the data store's FHIR base URL, never {@code null}
 * @param operationName the HealthLake operation, e.g. {@code SearchWithGet}, never {@code null}
 * @param bearerToken the token as HealthLake sent it, never {@code null}; it may be empty or garbage
 * @param datastoreId the data store id, or {@code null}
 * @param datastoreTypeVersion the FHIR version, e.g. {@code R4}, or {@code null}
 * @param datastoreName the data store name, or {@code null}
 * @param deadline when the decision is due, shared by every remote call of the request; {@code null} is taken as
 *     {@link Deadline#none()} (tools and tests; the decision pipeline always sets one)
 */
public record HealthLakeRequest(
    String datastoreEndpoint,
    String operationName,
    String bearerToken,
    String datastoreId,
    String datastoreTypeVersion,
    String datastoreName,
    Deadline deadline) {

  public HealthLakeRequest {
    Objects.requireNonNull(datastoreEndpoint, "datastoreEndpoint");
    Objects.requireNonNull(operationName, "operationName");
    Objects.requireNonNull(bearerToken, "bearerToken");
    deadline = deadline == null ? Deadline.none() : deadline;
  }

  /** A request without a deadline ({@link Deadline#none()}), as tools and tests build one. */
  public HealthLakeRequest(String datastoreEndpoint, String operationName, String bearerToken, String datastoreId,
      String datastoreTypeVersion, String datastoreName) {
    this(datastoreEndpoint, operationName, bearerToken, datastoreId, datastoreTypeVersion, datastoreName, null);
  }

  /** The data store id, from the event or else from the last path segment before the FHIR version. */
  public Optional<String> datastoreIdOrDerived() {
    if (datastoreId != null) {
      return Optional.of(datastoreId);
    }
    String[] segments = datastoreEndpoint.split("/");
    for (int i = 0; i + 1 < segments.length; i++) {
      if (segments[i].equals("datastore")) {
        return Optional.of(segments[i + 1]);
      }
    }
    return Optional.empty();
  }

  /** A builder for the three required fields and the optional ones. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link HealthLakeRequest}; not thread-safe. */
  public static final class Builder {
    private String datastoreEndpoint;
    private String operationName;
    private String bearerToken;
    private String datastoreId;
    private String datastoreTypeVersion;
    private String datastoreName;
    private Deadline deadline;

    private Builder() {}

    public Builder datastoreEndpoint(String value) {
      this.datastoreEndpoint = value;
      return this;
    }

    public Builder operationName(String value) {
      this.operationName = value;
      return this;
    }

    public Builder bearerToken(String value) {
      this.bearerToken = value;
      return this;
    }

    public Builder datastoreId(String value) {
      this.datastoreId = value;
      return this;
    }

    public Builder datastoreTypeVersion(String value) {
      this.datastoreTypeVersion = value;
      return this;
    }

    public Builder datastoreName(String value) {
      this.datastoreName = value;
      return this;
    }

    /** When the decision is due; default {@link Deadline#none()}. */
    public Builder deadline(Deadline value) {
      this.deadline = value;
      return this;
    }

    public HealthLakeRequest build() {
      return new HealthLakeRequest(
          datastoreEndpoint, operationName, bearerToken, datastoreId, datastoreTypeVersion, datastoreName, deadline);
    }
  }
}
