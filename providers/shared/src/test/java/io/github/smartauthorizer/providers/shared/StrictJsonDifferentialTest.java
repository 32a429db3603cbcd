package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.json.StrictJson;
import io.github.smartauthorizer.api.json.StrictJson.MalformedJsonException;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Differential test of the hand-written {@link StrictJson} reader against the moshi-based reader it replaced
 * ({@link MoshiStrictJsonOracle}): on tens of thousands of deterministic generated documents and byte-level mutations
 * of them, both refuse, or both accept and read equal values (same types, same member order). The production reader
 * never throws anything but {@link MalformedJsonException}.
 *
 * <p>The only disagreements allowed are the oracle's known leniencies and defects, each recognised exactly and then
 * proved by normalising the input and comparing again, so that a disagreement with any other cause fails:
 *
 * <ul>
 *   <li>{@link Agreement#LITERAL_CASE}: the oracle accepts {@code true}, {@code false} and {@code null} in any case
 *       outside strings, which RFC 8259 (and the production reader) refuses. Lower-casing them must make the production
 *       reader read what the oracle read.
 *   <li>{@link Agreement#LENIENT_ESCAPE}: moshi accepts the escapes {@code \'} and backslash-line-feed even when not
 *       lenient, which RFC 8259 §7 (and the production reader) refuses. Rewriting them as {@code '} and {@code \n} must
 *       make the production reader read what the oracle read.
 *   <li>{@link Agreement#WRAPPED_INTEGER}: moshi refuses an integer of 20 or more digits when a prefix of its digits is
 *       a multiple of 2^64 (its overflowing {@code long} accumulator wraps to 0 and the next digit looks like a leading
 *       zero), e.g. {@code 184467440737095516160}. That is valid JSON, which the production reader reads; moving the
 *       decimal point into the exponent must make the oracle read the same value.
 * </ul>
 */
class StrictJsonDifferentialTest {

  /** How two readers answered one input. */
  enum Agreement {
    BOTH_ACCEPT,
    BOTH_REFUSE,
    LITERAL_CASE,
    LENIENT_ESCAPE,
    WRAPPED_INTEGER
  }

  /** A reader under comparison: the production reader, the oracle, or a deliberately wrong one (self-test). */
  @FunctionalInterface
  interface Reader {
    Map<String, Object> parse(byte[] utf8, int maxDepth) throws MalformedJsonException;
  }

  static final Reader PRODUCTION = StrictJson::parseObject;
  static final Reader ORACLE = MoshiStrictJsonOracle::parseObject;

  /** The deepest nesting the oracle allows whatever {@code maxDepth} says (moshi's reader stack holds 256 scopes). */
  static final int ORACLE_MAX_NESTING = 255;

  private static final int BASE_DOCUMENTS = 10_000;
  private static final int MUTANTS_PER_DOCUMENT = 4;
  private static final Map<Agreement, Long> TOTALS = Collections.synchronizedMap(new EnumMap<>(Agreement.class));

  @AfterAll
  static void report() {
    System.out.println("StrictJsonDifferentialTest comparisons by outcome: " + TOTALS);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The agreement check, shared with StrictJsonFuzzTest.

  /** Compares the production reader with the oracle on {@code input}; fails (input in hex) on any disagreement. */
  static Agreement assertAgree(byte[] input, int maxDepth) {
    return assertAgree(PRODUCTION, ORACLE, input, maxDepth);
  }

  static Agreement assertAgree(Reader production, Reader oracle, byte[] input, int maxDepth) {
    Outcome mine = run(production, "the production reader", input, maxDepth);
    Outcome old = run(oracle, "the oracle", input, maxDepth);
    if (mine.accepted() && old.accepted()) {
      if (!sameJson(mine.value(), old.value())) {
        throw disagreement(input, maxDepth, "both accept but read different values: production " + mine.value()
            + ", oracle " + old.value());
      }
      return Agreement.BOTH_ACCEPT;
    }
    if (!mine.accepted() && !old.accepted()) {
      return Agreement.BOTH_REFUSE;
    }
    Normalized normalized = Normalized.of(input);
    if (old.accepted()) {
      if (!normalized.literalCase() && !normalized.lenientEscape()) {
        throw disagreement(input, maxDepth, "the oracle accepts, the production reader refuses ("
            + mine.error().getMessage() + "), and the input has no literal name in upper or mixed case and no lenient"
            + " escape");
      }
      Outcome fixed = run(production, "the production reader", normalized.bytes(), maxDepth);
      if (!fixed.accepted() || !sameJson(fixed.value(), old.value())) {
        throw disagreement(input, maxDepth, "the oracle accepts, the production reader refuses ("
            + mine.error().getMessage() + "), and still disagrees once literal names are lower-cased and lenient"
            + " escapes rewritten: " + (fixed.accepted() ? fixed.value() : fixed.error().getMessage()) + " vs "
            + old.value());
      }
      return normalized.literalCase() ? Agreement.LITERAL_CASE : Agreement.LENIENT_ESCAPE;
    }
    if (!normalized.wrappedInteger()) {
      throw disagreement(input, maxDepth, "the production reader accepts (" + mine.value() + "), the oracle refuses ("
          + old.error().getMessage() + ")");
    }
    if (normalized.rewriteFits()) {
      Outcome fixed = run(oracle, "the oracle", normalized.bytes(), maxDepth);
      if (!fixed.accepted() || !sameJson(fixed.value(), mine.value())) {
        throw disagreement(input, maxDepth, "the production reader accepts, the oracle refuses (wrapped integer),"
            + " and still disagrees once the integers are rewritten: "
            + (fixed.accepted() ? fixed.value() : fixed.error().getMessage()) + " vs " + mine.value());
      }
    }
    return Agreement.WRAPPED_INTEGER;
  }

  private record Outcome(Map<String, Object> value, MalformedJsonException error) {
    boolean accepted() {
      return error == null;
    }
  }

  private static Outcome run(Reader reader, String who, byte[] input, int maxDepth) {
    try {
      return new Outcome(reader.parse(input, maxDepth), null);
    } catch (MalformedJsonException e) {
      return new Outcome(null, e);
    } catch (Throwable t) { // StackOverflowError and every RuntimeException included: only the rejection may escape
      throw new AssertionError(who + " threw " + t + " instead of MalformedJsonException (maxDepth " + maxDepth
          + ") on\n" + describe(input), t);
    }
  }

  private static AssertionError disagreement(byte[] input, int maxDepth, String what) {
    return new AssertionError("readers disagree (maxDepth " + maxDepth + "): " + what + ", on\n" + describe(input));
  }

  /** The input in hex (what to replay) and, for reading, as Java-escaped Latin-1. */
  static String describe(byte[] input) {
    byte[] shown = input.length > 4096 ? Arrays.copyOf(input, 4096) : input;
    StringBuilder text = new StringBuilder();
    for (byte b : shown) {
      int c = b & 0xFF;
      if (c >= 0x20 && c < 0x7F && c != '\\') {
        text.append((char) c);
      } else {
        text.append(String.format("\\x%02x", c));
      }
    }
    String more = input.length > shown.length ? " ... (" + input.length + " bytes)" : "";
    return "  hex:  " + HexFormat.of().formatHex(shown) + more + "\n  text: " + text + more;
  }

  /** Equal JSON values: same types, equal scalars ({@code BigDecimal} scale included), member order kept. */
  static boolean sameJson(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      if (ma.size() != mb.size()) {
        return false;
      }
      Iterator<? extends Map.Entry<?, ?>> ia = ma.entrySet().iterator();
      Iterator<? extends Map.Entry<?, ?>> ib = mb.entrySet().iterator();
      while (ia.hasNext()) {
        Map.Entry<?, ?> ea = ia.next();
        Map.Entry<?, ?> eb = ib.next();
        if (!ea.getKey().equals(eb.getKey()) || !sameJson(ea.getValue(), eb.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> la && b instanceof List<?> lb) {
      if (la.size() != lb.size()) {
        return false;
      }
      for (int i = 0; i < la.size(); i++) {
        if (!sameJson(la.get(i), lb.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.getClass() == b.getClass() && a.equals(b);
  }

  /**
   * The input with the oracle's leniencies and defects undone: outside strings, {@code true}, {@code false} and
   * {@code null} lower-cased and integers that wrap moshi's accumulator rewritten with the same value; inside strings,
   * {@code \'} and backslash-line-feed rewritten as {@code '} and {@code \n}. Strings are tracked as the oracle's
   * control-character scan tracks them, exact for any input a reader accepts.
   */
  record Normalized(byte[] bytes, boolean literalCase, boolean lenientEscape, boolean wrappedInteger,
      boolean rewriteFits) {
    private static final String[] LITERALS = {"true", "false", "null"};

    static Normalized of(byte[] in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 16);
      boolean literalCase = false;
      boolean lenientEscape = false;
      boolean wrappedInteger = false;
      boolean rewriteFits = true;
      boolean inString = false;
      int i = 0;
      while (i < in.length) {
        int c = in[i] & 0xFF;
        if (inString) {
          if (c == '\\' && i + 1 < in.length) {
            int e = in[i + 1] & 0xFF;
            if (e == '\'') {
              out.write('\'');
              lenientEscape = true;
            } else if (e == '\n') {
              out.write('\\');
              out.write('n');
              lenientEscape = true;
            } else {
              out.write(c);
              out.write(e);
            }
            i += 2;
            continue;
          }
          inString = c != '"';
          out.write(c);
          i++;
          continue;
        }
        if (c == '"') {
          inString = true;
          out.write(c);
          i++;
          continue;
        }
        String literal = literalAt(in, i);
        if (literal != null) {
          literalCase |= !new String(in, i, literal.length(), StandardCharsets.ISO_8859_1).equals(literal);
          out.writeBytes(literal.getBytes(StandardCharsets.US_ASCII));
          i += literal.length();
          continue;
        }
        if ((c == '-' || isDigit(c)) && (i == 0 || !isTokenByte(in[i - 1] & 0xFF))) {
          int end = i;
          while (end < in.length && isNumberByte(in[end] & 0xFF)) {
            end++;
          }
          String number = new String(in, i, end - i, StandardCharsets.ISO_8859_1);
          String rewritten = unwrapInteger(number);
          if (rewritten != null) {
            wrappedInteger = true;
            rewriteFits &= oracleCanRead(rewritten);
            number = rewritten;
          }
          out.writeBytes(number.getBytes(StandardCharsets.US_ASCII));
          i = end;
          continue;
        }
        out.write(c);
        i++;
      }
      return new Normalized(out.toByteArray(), literalCase, lenientEscape, wrappedInteger, rewriteFits);
    }

    /** The literal name matching {@code in} at {@code i} in any case, or null. */
    private static String literalAt(byte[] in, int i) {
      for (String literal : LITERALS) {
        if (i + literal.length() <= in.length
            && new String(in, i, literal.length(), StandardCharsets.ISO_8859_1).equalsIgnoreCase(literal)) {
          return literal;
        }
      }
      return null;
    }

    private static boolean isDigit(int c) {
      return c >= '0' && c <= '9';
    }

    private static boolean isNumberByte(int c) {
      return isDigit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
    }

    private static boolean isTokenByte(int c) {
      return isNumberByte(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /**
     * For a JSON number whose integer part moshi refuses because its digits wrap its {@code long} accumulator to 0
     * (moshi's leading-zero test is {@code value == 0} before each further digit): the same number, {@code BigDecimal}
     * scale included, with the decimal point after the 19th digit and the difference in the exponent. Else null.
     */
    static String unwrapInteger(String number) {
      int p = number.startsWith("-") ? 1 : 0;
      int intStart = p;
      while (p < number.length() && isDigit(number.charAt(p))) {
        p++;
      }
      String digits = number.substring(intStart, p);
      if (digits.length() < 20 || digits.charAt(0) == '0') {
        return null;
      }
      String fraction = "";
      if (p < number.length() && number.charAt(p) == '.') {
        int start = ++p;
        while (p < number.length() && isDigit(number.charAt(p))) {
          p++;
        }
        fraction = number.substring(start, p);
        if (fraction.isEmpty()) {
          return null;
        }
      }
      BigInteger exponent = BigInteger.ZERO;
      if (p < number.length() && (number.charAt(p) == 'e' || number.charAt(p) == 'E')) {
        int start = ++p;
        if (p < number.length() && (number.charAt(p) == '+' || number.charAt(p) == '-')) {
          p++;
        }
        int digitsStart = p;
        while (p < number.length() && isDigit(number.charAt(p))) {
          p++;
        }
        if (p == digitsStart) {
          return null;
        }
        exponent = new BigInteger(number.substring(start, p).replace("+", ""));
      }
      if (p != number.length() || !wrapsMoshiAccumulator(digits)) {
        return null;
      }
      BigInteger shifted = exponent.add(BigInteger.valueOf(digits.length() - 19));
      return number.substring(0, intStart) + digits.substring(0, 19) + "." + digits.substring(19) + fraction + "e"
          + shifted;
    }

    /** Whether the rewrite is within the length limit and its exponent within {@code BigDecimal}'s range. */
    private static boolean oracleCanRead(String number) {
      if (number.length() > StrictJson.MAX_NUMBER_LENGTH) {
        return false;
      }
      try {
        new BigDecimal(number);
        return true;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    /** Replays moshi's {@code JsonUtf8Reader.peekNumber} accumulator over the integer digits. */
    static boolean wrapsMoshiAccumulator(String digits) {
      long value = -(digits.charAt(0) - '0');
      for (int i = 1; i < digits.length(); i++) {
        if (value == 0) {
          return true;
        }
        value = value * 10 - (digits.charAt(i) - '0');
      }
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The generator: documents with a model of what they hold, and byte-level mutations of them.

  /** One generated document: its bytes, its nesting depth, and, when it is strict JSON, the value it holds. */
  record Generated(byte[] bytes, int depth, boolean strict, Map<String, Object> model) {}

  /**
   * Builds random documents. A "spicy" document has, here and there, something the readers must refuse or treat
   * specially (a literal name in upper case, a lone surrogate, a raw control character, a duplicate name, a leading
   * zero, a trailing comma, a comment, whitespace RFC 8259 does not allow, a number too long or with an exponent out of
   * range, a lenient escape, a wrapped integer, trailing data); a plain one is strict JSON whose value is known.
   */
  static final class Generator {
    private static final String[] NAMES = {"alg", "kid", "typ", "iss", "sub", "aud", "exp", "nbf", "iat", "jti",
        "scope", "keys", "kty", "n", "e", "x", "y", "crv", "use", "active", "client_id", "fhirUser", "a/b", "", "k"};
    private static final String[] WHITESPACE = {"", "", "", " ", "\n", "\r\n", "\t", "  ", " \t\n\r "};
    private static final String[] BAD_WHITESPACE = {"\f", "\u000b", "\u00a0", "\u2028", "\ufeff", "\u0000", "\u001c"};
    private static final String[] COMMENTS = {"/* c */", "//c\n", "#c\n", "/**/"};
    private static final String[] BAD_NUMBERS = {"01", "-01", "00", "-00", ".5", "-.5", "1.", "1.e5", "+1", "1e",
        "1e+", "-", "1E", "0x10", "1_000", "Infinity", "-Infinity", "NaN", "1e2147483648", "1e-2147483649",
        "1e99999999999", "0e-2147483649", "-1E+9999999999", "1.0e2147483648", "12.5e-2147483648", "--1", "1.2.3",
        "1ee5", "1e5.0"};

    private final SplittableRandom random;
    private final boolean spicy;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private boolean strict = true;
    private int maxDepthSeen;

    Generator(SplittableRandom random, boolean spicy) {
      this.random = random;
      this.spicy = spicy;
    }

    static Generated document(SplittableRandom random) {
      Generator generator = new Generator(random, random.nextInt(10) < 4);
      int depthBudget = random.nextInt(100) < 12 ? 8 + random.nextInt(15) : 1 + random.nextInt(6);
      generator.whitespace();
      Map<String, Object> model = generator.object(1, depthBudget, true);
      generator.whitespace();
      if (generator.spice(20)) {
        generator.strict = false;
        generator.ascii(generator.pick(TRAILERS));
      }
      return new Generated(generator.out.toByteArray(), generator.maxDepthSeen, generator.strict, model);
    }

    /** True now and then in a spicy document (about 1 in {@code oneIn}), never in a plain one. */
    private boolean spice(int oneIn) {
      return spicy && random.nextInt(oneIn) == 0;
    }

    private static final String[] TRAILERS = {"{}", "x", ",", "]", "}", "null", "\u0000", "  {\"a\":1}"};
    private static final String[] LITERAL_NAMES = {"true", "false", "null"};
    private static final String[] ODD_CHARACTERS = {"\u007f", "\uffff", "\ufffe", "\ufeff", "\u0000", "\ud7ff",
        "\ue000", "\ud800\udc00", "\udbff\udfff"};
    private static final String[] NUMBERS = {"0", "-0", "0.0", "-0.0", "1", "-1", "1e5", "1E5", "1.0", "1.50", "1E-2",
        "1e+2", "0e0", "0E-5", "-0e+00", "1.5e1", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "-9223372036854775809", "18446744073709551615", "18446744073709551616", "1e18", "1e19", "1.0e18",
        "1E+2147483647", "1e-2147483647", "0.1e-2147483646", "100e-2", "10.0", "1e0", "123456789012345678",
        "999999999999999999", "1000000000000000000", "-999999999999999999"};
    private static final String[] EXPONENTS = {"00", "+01", "-0", "018", "-18", "19", "+20"};
    private static final String[] SIGNS = {"", "+", "-"};

    private <T> T pick(T[] choices) {
      return choices[random.nextInt(choices.length)];
    }

    private void ascii(String s) {
      out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private void whitespace() {
      if (spice(150)) {
        strict = false;
        ascii(random.nextBoolean() ? pick(BAD_WHITESPACE) : pick(COMMENTS));
      } else {
        ascii(pick(WHITESPACE));
      }
    }

    /**
     * An object at nesting {@code depth}; on the {@code spine}, one member continues the spine, so that the document
     * reaches {@code depthBudget}.
     */
    private Map<String, Object> object(int depth, int depthBudget, boolean spine) {
      maxDepthSeen = Math.max(maxDepthSeen, depth);
      out.write('{');
      Map<String, Object> model = new LinkedHashMap<>();
      boolean deeper = spine && depth < depthBudget;
      int members = random.nextInt(depth == 1 ? 9 : 5) + (deeper ? 1 : 0);
      int spineAt = random.nextInt(Math.max(members, 1));
      for (int i = 0; i < members; i++) {
        if (i > 0) {
          whitespace();
          out.write(',');
        }
        whitespace();
        String name;
        if (!model.isEmpty() && spice(15)) {
          strict = false; // a duplicate, often spelled differently
          name = new ArrayList<>(model.keySet()).get(random.nextInt(model.size()));
        } else {
          name = random.nextInt(3) == 0 ? text(8) : pick(NAMES);
          while (model.containsKey(name) && !spicy) {
            name = name + (char) ('a' + random.nextInt(26)); // plain documents hold no duplicate names
          }
        }
        if (model.containsKey(name)) {
          strict = false;
        }
        string(name);
        whitespace();
        out.write(':');
        Object value = value(depth + 1, depthBudget, deeper && i == spineAt);
        model.put(name, value);
      }
      if (members > 0 && spice(25)) {
        strict = false;
        out.write(',');
      }
      whitespace();
      out.write('}');
      return Collections.unmodifiableMap(model);
    }

    private List<Object> array(int depth, int depthBudget, boolean spine) {
      maxDepthSeen = Math.max(maxDepthSeen, depth);
      out.write('[');
      List<Object> model = new ArrayList<>();
      boolean deeper = spine && depth < depthBudget;
      int elements = random.nextInt(6) + (deeper ? 1 : 0);
      int spineAt = random.nextInt(Math.max(elements, 1));
      for (int i = 0; i < elements; i++) {
        if (i > 0) {
          whitespace();
          out.write(',');
        }
        model.add(value(depth + 1, depthBudget, deeper && i == spineAt));
      }
      if (elements > 0 && spice(25)) {
        strict = false;
        out.write(',');
      }
      whitespace();
      out.write(']');
      return Collections.unmodifiableList(model);
    }

    /** A value at nesting {@code depth} (the depth it would have as a container). */
    private Object value(int depth, int depthBudget, boolean spine) {
      whitespace();
      int kind = random.nextInt(100);
      Object value;
      if (spine || (depth <= depthBudget && kind < 12)) {
        value = random.nextBoolean() ? object(depth, depthBudget, spine) : array(depth, depthBudget, spine);
      } else if (kind < 55) {
        String s = text(24);
        string(s);
        value = s;
      } else if (kind < 85) {
        value = number();
      } else {
        value = literal();
      }
      whitespace();
      return value;
    }

    private Object literal() {
      int which = random.nextInt(3);
      String name = LITERAL_NAMES[which];
      if (spice(8)) {
        strict = false;
        StringBuilder cased = new StringBuilder();
        for (char c : name.toCharArray()) {
          cased.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
        }
        if (cased.toString().equals(name)) {
          cased.setCharAt(0, Character.toUpperCase(name.charAt(0)));
        }
        name = cased.toString();
      }
      ascii(name);
      return which == 0 ? Boolean.TRUE : which == 1 ? Boolean.FALSE : null;
    }

    /** A random string value (UTF-16), of up to {@code maxLength} pieces, in every plane, surrogate pairs included. */
    private String text(int maxLength) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(maxLength + 1);
      for (int i = 0; i < length; i++) {
        int kind = random.nextInt(100);
        if (kind < 55) {
          s.append((char) (0x20 + random.nextInt(0x5F))); // printable ASCII, '"', '\\' and '/' included
        } else if (kind < 62) {
          s.append((char) random.nextInt(0x20)); // a control character, escaped when written
        } else if (kind < 72) {
          s.append((char) (0x80 + random.nextInt(0x780))); // two bytes in UTF-8
        } else if (kind < 84) {
          int c;
          do {
            c = 0x800 + random.nextInt(0x10000 - 0x800);
          } while (Character.isSurrogate((char) c));
          s.append((char) c); // three bytes
        } else if (kind < 96) {
          s.appendCodePoint(0x10000 + random.nextInt(0x100000)); // four bytes, or an escaped surrogate pair
        } else {
          s.append(pick(ODD_CHARACTERS));
        }
      }
      return s.toString();
    }

    /** Writes {@code s} as a JSON string, each character raw or escaped at random (or, if spicy, wrongly). */
    private void string(String s) {
      out.write('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (spice(400)) {
          strict = false;
          int how = random.nextInt(4);
          if (how == 0) {
            unicodeEscape(0xD800 + random.nextInt(0x800)); // a lone surrogate
          } else if (how == 1) {
            out.write(random.nextInt(0x20)); // a raw control character
          } else if (how == 2) {
            ascii(random.nextBoolean() ? "\\'" : "\\\n"); // escapes moshi allows, RFC 8259 does not
          } else {
            out.writeBytes(pick(new byte[][] {{(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xFF}}));
          }
        }
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          if (random.nextInt(3) == 0) {
            unicodeEscape(c);
            unicodeEscape(s.charAt(i + 1));
          } else {
            utf8(Character.toCodePoint(c, s.charAt(i + 1)));
          }
          i++;
        } else if (c == '"' || c == '\\') {
          if (random.nextInt(4) == 0) {
            unicodeEscape(c);
          } else {
            ascii("\\" + c);
          }
        } else if (c < 0x20) {
          String shortForm = switch (c) {
            case '\b' -> "\\b";
            case '\f' -> "\\f";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> null;
          };
          if (shortForm != null && random.nextInt(3) > 0) {
            ascii(shortForm);
          } else {
            unicodeEscape(c);
          }
        } else if (Character.isSurrogate(c)) {
          unicodeEscape(c);
        } else if (c == '/' && random.nextBoolean()) {
          ascii("\\/");
        } else if (random.nextInt(8) == 0) {
          unicodeEscape(c);
        } else {
          utf8(c);
        }
      }
      out.write('"');
    }

    private void unicodeEscape(int c) {
      String digits = random.nextBoolean() ? "0123456789abcdef" : "0123456789ABCDEF";
      out.write('\\');
      out.write('u');
      for (int shift = 12; shift >= 0; shift -= 4) {
        out.write(digits.charAt((c >> shift) & 0xF));
      }
    }

    /** Writes one code point (not a surrogate) raw, in UTF-8. */
    private void utf8(int c) {
      if (c < 0x80) {
        out.write(c);
      } else if (c < 0x800) {
        out.write(0xC0 | c >> 6);
        out.write(0x80 | c & 0x3F);
      } else if (c < 0x10000) {
        out.write(0xE0 | c >> 12);
        out.write(0x80 | c >> 6 & 0x3F);
        out.write(0x80 | c & 0x3F);
      } else {
        out.write(0xF0 | c >> 18);
        out.write(0x80 | c >> 12 & 0x3F);
        out.write(0x80 | c >> 6 & 0x3F);
        out.write(0x80 | c & 0x3F);
      }
    }

    /** Writes a number literal of one of many shapes; returns the value a strict reader must produce. */
    private Object number() {
      if (spice(12)) {
        strict = false;
        int how = random.nextInt(4);
        if (how == 0) {
          ascii(pick(BAD_NUMBERS));
        } else if (how == 1) { // over 64 characters
          ascii((random.nextBoolean() ? "-" : "") + "1" + digits(64 + random.nextInt(10)));
        } else if (how == 2) { // a multiple of 2^64, then more digits: moshi refuses it
          BigInteger wrapped = BigInteger.ONE.shiftLeft(64).multiply(BigInteger.valueOf(1 + random.nextInt(1000)));
          ascii((random.nextBoolean() ? "-" : "") + wrapped + digits(1 + random.nextInt(6))
              + (random.nextBoolean() ? "" : "." + digits(1 + random.nextInt(4)))
              + (random.nextBoolean() ? "" : "e" + (random.nextInt(40) - 20)));
        } else { // an exponent that BigDecimal cannot hold
          ascii((1 + random.nextInt(9)) + (random.nextBoolean() ? ".5" : "") + (random.nextBoolean() ? "e" : "E")
              + (random.nextBoolean() ? "-" : random.nextBoolean() ? "+" : "")
              + new BigInteger("2147483648").add(BigInteger.valueOf(random.nextInt(1_000_000))));
        }
        return null;
      }
      String literal = switch (random.nextInt(16)) {
        case 0 -> pick(NUMBERS);
        case 1, 2, 3 -> signed(nonZeroDigits(1 + random.nextInt(10)));
        case 4 -> signed(nonZeroDigits(18));
        case 5 -> signed(nonZeroDigits(19));
        case 6 -> signed(nonZeroDigits(20));
        case 7 -> signed(nonZeroDigits(21 + random.nextInt(30)));
        case 8 -> signed(integer() + "." + digits(1 + random.nextInt(20)));
        case 9 -> signed(integer() + exponent());
        case 10 -> signed(integer() + "." + digits(1 + random.nextInt(8)) + exponent());
        case 11 -> signed(integer() + "." + "0".repeat(1 + random.nextInt(5)));
        case 12 -> { // exactly at the length limit
          String s = signed(integer());
          yield s.length() < 64 && s.length() > 0 && !s.equals("-0") && !s.equals("0")
              ? s + (s.contains(".") ? "" : ".") + digits(64 - s.length() - (s.contains(".") ? 0 : 1))
              : "1." + digits(62);
        }
        case 13 -> signed(Long.toString(random.nextLong()).replace("-", "")); // around the long range
        case 14 -> signed(integer() + "e" + pick(EXPONENTS));
        default -> signed(integer());
      };
      ascii(literal);
      return expected(literal);
    }

    private String signed(String unsigned) {
      return random.nextInt(4) == 0 ? "-" + unsigned : unsigned;
    }

    private String integer() {
      return random.nextInt(5) == 0 ? "0" : nonZeroDigits(1 + random.nextInt(22));
    }

    private String exponent() {
      return (random.nextBoolean() ? "e" : "E") + pick(SIGNS)
          + digits(1 + random.nextInt(random.nextInt(10) == 0 ? 9 : 3)); // beyond the int range: spice
    }

    private String nonZeroDigits(int length) {
      return (char) ('1' + random.nextInt(9)) + digits(length - 1);
    }

    private String digits(int length) {
      StringBuilder s = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        s.append((char) ('0' + random.nextInt(10)));
      }
      return s.toString();
    }

    /** What a strict reader makes of a number literal: a {@code Long} when it is an integer that fits. */
    static Object expected(String literal) {
      BigDecimal value = new BigDecimal(literal);
      try {
        return value.longValueExact();
      } catch (ArithmeticException notALong) {
        return value;
      }
    }
  }

  /** Byte-level mutations: edits that break UTF-8, structure, numbers, literals, whitespace and strings. */
  static final class Mutator {
    private static final byte[][] SNIPPETS = {
        bytes(0xC0, 0x80), bytes(0xC1, 0xBF), bytes(0xE0, 0x80, 0x80), bytes(0xE0, 0x9F, 0xBF),
        bytes(0xED, 0xA0, 0x80), bytes(0xED, 0xB0, 0x80), bytes(0xED, 0xBF, 0xBF), bytes(0xF0, 0x80, 0x80, 0x80),
        bytes(0xF0, 0x8F, 0xBF, 0xBF), bytes(0xF4, 0x90, 0x80, 0x80), bytes(0xF5, 0x80, 0x80, 0x80),
        bytes(0xF8, 0x88, 0x80, 0x80, 0x80), bytes(0xFF), bytes(0xFE), bytes(0x80), bytes(0xBF), bytes(0xC3),
        bytes(0xE2, 0x82), bytes(0xF0, 0x9F, 0x98), bytes(0xE2, 0x82, 0xAC), bytes(0xF0, 0x9F, 0x98, 0x80),
        bytes(0xF4, 0x8F, 0xBF, 0xBF), bytes(0xEF, 0xBF, 0xBF), bytes(0xC2, 0x80), bytes(0x00), bytes(0x01),
        bytes(0x1F), bytes(0x7F), bytes(0x08), bytes(0xEF, 0xBB, 0xBF), bytes(0x0C), bytes(0x0B), bytes(0xC2, 0xA0),
        bytes(0xE2, 0x80, 0xA8), bytes(0x1C), ascii(","), ascii("0"), ascii("-"), ascii("."), ascii("e"), ascii("E"),
        ascii("+"), ascii(" "), ascii("\n"), ascii("\t"), ascii("\r"), ascii("/* x */"), ascii("//x\n"),
        ascii("#x\n"), ascii("/"), ascii("\\"), ascii("\""), ascii("\\u"), ascii("\\ud800"), ascii("\\udc00"),
        ascii("\\uD83D\\uDE00"), ascii("\\u0000"), ascii("\\'"), ascii("\\\n"), ascii("\\x"), ascii("TRUE"),
        ascii("True"), ascii("nULL"), ascii("False"), ascii("true"), ascii("null"), ascii("fals"), ascii("nul"),
        ascii("1e2147483648"), ascii("e-2147483649"), ascii("00"), ascii("["), ascii("]"), ascii("{"), ascii("}"),
        ascii(":"), ascii("\"k\":1,"), ascii(",\"k\":2"), ascii("9223372036854775808"),
        ascii("18446744073709551616"), ascii("184467440737095516160"), ascii("1".repeat(65)), ascii("'"),
        ascii("NaN"), ascii("\"\\u0061lg\":1,"), ascii("\"alg\":1,")};

    private final SplittableRandom random;

    Mutator(SplittableRandom random) {
      this.random = random;
    }

    byte[] mutate(byte[] document) {
      byte[] b = document;
      int edits = 1 + random.nextInt(random.nextInt(4) == 0 ? 6 : 2);
      for (int e = 0; e < edits; e++) {
        int at = b.length == 0 ? 0 : random.nextInt(b.length + 1);
        switch (random.nextInt(12)) {
          case 0 -> b = replace(b, at, new byte[] {(byte) random.nextInt(256)});
          case 1 -> b = b.length == 0 ? b : flipBit(b, Math.min(at, b.length - 1));
          case 2 -> b = insert(b, at, new byte[] {(byte) random.nextInt(256)});
          case 3 -> b = delete(b, at, 1 + random.nextInt(random.nextInt(4) == 0 ? 8 : 1));
          case 4 -> { // duplicate a range (a member, a token, a multi-byte sequence)
            int length = Math.min(b.length - Math.min(at, b.length), 1 + random.nextInt(24));
            b = insert(b, at, Arrays.copyOfRange(b, Math.min(at, b.length), Math.min(at, b.length) + length));
          }
          case 5, 6, 7 -> b = insert(b, at, SNIPPETS[random.nextInt(SNIPPETS.length)]);
          case 8 -> b = Arrays.copyOf(b, Math.min(at, b.length)); // truncation
          case 9 -> b = beforeOneOf(b, "}]", ascii(",")); // a trailing comma
          case 10 -> b = beforeOneOf(b, "123456789", ascii(random.nextBoolean() ? "0" : "-0")); // leading zero
          default -> b = random.nextInt(4) == 0 ? insert(b, 0, bytes(0xEF, 0xBB, 0xBF)) : swapCase(b);
        }
      }
      return b;
    }

    private byte[] flipBit(byte[] b, int at) {
      byte[] copy = b.clone();
      copy[at] ^= (byte) (1 << random.nextInt(8));
      return copy;
    }

    private byte[] beforeOneOf(byte[] b, String targets, byte[] what) {
      List<Integer> positions = new ArrayList<>();
      for (int i = 0; i < b.length; i++) {
        if (targets.indexOf(b[i]) >= 0) {
          positions.add(i);
        }
      }
      return positions.isEmpty() ? b : insert(b, positions.get(random.nextInt(positions.size())), what);
    }

    private byte[] swapCase(byte[] b) {
      List<Integer> letters = new ArrayList<>();
      for (int i = 0; i < b.length; i++) {
        if ((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= 'A' && b[i] <= 'Z')) {
          letters.add(i);
        }
      }
      if (letters.isEmpty()) {
        return b;
      }
      byte[] copy = b.clone();
      copy[letters.get(random.nextInt(letters.size()))] ^= 0x20;
      return copy;
    }

    private static byte[] replace(byte[] b, int at, byte[] what) {
      return insert(delete(b, at, what.length), at, what);
    }

    static byte[] insert(byte[] b, int at, byte[] what) {
      int i = Math.min(at, b.length);
      byte[] out = new byte[b.length + what.length];
      System.arraycopy(b, 0, out, 0, i);
      System.arraycopy(what, 0, out, i, what.length);
      System.arraycopy(b, i, out, i + what.length, b.length - i);
      return out;
    }

    private static byte[] delete(byte[] b, int at, int length) {
      int from = Math.min(at, b.length);
      int to = Math.min(b.length, from + length);
      byte[] out = new byte[b.length - (to - from)];
      System.arraycopy(b, 0, out, 0, from);
      System.arraycopy(b, to, out, from, b.length - to);
      return out;
    }
  }

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void count(Map<Agreement, Long> counts, Agreement agreement) {
    counts.merge(agreement, 1L, Long::sum);
    TOTALS.merge(agreement, 1L, Long::sum);
  }

  private static long total(Map<Agreement, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The tests.

  @Test
  void bothReadersAgreeOnTenThousandGeneratedDocumentsAndReadStrictOnesAsGenerated() {
    Map<Agreement, Long> counts = new EnumMap<>(Agreement.class);
    SplittableRandom random = new SplittableRandom(0x5EED_0001L);
    int strict = 0;
    int deep = 0;
    for (int i = 0; i < BASE_DOCUMENTS; i++) {
      Generated document = Generator.document(random);
      Agreement agreement = assertAgree(document.bytes(), StrictJson.DEFAULT_MAX_DEPTH);
      count(counts, agreement);
      int roomy = Math.max(document.depth(), 64);
      if (document.depth() > StrictJson.DEFAULT_MAX_DEPTH) {
        count(counts, assertAgree(document.bytes(), roomy)); // what the default limit refused, read
      }
      count(counts, assertAgree(document.bytes(), 1 + random.nextInt(6)));
      if (document.strict()) {
        strict++;
        deep += document.depth() > StrictJson.DEFAULT_MAX_DEPTH ? 1 : 0;
        Map<String, Object> read = assertDoesNotRefuse(document.bytes(), roomy);
        assertTrue(sameJson(document.model(), read), () -> "read " + read + " but generated " + document.model()
            + " from\n" + describe(document.bytes()));
        assertEquals(document.depth() <= StrictJson.DEFAULT_MAX_DEPTH, agreement == Agreement.BOTH_ACCEPT,
            () -> "depth " + document.depth() + ": " + describe(document.bytes()));
      }
    }
    System.out.println("StrictJsonDifferentialTest generated documents: " + BASE_DOCUMENTS + " (" + strict
        + " strict, " + deep + " of them deeper than " + StrictJson.DEFAULT_MAX_DEPTH + "), comparisons " + counts);
    assertTrue(strict > BASE_DOCUMENTS / 2, "most generated documents are strict JSON: " + strict);
    assertTrue(deep > 100, "some strict documents nest deeper than the default limit: " + deep);
    assertTrue(counts.getOrDefault(Agreement.BOTH_REFUSE, 0L) > 1000, "spicy documents are refused: " + counts);
    assertTrue(counts.getOrDefault(Agreement.LITERAL_CASE, 0L) > 100, "literal names in other cases: " + counts);
    assertTrue(counts.getOrDefault(Agreement.LENIENT_ESCAPE, 0L) > 10, "lenient escapes: " + counts);
    assertTrue(counts.getOrDefault(Agreement.WRAPPED_INTEGER, 0L) > 10, "wrapped integers: " + counts);
  }

  private static Map<String, Object> assertDoesNotRefuse(byte[] document, int maxDepth) {
    try {
      return StrictJson.parseObject(document, maxDepth);
    } catch (MalformedJsonException e) {
      throw new AssertionError("refused a generated strict document (" + e.getMessage() + ")\n" + describe(document));
    }
  }

  @Test
  void bothReadersAgreeOnFortyThousandByteLevelMutationsOfGeneratedDocuments() {
    Map<Agreement, Long> counts = new EnumMap<>(Agreement.class);
    SplittableRandom random = new SplittableRandom(0x5EED_0002L);
    Mutator mutator = new Mutator(random.split());
    for (int i = 0; i < BASE_DOCUMENTS; i++) {
      byte[] document = Generator.document(random).bytes();
      for (int m = 0; m < MUTANTS_PER_DOCUMENT; m++) {
        count(counts, assertAgree(mutator.mutate(document), StrictJson.DEFAULT_MAX_DEPTH));
      }
    }
    System.out.println("StrictJsonDifferentialTest mutated documents: " + total(counts) + ", comparisons " + counts);
    assertEquals(BASE_DOCUMENTS * MUTANTS_PER_DOCUMENT, total(counts));
    assertTrue(counts.getOrDefault(Agreement.BOTH_ACCEPT, 0L) > total(counts) / 20, "some mutants stay valid");
    assertTrue(counts.getOrDefault(Agreement.BOTH_REFUSE, 0L) > total(counts) / 2, "most mutants are refused");
  }

  @Test
  void bothReadersAgreeOnMutationsOfSmallDocumentsWhereEveryEditMatters() {
    Map<Agreement, Long> counts = new EnumMap<>(Agreement.class);
    SplittableRandom random = new SplittableRandom(0x5EED_0003L);
    Mutator mutator = new Mutator(random.split());
    List<byte[]> small = Stream.of("{}", "{\"a\":1}", "{\"a\":-0.5e+3}", "{\"a\":[true,false,null]}",
        "{\"a\":\"\\ud83d\\ude00\"}", "{\"\u00e9\":\"\ud83d\ude00\"}", "{\"a\":{\"b\":[{}]}}",
        "{\"alg\":\"RS256\",\"kid\":\"k\"}", "{\"n\":18446744073709551615}", "{\"s\":\"\\\\\\\"\\/\\b\\f\\n\\r\\t\"}")
        .map(StrictJsonDifferentialTest::ascii).toList();
    for (int i = 0; i < 20_000; i++) {
      count(counts, assertAgree(mutator.mutate(small.get(i % small.size())), StrictJson.DEFAULT_MAX_DEPTH));
    }
    System.out.println("StrictJsonDifferentialTest mutated small documents: " + total(counts) + ", " + counts);
    assertTrue(counts.getOrDefault(Agreement.BOTH_ACCEPT, 0L) > 500, "some mutants stay valid: " + counts);
  }

  static Stream<String> edgeCases() {
    return Stream.of(
        // numbers of every shape
        "{\"a\":0}", "{\"a\":-0}", "{\"a\":-0.0}", "{\"a\":0e0}", "{\"a\":1e5}", "{\"a\":1E5}", "{\"a\":1.0}",
        "{\"a\":1.50}", "{\"a\":1E-2}", "{\"a\":1e+2}", "{\"a\":100e-2}", "{\"a\":123456789012345678}",
        "{\"a\":-123456789012345678}", "{\"a\":1234567890123456789}", "{\"a\":12345678901234567890}",
        "{\"a\":9223372036854775807}", "{\"a\":9223372036854775808}", "{\"a\":-9223372036854775808}",
        "{\"a\":-9223372036854775809}", "{\"a\":18446744073709551616}", "{\"a\":1E+2147483647}",
        "{\"a\":1e-2147483647}", "{\"a\":0.1e-2147483646}", "{\"a\":" + "1".repeat(64) + "}",
        "{\"a\":" + "1".repeat(65) + "}", "{\"a\":-" + "1".repeat(63) + "}", "{\"a\":-" + "1".repeat(64) + "}",
        "{\"a\":1." + "0".repeat(62) + "}", "{\"a\":1." + "0".repeat(63) + "}", "{\"a\":01}", "{\"a\":-01}",
        "{\"a\":00}", "{\"a\":-}", "{\"a\":.5}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":+1}", "{\"a\":1e+}",
        "{\"a\":0x1}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":-Infinity}", "{\"a\":1ee5}", "{\"a\":1.5.5}",
        // strings
        "{\"a\":\"\\u00e9\\u00E9\"}", "{\"a\":\"\\ud83d\\ude00\"}", "{\"a\":\"\\ud83d\"}", "{\"a\":\"\\ude00\"}",
        "{\"a\":\"\\ude00\\ud83d\"}", "{\"a\":\"\\ud83d\\u0041\"}", "{\"a\":\"\\u0000\"}", "{\"a\":\"\\u00\"}",
        "{\"a\":\"\\u00g0\"}", "{\"a\":\"\\x41\"}", "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", "{\"a\":\"\u007f\"}",
        "{\"a\":\"\uffff\ufffe\ufeff\"}", "{\"a\":\"\ud83d\ude00\"}", "{\"a\":\"\u0000\"}", "{\"a\":\"\t\"}",
        "{\"a\":\"\\\"}", "{\"a\":\"", "{\"a\":'x'}", "{'a':1}", "{a:1}",
        // structure
        "{}", " {} ", "\t\r\n{}\n", "{\"a\":[]}", "{\"a\":{}}", "{\"a\":[1,]}", "{\"a\":1,}", "{,}", "[]", "[{}]",
        "\"x\"", "1", "null", "", " ", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{\"a\":1 \"b\":2}",
        "{\"a\":1}{}", "{\"a\":1} x", "{\"a\":1}\u0000", "{\"a\":[1 2]}", "{\"a\":1,\"a\":2}",
        "{\"a\":1,\"\\u0061\":2}", "{\"\":1,\"\":2}", "{\"a\":{\"a\":{\"a\":1}}}",
        // literal names
        "{\"a\":true}", "{\"a\":truex}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":[true,false,null]}",
        "{\"a\":\"TRUE\"}", "{\"TRUE\":true}",
        // whitespace and comments
        "{\f}", "{\u000b}", "{\u00a0}", "{\u2028}", "{\"a\":1/**/}", "{\"a\":1//\n}", "{\"a\":1#\n}", "{/**/}");
  }

  @ParameterizedTest
  @MethodSource("edgeCases")
  void bothReadersAgreeOnHandPickedEdgeCases(String document) {
    Agreement agreement = assertAgree(ascii(document), StrictJson.DEFAULT_MAX_DEPTH);
    assertTrue(agreement == Agreement.BOTH_ACCEPT || agreement == Agreement.BOTH_REFUSE, agreement::name);
  }

  static Stream<byte[]> invalidUtf8() {
    return Stream.of(bytes(0xC0, 0x80), bytes(0xC1, 0xBF), bytes(0xE0, 0x80, 0x80), bytes(0xE0, 0x9F, 0xBF),
        bytes(0xED, 0xA0, 0x80), bytes(0xED, 0xAF, 0xBF), bytes(0xED, 0xB0, 0x80), bytes(0xED, 0xBF, 0xBF),
        bytes(0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80), bytes(0xF0, 0x80, 0x80, 0x80), bytes(0xF0, 0x8F, 0xBF, 0xBF),
        bytes(0xF4, 0x90, 0x80, 0x80), bytes(0xF5, 0x80, 0x80, 0x80), bytes(0xF7, 0xBF, 0xBF, 0xBF),
        bytes(0xF8, 0x88, 0x80, 0x80, 0x80), bytes(0xFC, 0x84, 0x80, 0x80, 0x80, 0x80), bytes(0xFE), bytes(0xFF),
        bytes(0x80), bytes(0xBF), bytes(0xC3), bytes(0xC3, 0x28), bytes(0xE2, 0x82), bytes(0xE2, 0x28, 0xA1),
        bytes(0xF0, 0x9F, 0x98), bytes(0xF0, 0x28, 0x8C, 0xBC), bytes(0xE2, 0x82, 0xAC, 0xAC));
  }

  @ParameterizedTest
  @MethodSource("invalidUtf8")
  void bothReadersRefuseIllFormedUtf8InStringsNamesAndBetweenTokens(byte[] sequence) {
    for (byte[] document : List.of(
        concat(ascii("{\"a\":\""), sequence, ascii("\"}")),
        concat(ascii("{\"a\":\"x"), sequence),
        concat(ascii("{\""), sequence, ascii("\":1}")),
        concat(ascii("{\"a\":1"), sequence, ascii("}")),
        concat(ascii("{\"a\":1}"), sequence))) {
      assertEquals(Agreement.BOTH_REFUSE, assertAgree(document, StrictJson.DEFAULT_MAX_DEPTH), describe(document));
    }
  }

  @Test
  void bothReadersReadWellFormedUtf8AtTheEdgesOfEachLength() {
    for (int codePoint : new int[] {0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF}) {
      String s = new String(Character.toChars(codePoint));
      byte[] document = concat(ascii("{\"a\":\""), s.getBytes(StandardCharsets.UTF_8), ascii("\"}"));
      assertEquals(Agreement.BOTH_ACCEPT, assertAgree(document, StrictJson.DEFAULT_MAX_DEPTH), describe(document));
      assertEquals(Map.of("a", s), assertDoesNotRefuse(document, StrictJson.DEFAULT_MAX_DEPTH));
    }
  }

  @Test
  void bothReadersRefuseAByteOrderMark() {
    byte[] document = concat(bytes(0xEF, 0xBB, 0xBF), ascii("{\"a\":1}"));
    assertEquals(Agreement.BOTH_REFUSE, assertAgree(document, StrictJson.DEFAULT_MAX_DEPTH));
  }

  @ParameterizedTest
  @ValueSource(strings = {"TRUE", "True", "tRUE", "trUe", "FALSE", "False", "fAlSe", "NULL", "Null", "nulL"})
  void literalNamesInUpperOrMixedCaseAreRefusedThoughTheOracleAcceptedThem(String literal) throws Exception {
    for (String json : List.of("{\"a\":" + literal + "}", "{\"a\":[1, " + literal + " ]}",
        "{\"a\":{\"b\":" + literal + "}}")) {
      byte[] document = ascii(json);
      assertThrows(MalformedJsonException.class, () -> StrictJson.parseObject(document), json);
      Map<String, Object> old = MoshiStrictJsonOracle.parseObject(document);
      Map<String, Object> lower = StrictJson.parseObject(ascii(json.replace(literal, literal.toLowerCase())));
      assertTrue(sameJson(old, lower), json);
      assertEquals(Agreement.LITERAL_CASE, assertAgree(document, StrictJson.DEFAULT_MAX_DEPTH));
    }
  }

  @Test
  void literalNamesInAnyCaseInsideStringsAreJustText() {
    byte[] document = ascii("{\"TRUE\":\"Null\",\"a\":[\"False\"],\"b\":true}");
    assertEquals(Agreement.BOTH_ACCEPT, assertAgree(document, StrictJson.DEFAULT_MAX_DEPTH));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\":\"it\\'s\"}", "{\"a\":\"line\\\nbreak\"}", "{\"it\\'s\":1}"})
  void escapedApostropheAndEscapedLineFeedAreRefusedThoughTheOracleAcceptedThem(String json) throws Exception {
    byte[] document = ascii(json);
    assertThrows(MalformedJsonException.class, () -> StrictJson.parseObject(document));
    MoshiStrictJsonOracle.parseObject(document); // moshi's leniency, even when not lenient
    assertEquals(Agreement.LENIENT_ESCAPE, assertAgree(document, StrictJson.DEFAULT_MAX_DEPTH));
  }

  @ParameterizedTest
  @ValueSource(strings = {"184467440737095516160", "184467440737095516161", "-184467440737095516169",
      "922337203685477580800", "368934881474191032320", "1844674407370955161600", "184467440737095516160.5",
      "184467440737095516160e-3"})
  void integersWhoseDigitsWrapMoshisAccumulatorAreReadThoughTheOracleRefusedThem(String number) throws Exception {
    byte[] document = ascii("{\"a\":" + number + "}");
    assertThrows(MalformedJsonException.class, () -> MoshiStrictJsonOracle.parseObject(document));
    assertEquals(Map.of("a", new BigDecimal(number)), StrictJson.parseObject(document));
    assertEquals(Agreement.WRAPPED_INTEGER, assertAgree(document, StrictJson.DEFAULT_MAX_DEPTH));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e2147483648", "1E+2147483648", "1e-2147483649", "1e99999999999", "0e-2147483649",
      "1.5e2147483648", "-1e-9999999999", "10e-2147483648", "0.1e-2147483648"})
  void numbersWithExponentsBigDecimalCannotHoldAreRefusedNotThrown(String number) {
    byte[] document = ascii("{\"a\":" + number + "}");
    assertEquals(Agreement.BOTH_REFUSE, assertAgree(document, StrictJson.DEFAULT_MAX_DEPTH));
  }

  @Test
  void onlyMalformedJsonExceptionEscapesFromAHundredThousandDeepNesting() {
    int n = 100_000;
    List<byte[]> deep = List.of(ascii("[".repeat(n)), ascii("{".repeat(n)), ascii("{\"a\":" + "[".repeat(n)),
        ascii("{\"a\":" + "{\"a\":".repeat(n)), ascii("{\"a\":" + "[".repeat(n) + "]".repeat(n) + "}"),
        ascii("{\"a\":" + "[{\"b\":".repeat(n / 2)));
    for (byte[] document : deep) {
      for (int maxDepth : new int[] {StrictJson.DEFAULT_MAX_DEPTH, 4, 64, ORACLE_MAX_NESTING}) {
        assertEquals(Agreement.BOTH_REFUSE, assertAgree(document, maxDepth));
        Throwable thrown = assertThrows(Throwable.class, () -> StrictJson.parseObject(document, maxDepth));
        assertInstanceOf(MalformedJsonException.class, thrown);
      }
    }
  }

  @Test
  void bothReadersAcceptNestingUpToTheirLimitAndRefuseOneLevelMore() {
    for (int maxDepth : new int[] {1, 2, 4, StrictJson.DEFAULT_MAX_DEPTH, 64, ORACLE_MAX_NESTING}) {
      String atLimit = "{\"a\":" + "[".repeat(maxDepth - 1) + "0" + "]".repeat(maxDepth - 1) + "}";
      String beyond = "{\"a\":" + "[".repeat(maxDepth) + "0" + "]".repeat(maxDepth) + "}";
      assertEquals(Agreement.BOTH_ACCEPT, assertAgree(ascii(atLimit), maxDepth), "depth " + maxDepth);
      assertEquals(Agreement.BOTH_REFUSE, assertAgree(ascii(beyond), maxDepth), "depth " + maxDepth + " + 1");
    }
  }

  @Test
  void theAgreementCheckFailsOnAnyOtherDisagreement() {
    Reader acceptsAnything = (in, depth) -> Map.of();
    Reader readsAnotherValue = (in, depth) -> {
      Map<String, Object> read = new LinkedHashMap<>(StrictJson.parseObject(in, depth));
      read.replaceAll((k, v) -> v instanceof Long l ? BigDecimal.valueOf(l) : v);
      return read;
    };
    Reader reordersMembers = (in, depth) -> {
      List<Map.Entry<String, Object>> entries = new ArrayList<>(StrictJson.parseObject(in, depth).entrySet());
      Collections.reverse(entries);
      Map<String, Object> read = new LinkedHashMap<>();
      entries.forEach(e -> read.put(e.getKey(), e.getValue()));
      return read;
    };
    Reader throwsUnchecked = (in, depth) -> {
      throw new IllegalStateException("boom");
    };
    Reader overflows = (in, depth) -> {
      throw new StackOverflowError();
    };
    Reader refusesEverything = (in, depth) -> {
      throw new MalformedJsonException("no");
    };
    byte[] refused = ascii("{\"a\":[1,]}");
    byte[] valid = ascii("{\"a\":1,\"b\":2}");
    assertThrows(AssertionError.class, () -> assertAgree(acceptsAnything, ORACLE, refused, 16));
    assertThrows(AssertionError.class, () -> assertAgree(readsAnotherValue, ORACLE, valid, 16));
    assertThrows(AssertionError.class, () -> assertAgree(reordersMembers, ORACLE, valid, 16));
    assertThrows(AssertionError.class, () -> assertAgree(throwsUnchecked, ORACLE, valid, 16));
    assertThrows(AssertionError.class, () -> assertAgree(overflows, ORACLE, valid, 16));
    assertThrows(AssertionError.class, () -> assertAgree(refusesEverything, ORACLE, valid, 16));
    // a literal in upper case excuses a refusal only when lower-casing it makes the production reader agree
    assertThrows(AssertionError.class, () -> assertAgree(refusesEverything, ORACLE, ascii("{\"a\":TRUE}"), 16));
    // and a wrapped integer excuses an acceptance only when the oracle reads the rewritten number the same
    Reader readsWrappedWrong = (in, depth) -> Map.of("a", BigDecimal.ONE);
    assertThrows(AssertionError.class,
        () -> assertAgree(readsWrappedWrong, ORACLE, ascii("{\"a\":184467440737095516160}"), 16));
    AssertionError failure = assertThrows(AssertionError.class,
        () -> assertAgree(acceptsAnything, ORACLE, refused, 16));
    assertTrue(failure.getMessage().contains(HexFormat.of().formatHex(refused)), "the input is shown in hex");
  }

  @Test
  void theNormalizationRewritesWrappedIntegersWithTheSameValue() {
    for (String number : List.of("184467440737095516160", "-1844674407370955161601.25e7", "922337203685477580800E-4")) {
      String rewritten = Normalized.unwrapInteger(number);
      assertEquals(new BigDecimal(number), new BigDecimal(rewritten), number + " -> " + rewritten);
    }
    assertEquals(null, Normalized.unwrapInteger("18446744073709551616"), "2^64 alone has no digit after the wrap");
    assertEquals(null, Normalized.unwrapInteger("12345678901234567890123"));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
