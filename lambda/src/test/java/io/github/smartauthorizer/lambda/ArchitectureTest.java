package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The handler module's one structural rule (docs/architecture.md): it knows providers through the api only, never by
 * class. No main source file names a provider's or the toolkit's package, in an import or fully qualified; the
 * dependency side of the same rule is the enforcer's {@code handler-depends-on-no-provider}.
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java");
  private static final Pattern PROVIDER_REFERENCE = Pattern.compile("io\\.github\\.smartauthorizer\\.providers\\.\\w+");

  @Test
  void noMainSourceOfTheHandlerModuleReferencesAProviderOrTheToolkit() throws IOException {
    List<String> offences = new ArrayList<>();
    int files = 0;
    try (Stream<Path> sources = Files.walk(MAIN)) {
      for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
        files++;
        List<String> lines = Files.readAllLines(source);
        for (int i = 0; i < lines.size(); i++) {
          Matcher m = PROVIDER_REFERENCE.matcher(lines.get(i));
          if (m.find()) {
            offences.add(MAIN.relativize(source) + ":" + (i + 1) + " names " + m.group());
          }
        }
      }
    }
    assertTrue(files > 20, "the scan found the module's sources: " + files);
    assertEquals(List.of(), offences, "the handler must reach providers through the api only");
  }

  @Test
  void theScanWouldSeeAnImportOfTheToolkit() {
    assertTrue(PROVIDER_REFERENCE.matcher("import io.github.smartauthorizer.providers.shared.JwtValidator;").find());
    assertTrue(PROVIDER_REFERENCE.matcher("{@link io.github.smartauthorizer.providers.jwks.JwksProvider}").find());
  }
}
