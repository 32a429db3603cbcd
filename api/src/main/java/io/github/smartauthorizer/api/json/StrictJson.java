package io.github.smartauthorizer.api.json;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 reader for security-relevant JSON (JOSE headers, claim sets, JWKS, introspection responses,
 * HealthLake events): UTF-8 only (ill-formed sequences, overlong forms, encoded surrogates and lone {@code \\u}
 * surrogates refused), no comments or other leniency (literal names in lower case only, no leading zeros, no trailing
 * commas), raw control characters in strings refused, no duplicate member names (compared after unescaping), no
 * trailing data, bounded nesting depth. It reads the bytes directly, in one pass, with no reflection and no
 * intermediate buffer: it runs on every decision (docs/performance.md).
 *
 * <p>Values become {@code String}, {@code Boolean}, {@code null}, {@code Long} (integers that fit), {@code BigDecimal}
 * (other numbers), unmodifiable {@code List} and {@code Map} (member order kept).
 */
public final class StrictJson {
  /** The nesting depth allowed by default: deeper than any real token or JWKS. */
  public static final int DEFAULT_MAX_DEPTH = 16;

  /** The deepest nesting a caller may allow (the recursion stays far from a thread's stack size). */
  public static final int MAX_DEPTH_LIMIT = 255;

  /** The longest number literal read; longer ones are refused rather than handed to {@code BigDecimal}. */
  public static final int MAX_NUMBER_LENGTH = 64;

  private final byte[] in;
  private final int maxDepth;
  private int pos;

  private StrictJson(byte[] in, int maxDepth) {
    this.in = in;
    this.maxDepth = maxDepth;
  }

  /** Parses a JSON object with the default depth limit. */
  public static Map<String, Object> parseObject(byte[] utf8) throws MalformedJsonException {
    return parseObject(utf8, DEFAULT_MAX_DEPTH);
  }

  /**
   * Parses bytes that must hold exactly one JSON object, nested at most {@code maxDepth} deep.
   *
   * @param maxDepth from 1 to {@value #MAX_DEPTH_LIMIT}: the reader recurses once per level
   * @throws MalformedJsonException when they do not
   */
  public static Map<String, Object> parseObject(byte[] utf8, int maxDepth) throws MalformedJsonException {
    if (maxDepth < 1 || maxDepth > MAX_DEPTH_LIMIT) {
      throw new IllegalArgumentException("maxDepth must be from 1 to " + MAX_DEPTH_LIMIT);
    }
    if (utf8.length >= 3 && (utf8[0] & 0xFF) == 0xEF && (utf8[1] & 0xFF) == 0xBB && (utf8[2] & 0xFF) == 0xBF) {
      throw new MalformedJsonException("byte order mark");
    }
    StrictJson reader = new StrictJson(utf8, maxDepth);
    reader.skipWhitespace();
    if (reader.pos >= utf8.length || utf8[reader.pos] != '{') {
      throw new MalformedJsonException("top level is not an object");
    }
    Map<String, Object> object = reader.readObject(1);
    reader.skipWhitespace();
    if (reader.pos != utf8.length) {
      throw new MalformedJsonException("trailing data after the object");
    }
    return object;
  }

  private Object readValue(int depth) throws MalformedJsonException {
    skipWhitespace();
    if (pos >= in.length) {
      throw new MalformedJsonException("unexpected end of input");
    }
    switch (in[pos]) {
      case '{':
        return readObject(depth);
      case '[':
        return readArray(depth);
      case '"':
        return readString();
      case 't':
        expectLiteral("true");
        return Boolean.TRUE;
      case 'f':
        expectLiteral("false");
        return Boolean.FALSE;
      case 'n':
        expectLiteral("null");
        return null;
      default:
        return readNumber();
    }
  }

  /** At a {@code '{'}. */
  private Map<String, Object> readObject(int depth) throws MalformedJsonException {
    checkDepth(depth);
    pos++;
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (peekIs('}')) {
      pos++;
      return Collections.unmodifiableMap(map);
    }
    while (true) {
      skipWhitespace();
      if (!peekIs('"')) {
        throw new MalformedJsonException("expected a member name");
      }
      String name = readString();
      skipWhitespace();
      expect(':');
      if (map.containsKey(name)) {
        throw new MalformedJsonException("duplicate member name");
      }
      map.put(name, readValue(depth + 1));
      skipWhitespace();
      if (peekIs(',')) {
        pos++;
      } else {
        expect('}');
        return Collections.unmodifiableMap(map);
      }
    }
  }

  /** At a {@code '['}. */
  private List<Object> readArray(int depth) throws MalformedJsonException {
    checkDepth(depth);
    pos++;
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (peekIs(']')) {
      pos++;
      return Collections.unmodifiableList(list);
    }
    while (true) {
      list.add(readValue(depth + 1));
      skipWhitespace();
      if (peekIs(',')) {
        pos++;
      } else {
        expect(']');
        return Collections.unmodifiableList(list);
      }
    }
  }

  /** At a {@code '"'}: the unescaped string, after the closing quote. */
  private String readString() throws MalformedJsonException {
    int start = ++pos;
    // Fast path: printable ASCII without escapes, by far the common case (names, kids, issuers, scopes).
    while (pos < in.length) {
      int b = in[pos];
      if (b == '"') {
        pos++;
        return new String(in, start, pos - 1 - start, StandardCharsets.ISO_8859_1);
      }
      if (b == '\\' || b < 0x20) { // b < 0x20 also holds for every byte >= 0x80 (negative)
        break;
      }
      pos++;
    }
    StringBuilder out = new StringBuilder(pos - start + 16);
    for (int i = start; i < pos; i++) {
      out.append((char) in[i]);
    }
    while (true) {
      if (pos >= in.length) {
        throw new MalformedJsonException("unterminated string");
      }
      int b = in[pos] & 0xFF;
      if (b == '"') {
        pos++;
        return checkSurrogates(out);
      } else if (b == '\\') {
        pos++;
        readEscape(out);
      } else if (b < 0x20) {
        throw new MalformedJsonException("unescaped control character in a string");
      } else if (b < 0x80) {
        out.append((char) b);
        pos++;
      } else {
        readUtf8Sequence(b, out);
      }
    }
  }

  private void readEscape(StringBuilder out) throws MalformedJsonException {
    if (pos >= in.length) {
      throw new MalformedJsonException("unterminated string");
    }
    int c = in[pos++];
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out.append((char) c);
        break;
      case 'b':
        out.append('\b');
        break;
      case 'f':
        out.append('\f');
        break;
      case 'n':
        out.append('\n');
        break;
      case 'r':
        out.append('\r');
        break;
      case 't':
        out.append('\t');
        break;
      case 'u': {
        if (pos + 4 > in.length) {
          throw new MalformedJsonException("unterminated string");
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
          value = (value << 4) | hexDigit(in[pos++]);
        }
        out.append((char) value);
        break;
      }
      default:
        throw new MalformedJsonException("invalid escape sequence");
    }
  }

  private static int hexDigit(byte b) throws MalformedJsonException {
    if (b >= '0' && b <= '9') {
      return b - '0';
    } else if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    } else if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    throw new MalformedJsonException("invalid escape sequence");
  }

  /**
   * One multi-byte UTF-8 sequence starting with {@code lead} (at {@code pos}), accepted only in the well-formed
   * forms of the Unicode Standard's table 3-7: no overlong forms, no encoded surrogates, nothing above U+10FFFF.
   */
  private void readUtf8Sequence(int lead, StringBuilder out) throws MalformedJsonException {
    int length;
    int codePoint;
    int min2 = 0x80;
    int max2 = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      codePoint = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      codePoint = lead & 0x0F;
      if (lead == 0xE0) {
        min2 = 0xA0;
      } else if (lead == 0xED) {
        max2 = 0x9F;
      }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      codePoint = lead & 0x07;
      if (lead == 0xF0) {
        min2 = 0x90;
      } else if (lead == 0xF4) {
        max2 = 0x8F;
      }
    } else {
      throw new MalformedJsonException("invalid UTF-8");
    }
    if (pos + length > in.length) {
      throw new MalformedJsonException("invalid UTF-8");
    }
    for (int i = 1; i < length; i++) {
      int b = in[pos + i] & 0xFF;
      int min = i == 1 ? min2 : 0x80;
      int max = i == 1 ? max2 : 0xBF;
      if (b < min || b > max) {
        throw new MalformedJsonException("invalid UTF-8");
      }
      codePoint = (codePoint << 6) | (b & 0x3F);
    }
    pos += length;
    out.appendCodePoint(codePoint);
  }

  /** Refuses strings with unpaired UTF-16 surrogates (possible only through {@code \\u} escapes). */
  private static String checkSurrogates(StringBuilder s) throws MalformedJsonException {
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
    return s.toString();
  }

  /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}, RFC 8259 §6. */
  private Object readNumber() throws MalformedJsonException {
    int start = pos;
    boolean negative = peekIs('-');
    if (negative) {
      pos++;
    }
    int intStart = pos;
    if (peekIs('0')) {
      pos++;
    } else if (pos < in.length && in[pos] >= '1' && in[pos] <= '9') {
      skipDigits();
    } else {
      throw new MalformedJsonException("unexpected JSON token");
    }
    int intEnd = pos;
    boolean plainInteger = true;
    if (peekIs('.')) {
      pos++;
      requireDigits();
      plainInteger = false;
    }
    if (peekIs('e') || peekIs('E')) {
      pos++;
      if (peekIs('+') || peekIs('-')) {
        pos++;
      }
      requireDigits();
      plainInteger = false;
    }
    if (pos - start > MAX_NUMBER_LENGTH) {
      throw new MalformedJsonException("number literal too long");
    }
    if (plainInteger && intEnd - intStart <= 18) {
      long value = 0; // the usual iat, nbf, exp: read in place, no BigDecimal on the hot path
      for (int i = intStart; i < intEnd; i++) {
        value = value * 10 + (in[i] - '0');
      }
      return negative ? -value : value;
    }
    BigDecimal value;
    try {
      value = new BigDecimal(new String(in, start, pos - start, StandardCharsets.ISO_8859_1));
    } catch (NumberFormatException e) { // an exponent or scale beyond an int: well-formed, but not a number we read
      throw new MalformedJsonException("number out of range");
    }
    try {
      if (value.scale() <= 0 || value.stripTrailingZeros().scale() <= 0) {
        return value.longValueExact();
      }
    } catch (ArithmeticException e) {
      return value;
    }
    return value;
  }

  private void skipDigits() {
    while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
      pos++;
    }
  }

  private void requireDigits() throws MalformedJsonException {
    int start = pos;
    skipDigits();
    if (pos == start) {
      throw new MalformedJsonException("malformed number");
    }
  }

  private void expectLiteral(String literal) throws MalformedJsonException {
    if (pos + literal.length() > in.length) {
      throw new MalformedJsonException("unexpected JSON token");
    }
    for (int i = 0; i < literal.length(); i++) {
      if (in[pos + i] != literal.charAt(i)) {
        throw new MalformedJsonException("unexpected JSON token");
      }
    }
    pos += literal.length();
  }

  private void expect(char c) throws MalformedJsonException {
    if (!peekIs(c)) {
      throw new MalformedJsonException(pos >= in.length ? "unexpected end of input" : "expected '" + c + "'");
    }
    pos++;
  }

  private boolean peekIs(char c) {
    return pos < in.length && in[pos] == c;
  }

  /** RFC 8259's four whitespace bytes only. */
  private void skipWhitespace() {
    while (pos < in.length) {
      byte b = in[pos];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return;
      }
      pos++;
    }
  }

  private void checkDepth(int depth) throws MalformedJsonException {
    if (depth > maxDepth) {
      throw new MalformedJsonException("nesting deeper than " + maxDepth);
    }
  }

  /** The input is not the strict JSON expected. The message never quotes the input. */
  public static final class MalformedJsonException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedJsonException(String message) {
      super(message, null, false, false);
    }
  }
}
