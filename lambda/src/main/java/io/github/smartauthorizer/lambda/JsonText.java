package io.github.smartauthorizer.lambda;

import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;
import okio.Buffer;

/** Writes small JSON documents (responses, log lines) from maps, in member order, without reflection. */
final class JsonText {
  private JsonText() {}

  /** One JSON object; {@code null} members are left out. */
  static String object(Map<String, ?> members) {
    Buffer buffer = new Buffer();
    try (JsonWriter writer = JsonWriter.of(buffer)) {
      write(writer, members);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.readUtf8();
  }

  private static void write(JsonWriter writer, Object value) throws IOException {
    if (value == null) {
      writer.nullValue();
    } else if (value instanceof Map<?, ?> map) {
      writer.beginObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (e.getValue() != null) {
          writer.name(String.valueOf(e.getKey()));
          write(writer, e.getValue());
        }
      }
      writer.endObject();
    } else if (value instanceof Collection<?> items) {
      writer.beginArray();
      for (Object item : items) {
        write(writer, item);
      }
      writer.endArray();
    } else if (value instanceof Boolean b) {
      writer.value(b);
    } else if (value instanceof Long || value instanceof Integer) {
      writer.value(((Number) value).longValue());
    } else if (value instanceof Number n) {
      writer.value(n);
    } else {
      writer.value(String.valueOf(value));
    }
  }
}
