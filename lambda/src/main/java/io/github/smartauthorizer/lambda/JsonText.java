package io.github.smartauthorizer.lambda;

import java.util.Collection;
import java.util.Map;

/**
 * Writes small JSON documents (responses, log and metric lines) from maps, in member order, without reflection and
 * without an intermediate buffer: one {@link StringBuilder} per document, which matters on the per-decision path
 * (docs/performance.md). The output is byte for byte what moshi's {@code JsonWriter} writes: strings escaped as
 * RFC 8259 requires plus U+2028 and U+2029, control characters as {@code \b \t \n \f \r} or lower-case
 * {@code \}{@code uXXXX}, integers as such, other numbers by their {@code toString()} (non-finite ones refused), a lone
 * surrogate as {@code ?}.
 */
final class JsonText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  /** One JSON object; {@code null} members are left out. */
  static String object(Map<String, ?> members) {
    StringBuilder out = new StringBuilder(256);
    write(out, members);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      string(out, s);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (e.getValue() != null) {
          if (!first) {
            out.append(',');
          }
          first = false;
          string(out, String.valueOf(e.getKey()));
          out.append(':');
          write(out, e.getValue());
        }
      }
      out.append('}');
    } else if (value instanceof Collection<?> items) {
      out.append('[');
      boolean first = true;
      for (Object item : items) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(out, item);
      }
      out.append(']');
    } else if (value instanceof Boolean b) {
      out.append(b.booleanValue());
    } else if (value instanceof Long || value instanceof Integer) {
      out.append(((Number) value).longValue());
    } else if (value instanceof Number n) {
      String text = n.toString();
      if (text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity")) {
        throw new IllegalArgumentException("Numeric values must be finite, but was " + text);
      }
      out.append(text);
    } else {
      string(out, String.valueOf(value));
    }
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    int start = 0;
    int length = s.length();
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      String escape;
      if (c >= 0x20 && c != '"' && c != '\\' && c != '\u2028' && c != '\u2029' && !Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++; // a pair: written as it is
          continue;
        }
        out.append(s, start, i).append('?'); // a lone surrogate has no UTF-8 form: '?' as okio wrote it
        start = i + 1;
        continue;
      }
      switch (c) {
        case '"' -> escape = "\\\"";
        case '\\' -> escape = "\\\\";
        case '\b' -> escape = "\\b";
        case '\t' -> escape = "\\t";
        case '\n' -> escape = "\\n";
        case '\f' -> escape = "\\f";
        case '\r' -> escape = "\\r";
        default -> escape = null;
      }
      out.append(s, start, i);
      if (escape != null) {
        out.append(escape);
      } else {
        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF])
            .append(HEX[c & 0xF]);
      }
      start = i + 1;
    }
    out.append(s, start, length);
    out.append('"');
  }
}
