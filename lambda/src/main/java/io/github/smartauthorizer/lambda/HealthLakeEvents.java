package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.Deadline;
import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.json.StrictJson;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the event HealthLake sends ({@code datastoreEndpoint}, {@code operationName}, {@code bearerToken}, and the
 * undocumented {@code datastoreId}, {@code datastoreTypeVersion}, {@code datastoreName}) strictly: a JSON object of at
 * most {@link #MAX_EVENT_BYTES}, the three documented members non-empty strings, the optional ones strings if present.
 * Unknown members are ignored (HealthLake may add some). A stray {@code Bearer } prefix is stripped once.
 */
final class HealthLakeEvents {
  static final int MAX_EVENT_BYTES = 64 * 1024;
  private static final String BEARER = "bearer ";

  private HealthLakeEvents() {}

  static HealthLakeRequest parse(byte[] event) throws InvalidEventException {
    return parse(event, Deadline.none());
  }

  /** The request of an event, decided by {@code deadline}. */
  static HealthLakeRequest parse(byte[] event, Deadline deadline) throws InvalidEventException {
    if (event.length > MAX_EVENT_BYTES) {
      throw new InvalidEventException("event larger than " + MAX_EVENT_BYTES + " bytes", null);
    }
    Map<String, Object> json;
    try {
      json = StrictJson.parseObject(event);
    } catch (StrictJson.MalformedJsonException e) {
      throw new InvalidEventException("event is not a JSON object: " + e.getMessage(), null);
    }
    String endpoint = json.get("datastoreEndpoint") instanceof String s ? s : null;
    try {
      return HealthLakeRequest.builder()
          .datastoreEndpoint(required(json, "datastoreEndpoint"))
          .operationName(required(json, "operationName"))
          .bearerToken(stripBearer(required(json, "bearerToken")))
          .datastoreId(optional(json, "datastoreId"))
          .datastoreTypeVersion(optional(json, "datastoreTypeVersion"))
          .datastoreName(optional(json, "datastoreName"))
          .deadline(deadline)
          .build();
    } catch (InvalidEventException e) {
      throw new InvalidEventException(e.getMessage(), endpoint);
    }
  }

  /** The datastore endpoint of an event that may be otherwise invalid, for the {@code aud} of a deny. */
  static String endpointOrNull(byte[] event) {
    try {
      Object value = StrictJson.parseObject(event).get("datastoreEndpoint");
      return value instanceof String s ? s : null;
    } catch (StrictJson.MalformedJsonException | RuntimeException e) {
      return null;
    }
  }

  static String stripBearer(String token) {
    if (token.length() > BEARER.length()
        && token.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return token.substring(BEARER.length());
    }
    return token;
  }

  private static String required(Map<String, Object> json, String name) throws InvalidEventException {
    Object value = json.get(name);
    if (!(value instanceof String s) || s.isEmpty()) {
      throw new InvalidEventException(name + " is missing or not a non-empty string", null);
    }
    return s;
  }

  private static String optional(Map<String, Object> json, String name) throws InvalidEventException {
    Object value = json.get(name);
    if (value != null && !(value instanceof String)) {
      throw new InvalidEventException(name + " is not a string", null);
    }
    return (String) value;
  }

  /**
   * The event cannot be read; the message never quotes the event. It carries the data store endpoint when the event
   * was JSON with one, for the {@code aud} of the deny, so the event is never parsed twice.
   */
  static final class InvalidEventException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String endpoint;

    InvalidEventException(String message, String endpoint) {
      super(message, null, false, false);
      this.endpoint = endpoint;
    }

    /** The event's {@code datastoreEndpoint} when it was a string, else {@code null}. */
    String endpoint() {
      return endpoint;
    }
  }
}
