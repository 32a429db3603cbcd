package org.example.smartauthorizer.auth0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The example's own strict JSON reader. */
class JsonTest {
  private static Map<String, Object> parse(String json) throws Json.MalformedException {
    return Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsTheJsonTypesTheApiDocuments() throws Exception {
    Map<String, Object> value = parse(" {\"s\":\"a\\u00e9\\ud83d\\ude00\\n\",\"i\":1717000000,\"d\":1.5,\"b\":true,"
        + "\"z\":null,\"l\":[\"x\",{\"k\":[]}],\"big\":123456789012345678901234567890} ");

    assertEquals("a\u00e9\ud83d\ude00\n", value.get("s"));
    assertEquals(1717000000L, value.get("i"));
    assertEquals(new BigDecimal("1.5"), value.get("d"));
    assertEquals(true, value.get("b"));
    assertEquals(null, value.get("z"));
    assertEquals(List.of("x", Map.of("k", List.of())), value.get("l"));
    assertEquals(new BigDecimal("123456789012345678901234567890"), value.get("big"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[]", "{", "{\"a\":1,\"a\":2}", "{\"a\":1} x", "{\"a\":01}", "{\"a\":\"\\ud83d\"}",
      "{\"a\":\"\\ude00\"}", "{\"a\":\"\t\"}", "{'a':1}", "{\"a\":1,}", "{\"a\":tru}", "{\"a\":\"\\x\"}",
      "{\"a\":-}", "{\"a\":1.}", "{\"a\":\"\\u12\"}"})
  void refusesWhatIsNotStrictJson(String text) {
    assertThrows(Json.MalformedException.class, () -> parse(text));
  }

  @Test
  void refusesDeepNestingAndInvalidUtf8() {
    assertThrows(Json.MalformedException.class, () -> parse("{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}"));
    assertThrows(Json.MalformedException.class, () -> Json.parseObject(new byte[] {'{', '"', (byte) 0xC3, '"', ':',
        '1', '}'}));
  }
}
