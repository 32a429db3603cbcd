package io.github.smartauthorizer.providers.shared;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonReader;
import io.github.smartauthorizer.api.json.StrictJson;
import io.github.smartauthorizer.api.json.StrictJson.MalformedJsonException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okio.Buffer;

/**
 * The previous moshi-based {@link StrictJson} reader, kept only as a test oracle: {@link StrictJsonDifferentialTest}
 * and {@link StrictJsonFuzzTest} check that the hand-written production reader accepts and refuses the same documents
 * and reads the same values. Not for production use.
 *
 * <p>Known difference: this oracle accepts the literal names {@code true}, {@code false} and {@code null} in any case
 * ({@code TRUE}, {@code Null}, {@code fAlSe}: moshi's reader does so even when not lenient), which the production
 * reader refuses, as RFC 8259 requires lower case. It throws the production {@link StrictJson.MalformedJsonException}.
 *
 * <p>Otherwise it is the previous implementation unchanged: a strict RFC 8259 reader (UTF-8 only, invalid bytes and
 * lone surrogates refused, no comments or other leniency, no duplicate member names compared after unescaping, no
 * trailing data, bounded nesting depth), with values as {@code String}, {@code Boolean}, {@code null}, {@code Long}
 * (integers that fit), {@code BigDecimal} (other numbers), unmodifiable {@code List} and {@code Map}.
 */
final class MoshiStrictJsonOracle {
  /** The nesting depth allowed by default: deeper than any real token or JWKS. */
  public static final int DEFAULT_MAX_DEPTH = 16;

  private MoshiStrictJsonOracle() {}

  /** Parses a JSON object with the default depth limit. */
  static Map<String, Object> parseObject(byte[] utf8) throws MalformedJsonException {
    return parseObject(utf8, DEFAULT_MAX_DEPTH);
  }

  /**
   * Parses bytes that must hold exactly one JSON object.
   *
   * @throws MalformedJsonException when they do not
   */
  static Map<String, Object> parseObject(byte[] utf8, int maxDepth) throws MalformedJsonException {
    requireUtf8(utf8);
    requireEscapedControlCharacters(utf8);
    try (JsonReader reader = JsonReader.of(new Buffer().write(utf8))) {
      reader.setLenient(false);
      if (reader.peek() != JsonReader.Token.BEGIN_OBJECT) {
        throw new MalformedJsonException("top level is not an object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> object = (Map<String, Object>) readValue(reader, 1, maxDepth);
      if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
        throw new MalformedJsonException("trailing data after the object");
      }
      return object;
    } catch (JsonDataException | IOException | NumberFormatException e) {
      throw new MalformedJsonException("not strict JSON: " + e.getClass().getSimpleName());
    } catch (IllegalStateException e) {
      throw new MalformedJsonException("not strict JSON");
    }
  }

  private static Object readValue(JsonReader reader, int depth, int maxDepth) throws IOException, MalformedJsonException {
    switch (reader.peek()) {
      case BEGIN_OBJECT: {
        checkDepth(depth, maxDepth);
        Map<String, Object> map = new LinkedHashMap<>();
        reader.beginObject();
        while (reader.hasNext()) {
          String name = checkString(reader.nextName());
          if (map.containsKey(name)) {
            throw new MalformedJsonException("duplicate member name");
          }
          map.put(name, readValue(reader, depth + 1, maxDepth));
        }
        reader.endObject();
        return Collections.unmodifiableMap(map);
      }
      case BEGIN_ARRAY: {
        checkDepth(depth, maxDepth);
        List<Object> list = new ArrayList<>();
        reader.beginArray();
        while (reader.hasNext()) {
          list.add(readValue(reader, depth + 1, maxDepth));
        }
        reader.endArray();
        return Collections.unmodifiableList(list);
      }
      case STRING:
        return checkString(reader.nextString());
      case NUMBER:
        return number(reader.nextString());
      case BOOLEAN:
        return reader.nextBoolean();
      case NULL:
        return reader.nextNull();
      default:
        throw new MalformedJsonException("unexpected JSON token");
    }
  }

  private static Object number(String literal) throws MalformedJsonException {
    if (literal.length() > 64) {
      throw new MalformedJsonException("number literal too long");
    }
    if (literal.length() <= 18 && isPlainInteger(literal)) {
      return Long.parseLong(literal); // the usual iat, nbf, exp: no BigDecimal on the hot path
    }
    BigDecimal value = new BigDecimal(literal);
    if (value.scale() <= 0 || value.stripTrailingZeros().scale() <= 0) {
      try {
        return value.longValueExact();
      } catch (ArithmeticException e) {
        return value;
      }
    }
    return value;
  }

  /** {@code -?[0-9]+}: what moshi passed as a number literal and {@link Long#parseLong} reads exactly. */
  private static boolean isPlainInteger(String literal) {
    int start = literal.startsWith("-") ? 1 : 0;
    if (start == literal.length()) {
      return false;
    }
    for (int i = start; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static void checkDepth(int depth, int maxDepth) throws MalformedJsonException {
    if (depth > maxDepth) {
      throw new MalformedJsonException("nesting deeper than " + maxDepth);
    }
  }

  /** Refuses strings with unpaired UTF-16 surrogates (possible through {@code \\u} escapes). */
  private static String checkString(String s) throws MalformedJsonException {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          throw new MalformedJsonException("lone surrogate in string");
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        throw new MalformedJsonException("lone surrogate in string");
      }
    }
    return s;
  }

  private static void requireUtf8(byte[] bytes) throws MalformedJsonException {
    if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
      throw new MalformedJsonException("byte order mark");
    }
    if (isAscii(bytes)) {
      return; // ASCII is valid UTF-8: tokens, events and JWKS almost always are, and skip the decoder's copy
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
    } catch (CharacterCodingException e) {
      throw new MalformedJsonException("invalid UTF-8");
    }
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Refuses raw control characters (U+0000 to U+001F) inside strings, which RFC 8259 §7 requires to be escaped and
   * which moshi's reader accepts even when not lenient. UTF-8 multi-byte sequences never contain bytes below 0x80, so
   * a byte scan that tracks quotes and escapes is exact.
   */
  private static void requireEscapedControlCharacters(byte[] bytes) throws MalformedJsonException {
    boolean inString = false;
    boolean escaped = false;
    for (byte b : bytes) {
      int c = b & 0xFF;
      if (!inString) {
        inString = c == '"';
      } else if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        inString = false;
      } else if (c < 0x20) {
        throw new MalformedJsonException("unescaped control character in a string");
      }
    }
  }
}
