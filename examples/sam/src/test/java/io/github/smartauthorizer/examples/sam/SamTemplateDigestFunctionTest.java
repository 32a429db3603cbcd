package io.github.smartauthorizer.examples.sam;

import static io.github.smartauthorizer.examples.sam.SamTemplateTest.map;
import static io.github.smartauthorizer.examples.sam.SamTemplateVersioningTest.invokeDigestFunction;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ConfigurationDigestFunction, the template's inline Python custom resource, run as Lambda would run it (skipped
 * without python3): it answers CloudFormation on the pre-signed ResponseURL with a canonical digest, reports failures,
 * and never blocks a stack's deletion.
 */
class SamTemplateDigestFunctionTest {
  static boolean pythonInstalled;

  @BeforeAll
  static void python() throws IOException {
    pythonInstalled = ExternalTool.works("python3", "--version");
    SamTemplateTest.parse();
  }

  @BeforeEach
  void skipWithoutPython() {
    assumeTrue(pythonInstalled, "python3 is not installed: the digest function's code was not run");
  }

  @Test
  void answersCloudFormationOnTheResponseUrlWithACanonicalDigest() throws Exception {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("Runtime", "java21");
    values.put("MemorySize", "1024");
    Map<String, Object> reordered = new LinkedHashMap<>();
    reordered.put("MemorySize", "1024");
    reordered.put("Runtime", "java21");
    Map<String, Object> created = invokeDigestFunction("Create", Map.of("ServiceToken", "arn", "Values", values));
    assertEquals("SUCCESS", created.get("Status"), created.toString());
    assertEquals("ConfigurationDigest", created.get("LogicalResourceId"));
    assertEquals("request-1", created.get("RequestId"));
    String digest = (String) map(created.get("Data")).get("Digest");
    assertTrue(digest.matches("[0-9a-f]{16}"), digest);
    Map<String, Object> updated = invokeDigestFunction("Update", Map.of("ServiceToken", "arn", "Values", reordered));
    assertEquals(digest, map(updated.get("Data")).get("Digest"), "canonical: the order of keys does not matter");
    assertEquals(created.get("PhysicalResourceId"), updated.get("PhysicalResourceId"), "updated in place");
  }

  @Test
  void reportsAFailureButNeverBlocksADelete() throws Exception {
    Map<String, Object> failed = invokeDigestFunction("Create", List.of("not", "properties"));
    assertEquals("FAILED", failed.get("Status"), failed.toString());
    assertTrue(String.valueOf(failed.get("Reason")).startsWith("AttributeError"), failed.toString());
    assertEquals("SUCCESS", invokeDigestFunction("Delete", List.of("not", "properties")).get("Status"),
        "a stack can always be deleted");
  }

}
