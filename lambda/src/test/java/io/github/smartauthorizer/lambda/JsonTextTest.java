package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/** {@link JsonText} writes exactly what moshi's {@code JsonWriter} wrote before it, for every kind of value. */
class JsonTextTest {
  @Test
  void writesWhatMoshiWrites() throws IOException {
    StringBuilder every = new StringBuilder();
    for (char c = 0; c < 0x80; c++) {
      every.append(c);
    }
    every.append("é€😀\u2028\u2029\u007f\ud800");
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("a", null);
    nested.put("b", List.of(1L, "x"));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("string", every.toString());
    doc.put("empty", "");
    doc.put("skipped", null);
    doc.put("true", true);
    doc.put("false", false);
    doc.put("long", Long.MIN_VALUE);
    doc.put("int", 42);
    doc.put("double", 0.41);
    doc.put("big", new BigDecimal("1E+3"));
    doc.put("nested", nested);
    doc.put("list", new ArrayList<>(Arrays.asList("a", null, 2.5, Map.of("k", "v"), List.of())));
    doc.put("quote\"key\n", "tab\there");
    doc.put("other", new StringBuilder("sb"));
    assertEquals(moshi(doc), JsonText.object(doc));
    assertEquals(moshi(Map.of()), JsonText.object(Map.of()));
  }

  @Test
  void refusesNonFiniteNumbers() {
    assertThrows(IllegalArgumentException.class, () -> JsonText.object(Map.of("x", Double.NaN)));
    assertThrows(IllegalArgumentException.class, () -> JsonText.object(Map.of("x", Double.POSITIVE_INFINITY)));
  }

  /** The former implementation, for comparison. */
  private static String moshi(Map<String, ?> members) throws IOException {
    Buffer buffer = new Buffer();
    try (JsonWriter writer = JsonWriter.of(buffer)) {
      write(writer, members);
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
