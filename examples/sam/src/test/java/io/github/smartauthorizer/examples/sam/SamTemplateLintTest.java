package io.github.smartauthorizer.examples.sam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every CloudFormation or SAM template under {@code examples/} passes cfn-lint without a single error or warning
 * (deprecated runtimes, wrong property types, unused parameters and conditions, ...). Skipped, with a message, where
 * cfn-lint is not installed ({@code pip install cfn-lint}).
 */
class SamTemplateLintTest {

  @Test
  void everyTemplateUnderExamplesPassesCfnLintWithoutErrorsOrWarnings() throws IOException {
    assumeTrue(ExternalTool.works("cfn-lint", "--version"),
        "cfn-lint is not installed (pip install cfn-lint): the example templates were not linted");
    List<Path> templates = templates();
    assertFalse(templates.isEmpty(), "no template found under " + examples());
    List<String> command = new ArrayList<>(List.of("cfn-lint", "--"));
    templates.forEach(template -> command.add(template.toString()));
    ExternalTool lint = ExternalTool.run(command, null, Map.of(), examples(), 300);
    // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational (not reported by default), 1 a failure.
    assertEquals(0, lint.exitCode(), lint.describe(command));
  }

  static Path examples() {
    return Path.of(System.getProperty("smartauthorizer.repositoryRoot", "../..")).resolve("examples").normalize();
  }

  /** The YAML and JSON files under examples/ that are templates (outside build output). */
  static List<Path> templates() throws IOException {
    List<Path> templates = new ArrayList<>();
    try (Stream<Path> files = Files.walk(examples())) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        String path = file.toString().replace('\\', '/');
        if (path.contains("/target/") || path.contains("/.aws-sam/") || path.contains("/node_modules/")
            || !path.matches(".*\\.(ya?ml|json|template)$")) {
          continue;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.contains("AWSTemplateFormatVersion") || text.contains("AWS::Serverless-2016-10-31")) {
          templates.add(file);
        }
      }
    }
    return templates;
  }
}
