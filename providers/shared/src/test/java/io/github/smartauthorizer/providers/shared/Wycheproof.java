package io.github.smartauthorizer.providers.shared;

import io.github.smartauthorizer.api.json.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the Project Wycheproof vector files copied into {@code src/test/resources/wycheproof/} (see the NOTICE there)
 * and keeps the tally each suite prints, so that docs/security.md can quote the figures.
 */
final class Wycheproof {
  private Wycheproof() {}

  /** One vector file, parsed with the project's own strict JSON reader. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> load(String file) {
    try (InputStream in = Wycheproof.class.getResourceAsStream("/wycheproof/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource wycheproof/" + file);
      }
      return StrictJson.parseObject(in.readAllBytes(), 32);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (StrictJson.MalformedJsonException e) {
      throw new IllegalStateException("wycheproof/" + file + " is not strict JSON: " + e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> groups(Map<String, Object> file) {
    return (List<Map<String, Object>>) (List<?>) file.get("testGroups");
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> tests(Map<String, Object> group) {
    return (List<Map<String, Object>>) (List<?>) group.get("tests");
  }

  static int tcId(Map<String, Object> test) {
    return ((Long) test.get("tcId")).intValue();
  }

  static String result(Map<String, Object> test) {
    return (String) test.get("result");
  }

  @SuppressWarnings("unchecked")
  static List<String> flags(Map<String, Object> test) {
    Object flags = test.get("flags");
    return flags == null ? List.of() : (List<String>) flags;
  }

  static byte[] hex(Map<String, Object> test, String member) {
    return HexFormat.of().parseHex((String) test.get(member));
  }

  /** Counts outcomes by label and collects failures; prints one summary line per file. */
  static final class Tally {
    private final String file;
    private final Map<String, Integer> counts = new TreeMap<>();
    private final List<String> failures = new ArrayList<>();
    private int tests;

    Tally(String file) {
      this.file = file;
    }

    void count(String label) {
      tests++;
      counts.merge(label, 1, Integer::sum);
    }

    void fail(int tcId, String what) {
      failures.add("tc " + tcId + ": " + what);
    }

    int tests() {
      return tests;
    }

    /** How many tests were counted under {@code label}. */
    int counted(String label) {
      return counts.getOrDefault(label, 0);
    }

    List<String> failures() {
      return failures;
    }

    /** Prints {@code WYCHEPROOF <file>: <n> tests, <label> <count>, ...; <f> failures}. */
    String summary() {
      StringBuilder out = new StringBuilder("WYCHEPROOF ").append(file).append(": ").append(tests).append(" tests");
      counts.forEach((label, count) -> out.append(", ").append(label).append(' ').append(count));
      out.append("; ").append(failures.size()).append(" failures");
      return out.toString();
    }

    void print() {
      System.out.println(summary());
    }
  }
}
