package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The handler's own settings are declared where the warnings about unknown variables can find them. */
class KnownSettingsTest {
  /** A key read through {@code Configuration}: {@code config.optional("KEY")}, {@code millis("KEY", ...)}, ... */
  private static final Pattern READ = Pattern.compile(
      "\\.(?:optional|required|requiredUrl|url|list|number|seconds|millis|flag|choice|variable)\\(\"([A-Z0-9_]+)\"");

  @Test
  void everyKeyTheHandlerReadsIsAKnownHostKey() throws IOException {
    Set<String> read = new TreeSet<>();
    try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
      for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = READ.matcher(Files.readString(source));
        while (m.find()) {
          read.add(m.group(1));
        }
      }
    }
    assertTrue(read.size() > 10, "the scan found the reads: " + read);
    Set<String> undeclared = new TreeSet<>(read);
    undeclared.removeAll(KnownSettings.HOST_KEYS);
    assertEquals(Set.of(), undeclared, "read by the handler but missing from KnownSettings.HOST_KEYS");
  }

  @Test
  void aMisspeltVariableIsWarnedAboutWithTheClosestKnownName() {
    List<String> warnings = KnownSettings.warnings(
        Map.of("AUTHORIZER_ISSUR", "https://x", "AUTHORIZER_ISSUER", "https://x", "PATH", "/bin",
            "AUTHORIZER_ZZZZZZZZZZZZZZZZ", "1"),
        Set.of("AUTHORIZER_ISSUER", "AUTHORIZER_PROVIDER"));

    assertEquals(List.of("AUTHORIZER_ISSUR is set but nothing reads it; did you mean AUTHORIZER_ISSUER?",
        "AUTHORIZER_ZZZZZZZZZZZZZZZZ is set but nothing reads it"), warnings);
  }

  @Test
  void aNameFarFromEveryKnownOneHasNoSuggestion() {
    assertNull(KnownSettings.closest("AUTHORIZER_SOMETHING_ELSE", Set.of("AUTHORIZER_ISSUER")));
    assertEquals("AUTHORIZER_STAFF_ISSUER",
        KnownSettings.closest("AUTHORIZER_STAF_ISSUER", Set.of("AUTHORIZER_STAFF_ISSUER", "AUTHORIZER_ISSUER")));
  }
}
