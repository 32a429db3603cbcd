package io.github.smartauthorizer.it.keycloak;

import io.github.smartauthorizer.api.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Reading (never verifying) the parts of a compact JWS, and JSON answers, for assertions. */
public final class Jwts {
  private Jwts() {}

  /** The decoded JOSE header. */
  public static Map<String, Object> header(String compactJws) {
    return json(Base64.getUrlDecoder().decode(part(compactJws, 0)));
  }

  /** The decoded claim set. */
  public static Map<String, Object> payload(String compactJws) {
    return json(Base64.getUrlDecoder().decode(part(compactJws, 1)));
  }

  /** Parses a JSON object strictly ({@link StrictJson}); fails with the text when it is not one. */
  public static Map<String, Object> json(String text) {
    return json(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Parses a JSON array (an admin API listing) strictly; fails with the text when it is not one. */
  public static List<Object> jsonArray(String text) {
    Object array = json("{\"array\":" + text + "}").get("array");
    if (!(array instanceof List<?> list)) {
      throw new IllegalStateException("not a JSON array: " + text);
    }
    return new ArrayList<>(list);
  }

  /** A JSON value that must be an object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> asObject(Object value) {
    if (!(value instanceof Map<?, ?>)) {
      throw new IllegalStateException("not a JSON object: " + value);
    }
    return (Map<String, Object>) value;
  }

  static Map<String, Object> json(byte[] utf8) {
    try {
      return StrictJson.parseObject(utf8);
    } catch (StrictJson.MalformedJsonException e) {
      throw new IllegalStateException("not a JSON object (" + e.getMessage() + "): "
          + new String(utf8, StandardCharsets.UTF_8), e);
    }
  }

  private static String part(String compactJws, int index) {
    String[] parts = compactJws.split("\\.", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a compact JWS: " + parts.length + " parts");
    }
    return parts[index];
  }
}
