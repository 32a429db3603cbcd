package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code policy-test --fixtures DIR} on the shipped hospital fixtures, on a broken copy, and on a malformed case. */
class PolicyFixturesTest {
  private static final Path FIXTURES = Path.of("../examples/policy-fixtures");

  @TempDir
  Path temp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int policyTest(Path dir) {
    return Cli.run(new String[] {"policy-test", "--fixtures", dir.toString()}, Map.of("AUTHORIZER_PROVIDER", "okta"),
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private Path copy() throws IOException {
    Path target = temp.resolve("fixtures");
    try (Stream<Path> files = Files.walk(FIXTURES)) {
      for (Path source : files.toList()) {
        Path to = target.resolve(FIXTURES.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(to);
        } else {
          Files.copy(source, to);
        }
      }
    }
    return target;
  }

  @Test
  void everyShippedCasePasses() throws IOException {
    assertEquals(0, policyTest(FIXTURES), stdout() + err);
    List<String> lines = stdout().lines().toList();
    long cases;
    try (Stream<Path> files = Files.list(FIXTURES.resolve("cases"))) {
      cases = files.filter(f -> f.toString().endsWith(".json")).count();
    }
    assertTrue(cases >= 8, "the hospital's cases");
    assertEquals(cases, lines.stream().filter(l -> l.startsWith("PASS ")).count(), stdout());
    assertTrue(lines.contains("PASS 05-patient-without-context"), stdout());
    assertTrue(lines.contains(cases + " passed, 0 failed"), stdout());
    assertFalse(stdout().contains("eyJ"), "no token is printed");
  }

  @Test
  void aChangedExpectationFailsWithAReadableDiff() throws IOException {
    Path dir = copy();
    Path expired = dir.resolve("cases/07-expired.json");
    Files.writeString(expired, Files.readString(expired).replace("\"EXPIRED\"", "\"INVALID_SIGNATURE\""));
    Path charting = dir.resolve("cases/02-nurse-charting.json");
    Files.writeString(charting, Files.readString(charting).replace("HealthLakeWrite", "HealthLakeFull"));

    assertEquals(1, policyTest(dir), stdout() + err);
    List<String> lines = stdout().lines().toList();
    int failed = lines.indexOf("FAIL 07-expired");
    assertTrue(failed >= 0, stdout());
    assertEquals("  expected reason: INVALID_SIGNATURE", lines.get(failed + 1));
    assertEquals("  actual reason:   EXPIRED", lines.get(failed + 2));
    int role = lines.indexOf("FAIL 02-nurse-charting");
    assertEquals("  expected role: arn:aws:iam::111122223333:role/HealthLakeFull", lines.get(role + 1));
    assertEquals("  actual role:   arn:aws:iam::111122223333:role/HealthLakeWrite", lines.get(role + 2));
    assertTrue(lines.contains("PASS 01-nurse-reading"), stdout());
    assertTrue(lines.contains("6 passed, 2 failed"), stdout());
    assertFalse(stdout().contains("eyJ"), "no token is printed");
  }

  @Test
  void aMalformedCaseFileIsAConfigurationErrorNamingTheFile() throws IOException {
    Path dir = copy();
    Files.writeString(dir.resolve("cases/09-broken.json"), "{\"event\": {\"datastoreEndpoint\": \"x\"}, ");
    assertEquals(2, policyTest(dir));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("09-broken.json: not a JSON object"), err::toString);
    assertEquals("", stdout(), "no case runs");

    err.reset();
    Files.writeString(dir.resolve("cases/09-broken.json"), "{\"event\": {}, \"token\": {\"claims\": {}},"
        + " \"expect\": {\"decision\": \"MAYBE\"}}");
    assertEquals(2, policyTest(dir));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("09-broken.json: \"expect.decision\" must be"),
        err::toString);
  }

  @Test
  void aMissingDirectoryIsAUsageError() {
    assertEquals(2, policyTest(temp.resolve("nope")));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("nope: no such directory"), err::toString);
    err.reset();
    assertEquals(2, Cli.run(new String[] {"policy-test"}, Map.of(), new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("policy-test --fixtures DIR"), err::toString);
  }
}
