package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.json.StrictJson;
import io.github.smartauthorizer.api.json.StrictJson.MalformedJsonException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictJsonTest {

  private static Map<String, Object> parse(String json) throws MalformedJsonException {
    return StrictJson.parseObject(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertRejected(String json) {
    assertThrows(MalformedJsonException.class, () -> parse(json), json);
  }

  private static void assertRejected(byte[] json) {
    assertThrows(MalformedJsonException.class, () -> StrictJson.parseObject(json));
  }

  @Test
  void parsesEveryJsonTypeIntoPlainJavaValues() throws Exception {
    Map<String, Object> parsed = parse(
        "{\"s\":\"x\\u00e9\\n\",\"t\":true,\"f\":false,\"n\":null,\"i\":42,\"a\":[1,\"two\",[]],\"o\":{\"k\":\"v\"},"
            + "\"emoji\":\"\\ud83d\\ude00\"}");
    assertEquals("x\u00e9\n", parsed.get("s"));
    assertEquals(Boolean.TRUE, parsed.get("t"));
    assertEquals(Boolean.FALSE, parsed.get("f"));
    assertTrue(parsed.containsKey("n"));
    assertNull(parsed.get("n"));
    assertEquals(42L, parsed.get("i"));
    assertEquals(List.of(1L, "two", List.of()), parsed.get("a"));
    assertEquals(Map.of("k", "v"), parsed.get("o"));
    assertEquals("\ud83d\ude00", parsed.get("emoji"));
    assertEquals(List.of("s", "t", "f", "n", "i", "a", "o", "emoji"), List.copyOf(parsed.keySet()), "member order kept");
  }

  @Test
  void parsedValuesAreUnmodifiable() throws Exception {
    Map<String, Object> parsed = parse("{\"a\":[1],\"o\":{}}");
    assertThrows(UnsupportedOperationException.class, () -> parsed.put("x", 1));
    assertThrows(UnsupportedOperationException.class, () -> ((List<Object>) parsed.get("a")).add(2));
  }

  @Test
  void rejectsDuplicateMemberNames() {
    assertRejected("{\"alg\":\"RS256\",\"alg\":\"none\"}");
    assertRejected("{\"sub\":\"alice\",\"sub\":\"admin\"}");
    assertRejected("{\"exp\":1,\"exp\":4102444800}");
    assertRejected("{\"o\":{\"k\":1,\"k\":2}}");
    assertRejected("{\"a\":[{\"k\":1,\"k\":1}]}");
  }

  @Test
  void rejectsDuplicateMemberNamesHiddenByEscapes() {
    assertRejected("{\"alg\":\"none\",\"\\u0061lg\":\"RS256\"}");
    assertRejected("{\"\\u0061lg\":\"none\",\"alg\":\"RS256\"}");
    assertRejected("{\"kid\":\"a\",\"\\u006b\\u0069\\u0064\":\"b\"}");
  }

  @Test
  void acceptsTheSameNameInDifferentObjects() throws Exception {
    Map<String, Object> parsed = parse("{\"k\":1,\"o\":{\"k\":2}}");
    assertEquals(1L, parsed.get("k"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"alg\":\"RS256\"}xyz",
      "{\"alg\":\"RS256\"}{\"alg\":\"none\"}",
      "{\"alg\":\"RS256\"},",
      "{\"alg\":\"RS256\"}]",
      "{\"alg\":\"RS256\"} 1",
  })
  void rejectsTrailingData(String json) {
    assertRejected(json);
  }

  @Test
  void acceptsSurroundingJsonWhitespace() throws Exception {
    assertEquals("RS256", parse(" \t\r\n{\"alg\":\"RS256\"} \n").get("alg"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[\"RS256\"]", "\"admin\"", "42", "true", "null", "[]", ""})
  void rejectsATopLevelThatIsNotAnObject(String json) {
    assertRejected(json);
  }

  @Test
  void acceptsNestingUpToTheDepthLimit() throws Exception {
    assertEquals(16, StrictJson.DEFAULT_MAX_DEPTH);
    // The top-level object is depth 1; 15 nested arrays make 16 levels.
    String json = "{\"a\":" + "[".repeat(15) + "]".repeat(15) + "}";
    assertInstanceOf(List.class, parse(json).get("a"));
  }

  @Test
  void rejectsNestingDeeperThanTheLimit() {
    assertRejected("{\"a\":" + "[".repeat(16) + "]".repeat(16) + "}");
    assertRejected("{\"a\":" + "{\"b\":".repeat(16) + "1" + "}".repeat(16) + "}");
    assertRejected("{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
  }

  @Test
  void honoursACustomDepthLimit() throws Exception {
    byte[] json = "{\"a\":{\"b\":{}}}".getBytes(StandardCharsets.UTF_8);
    assertEquals(1, StrictJson.parseObject(json, 3).size());
    assertThrows(MalformedJsonException.class, () -> StrictJson.parseObject(json, 2));
  }

  @Test
  void rejectsInvalidUtf8() {
    byte[] prefix = "{\"sub\":\"".getBytes(StandardCharsets.UTF_8);
    byte[] suffix = "\"}".getBytes(StandardCharsets.UTF_8);
    for (byte[] bad : new byte[][] {
        {(byte) 0xFF},                         // never valid
        {(byte) 0xC3},                         // truncated sequence
        {(byte) 0xC0, (byte) 0xAF},            // overlong '/'
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // CESU-8 surrogate
        {(byte) 0x80},                         // lone continuation byte
    }) {
      byte[] json = new byte[prefix.length + bad.length + suffix.length];
      System.arraycopy(prefix, 0, json, 0, prefix.length);
      System.arraycopy(bad, 0, json, prefix.length, bad.length);
      System.arraycopy(suffix, 0, json, prefix.length + bad.length, suffix.length);
      assertRejected(json);
    }
  }

  @Test
  void acceptsValidMultiByteUtf8() throws Exception {
    assertEquals("J\u00fcrgen \u6771\u4eac \ud83d\ude00", parse("{\"n\":\"J\u00fcrgen \u6771\u4eac \ud83d\ude00\"}").get("n"));
  }

  @Test
  void rejectsAByteOrderMark() {
    byte[] json = "\ufeff{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8);
    assertEquals((byte) 0xEF, json[0]);
    assertRejected(json);
  }

  @Test
  void rejectsUtf16() {
    assertRejected("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_16LE));
    assertRejected("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_16));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"s\":\"\\ud800\"}",
      "{\"s\":\"\\udc00\"}",
      "{\"s\":\"a\\ud800b\"}",
      "{\"s\":\"\\ude00\\ud83d\"}",
      "{\"\\ud800\":\"name\"}",
      "{\"a\":[\"\\udfff\"]}",
  })
  void rejectsLoneSurrogates(String json) {
    assertRejected(json);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{/*c*/\"alg\":\"RS256\"}",
      "{\"alg\":\"RS256\"//c\n}",
      "{\"alg\":\"RS256\"}#c",
      "{'alg':'RS256'}",
      "{alg:\"RS256\"}",
      "{\"alg\":RS256}",
      "{\"alg\":\"RS256\",}",
      "{\"a\":[1,]}",
      "{\"a\":NaN}",
      "{\"a\":Infinity}",
      "{\"a\":01}",
      "{\"a\":+1}",
      "{\"a\":.5}",
      "{\"a\":0x10}",
      "{\"alg\"=\"RS256\"}",
      "{\"alg\";\"RS256\"}",
      "{\"s\":\"\\x41\"}",
  })
  void rejectsLenientSyntax(String json) {
    assertRejected(json);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\t", "\n", "\r", "\u0000", "\u0001", "\u001f"})
  void rejectsUnescapedControlCharactersInStrings(String control) {
    assertRejected("{\"s\":\"a" + control + "b\"}");
    assertRejected("{\"a" + control + "\":1}");
    assertRejected("{\"a\":[\"" + control + "\"]}");
  }

  @Test
  void acceptsEscapedControlCharactersAndEscapedQuotes() throws Exception {
    Map<String, Object> parsed = parse("{\"s\":\"a\\tb\\n\\u0000\",\"q\":\"say \\\"hi\\\"\\\\\",\"after\":\"x\"}");
    assertEquals("a\tb\n\u0000", parsed.get("s"));
    assertEquals("say \"hi\"\\", parsed.get("q"));
    assertEquals("x", parsed.get("after"));
  }

  @Test
  void acceptsJsonWhitespaceBetweenTokens() throws Exception {
    assertEquals(List.of(1L, 2L), parse("{\r\n\t\"a\" :\t[ 1 ,\n2 ]\r\n}").get("a"));
  }

  @Test
  void readsIntegersAsLong() throws Exception {
    Map<String, Object> parsed = parse(
        "{\"a\":0,\"b\":-1,\"c\":4102444800,\"d\":9223372036854775807,\"e\":-9223372036854775808,\"f\":1e3,"
            + "\"g\":2.0,\"h\":1E+2}");
    assertEquals(0L, parsed.get("a"));
    assertEquals(-1L, parsed.get("b"));
    assertEquals(4102444800L, parsed.get("c"));
    assertEquals(Long.MAX_VALUE, parsed.get("d"));
    assertEquals(Long.MIN_VALUE, parsed.get("e"));
    assertEquals(1000L, parsed.get("f"));
    assertEquals(2L, parsed.get("g"));
    assertEquals(100L, parsed.get("h"));
  }

  @Test
  void readsOtherNumbersAsBigDecimal() throws Exception {
    Map<String, Object> parsed = parse(
        "{\"a\":1.5,\"b\":9223372036854775808,\"c\":-0.25,\"d\":1e-3,\"e\":1e400}");
    assertEquals(new BigDecimal("1.5"), parsed.get("a"));
    assertEquals(new BigDecimal("9223372036854775808"), parsed.get("b"));
    assertEquals(new BigDecimal("-0.25"), parsed.get("c"));
    assertEquals(0, new BigDecimal("0.001").compareTo((BigDecimal) parsed.get("d")));
    assertEquals(0, new BigDecimal("1e400").compareTo((BigDecimal) parsed.get("e")));
  }

  @Test
  void rejectsOverLongNumberLiterals() throws Exception {
    assertEquals(new BigDecimal("1".repeat(64)), parse("{\"a\":" + "1".repeat(64) + "}").get("a"));
    assertRejected("{\"exp\":" + "1".repeat(65) + "}");
    assertRejected("{\"exp\":" + "9".repeat(400) + "}");
    assertRejected("{\"exp\":1." + "0".repeat(400) + "}");
  }

  @Test
  void rejectsTruncatedDocuments() {
    assertRejected("{");
    assertRejected("{\"a\":");
    assertRejected("{\"a\":\"unterminated}");
    assertRejected("{\"a\":[1,2}");
  }

  @Test
  void errorMessagesDoNotQuoteTheInput() {
    MalformedJsonException e = assertThrows(MalformedJsonException.class,
        () -> parse("{\"secret-member\":\"secret-value\",\"secret-member\":1}"));
    assertTrue(!e.getMessage().contains("secret"), e.getMessage());
  }

  @Test
  void numbersWhoseExponentOrScaleOverflowAreRefusedNotThrown() {
    assertRejected("{\"a\":1e2147483648}");
    assertRejected("{\"a\":1e-2147483649}");
    assertRejected("{\"a\":1e99999999999}");
    assertRejected("{\"a\":10e-2147483648}");
    assertRejected("{\"alg\":\"RS256\",\"x\":1e2147483648}");
  }

  @Test
  void theDepthLimitACallerMayAskForIsBounded() throws Exception {
    byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
    assertEquals(0, StrictJson.parseObject(json, StrictJson.MAX_DEPTH_LIMIT).size());
    assertThrows(IllegalArgumentException.class, () -> StrictJson.parseObject(json, StrictJson.MAX_DEPTH_LIMIT + 1));
    assertThrows(IllegalArgumentException.class, () -> StrictJson.parseObject(json, 0));
  }
}
