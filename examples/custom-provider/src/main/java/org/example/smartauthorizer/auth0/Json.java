package org.example.smartauthorizer.auth0;

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

/**
 * A small, strict RFC 8259 reader, so that the provider needs nothing but the JDK and the authorizer's api: UTF-8 only,
 * no duplicate member names, no trailing data, bounded depth. Values become {@code String}, {@code Long} (integers that
 * fit) or {@code BigDecimal}, {@code Boolean}, {@code null}, unmodifiable {@code List} and {@code Map}: the types
 * {@link io.github.smartauthorizer.api.VerifiedToken#claims()} documents.
 */
final class Json {
  private static final int MAX_DEPTH = 16;

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /** The input is not the JSON expected; the message never quotes the input. */
  static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message, null, false, false);
    }
  }

  /** Parses UTF-8 bytes that must hold exactly one JSON object. */
  static Map<String, Object> parseObject(byte[] utf8) throws MalformedException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedException("not UTF-8");
    }
    Json json = new Json(text);
    json.skipWhitespace();
    if (json.peek() != '{') {
      throw new MalformedException("not a JSON object");
    }
    Object value = json.value(1);
    json.skipWhitespace();
    if (json.pos != text.length()) {
      throw new MalformedException("trailing data");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> object = (Map<String, Object>) value;
    return object;
  }

  private Object value(int depth) throws MalformedException {
    skipWhitespace();
    char c = peek();
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw new MalformedException("unexpected character at " + pos);
    }
  }

  private Map<String, Object> object(int depth) throws MalformedException {
    checkDepth(depth);
    pos++; // {
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return Collections.unmodifiableMap(map);
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw new MalformedException("member name expected at " + pos);
      }
      String name = string();
      skipWhitespace();
      expect(':');
      if (map.containsKey(name)) {
        throw new MalformedException("duplicate member name");
      }
      map.put(name, value(depth + 1));
      skipWhitespace();
      char c = next();
      if (c == '}') {
        return Collections.unmodifiableMap(map);
      }
      if (c != ',') {
        throw new MalformedException("',' or '}' expected at " + (pos - 1));
      }
    }
  }

  private List<Object> array(int depth) throws MalformedException {
    checkDepth(depth);
    pos++; // [
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return Collections.unmodifiableList(list);
    }
    while (true) {
      list.add(value(depth + 1));
      skipWhitespace();
      char c = next();
      if (c == ']') {
        return Collections.unmodifiableList(list);
      }
      if (c != ',') {
        throw new MalformedException("',' or ']' expected at " + (pos - 1));
      }
    }
  }

  private String string() throws MalformedException {
    pos++; // opening quote
    StringBuilder out = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw new MalformedException("unescaped control character in a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> appendUnicodeEscape(out);
        default -> throw new MalformedException("bad escape at " + (pos - 1));
      }
    }
  }

  /** A {@code \\uXXXX} escape; a surrogate pair must be two escapes, and a lone surrogate is refused. */
  private void appendUnicodeEscape(StringBuilder out) throws MalformedException {
    char c = hex4();
    if (Character.isLowSurrogate(c)) {
      throw new MalformedException("lone surrogate");
    }
    if (Character.isHighSurrogate(c)) {
      if (!text.startsWith("\\u", pos)) {
        throw new MalformedException("lone surrogate");
      }
      pos += 2;
      char low = hex4();
      if (!Character.isLowSurrogate(low)) {
        throw new MalformedException("lone surrogate");
      }
      out.append(c).append(low);
      return;
    }
    out.append(c);
  }

  private char hex4() throws MalformedException {
    if (pos + 4 > text.length()) {
      throw new MalformedException("truncated \\u escape");
    }
    int value = 0;
    for (int i = 0; i < 4; i++) {
      char h = text.charAt(pos + i);
      int digit = h <= 'f' ? Character.digit(h, 16) : -1; // ASCII hex digits only
      if (digit < 0) {
        throw new MalformedException("bad \\u escape");
      }
      value = value * 16 + digit;
    }
    pos += 4;
    return (char) value;
  }

  private Object number() throws MalformedException {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (peek() >= '1' && peek() <= '9') {
      while (pos < text.length() && isDigit(text.charAt(pos))) {
        pos++;
      }
    } else {
      throw new MalformedException("bad number at " + start);
    }
    if (pos < text.length() && text.charAt(pos) == '.') {
      pos++;
      digits(start);
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      digits(start);
    }
    String literal = text.substring(start, pos);
    if (literal.length() > 64) {
      throw new MalformedException("number too long");
    }
    BigDecimal value = new BigDecimal(literal);
    try {
      return value.longValueExact();
    } catch (ArithmeticException e) {
      return value;
    }
  }

  private void digits(int start) throws MalformedException {
    int first = pos;
    while (pos < text.length() && isDigit(text.charAt(pos))) {
      pos++;
    }
    if (pos == first) {
      throw new MalformedException("bad number at " + start);
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private Object literal(String word, Object value) throws MalformedException {
    if (!text.startsWith(word, pos)) {
      throw new MalformedException("unexpected literal at " + pos);
    }
    pos += word.length();
    return value;
  }

  private void checkDepth(int depth) throws MalformedException {
    if (depth > MAX_DEPTH) {
      throw new MalformedException("nesting deeper than " + MAX_DEPTH);
    }
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private char peek() throws MalformedException {
    if (pos >= text.length()) {
      throw new MalformedException("unexpected end of input");
    }
    return text.charAt(pos);
  }

  private char next() throws MalformedException {
    char c = peek();
    pos++;
    return c;
  }

  private void expect(char c) throws MalformedException {
    if (next() != c) {
      throw new MalformedException("'" + c + "' expected at " + (pos - 1));
    }
  }
}
