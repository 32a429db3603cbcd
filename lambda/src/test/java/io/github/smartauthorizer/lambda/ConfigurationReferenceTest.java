package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.Configuration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} documents exactly the variables the code declares: the handler's own
 * ({@link KnownSettings#HOST_KEYS}) and those of each built-in provider's {@code settingNames()}.
 */
class ConfigurationReferenceTest {
  private static final Path REFERENCE = Path.of("../docs/configuration.md");
  private static final Set<String> BUILT_IN = Set.of("jwks", "introspection", "okta", "keycloak", "cognito");
  /** The per-instance pattern row; it stands for every provider setting of an instance, so it is no variable. */
  private static final String INSTANCE_PATTERN = "AUTHORIZER_<NAME>_<KEY>";
  /** The shadow configuration's variables: every variable again under ShadowConfiguration.PREFIX. */
  private static final String SHADOW_PATTERN = ShadowConfiguration.PREFIX + "<KEY>";
  /** The first cell of a table row, when it is a variable in backticks. */
  private static final Pattern FIRST_CELL = Pattern.compile("^\\|\\s*`(AUTHORIZER_[^`]*)`\\s*\\|");

  @Test
  void everyDeclaredVariableIsDocumentedAndEveryDocumentedVariableIsDeclared() throws IOException {
    Map<String, Integer> documented = documented();
    Set<String> declared = declared();

    Set<String> missing = new TreeSet<>(declared);
    missing.removeAll(documented.keySet());
    assertTrue(missing.isEmpty(), "declared but not documented in " + REFERENCE + ": " + missing);

    Set<String> readByNobody = new TreeSet<>(documented.keySet());
    readByNobody.removeAll(declared);
    readByNobody.remove(INSTANCE_PATTERN);
    readByNobody.remove(SHADOW_PATTERN);
    assertTrue(readByNobody.isEmpty(), "documented in " + REFERENCE + " but read by nobody: " + readByNobody);
  }

  @Test
  void everyVariableHasExactlyOneRow() throws IOException {
    Map<String, Integer> twice = new TreeMap<>(documented());
    twice.values().removeIf(count -> count == 1);
    assertTrue(twice.isEmpty(), "variables with more than one row in " + REFERENCE + ": " + twice);
  }

  /** Each variable of a table row's first column, with the number of rows it has. */
  private static Map<String, Integer> documented() throws IOException {
    Map<String, Integer> variables = new TreeMap<>();
    List<String> lines = Files.readAllLines(REFERENCE);
    for (String line : lines) {
      Matcher m = FIRST_CELL.matcher(line);
      if (m.find()) {
        variables.merge(m.group(1), 1, Integer::sum);
      }
    }
    assertTrue(variables.size() > 10, "no variable rows found in " + REFERENCE.toAbsolutePath());
    return variables;
  }

  /** {@code AUTHORIZER_} plus every host key and every key a built-in provider declares. */
  private static Set<String> declared() {
    Set<String> keys = new TreeSet<>(KnownSettings.HOST_KEYS);
    Set<String> found = new TreeSet<>();
    ServiceLoader.load(AuthorizerProvider.class).stream()
        .filter(p -> p.type().getName().startsWith("io.github.smartauthorizer.providers."))
        .map(ServiceLoader.Provider::get)
        .filter(p -> BUILT_IN.contains(p.name()))
        .forEach(p -> {
          found.add(p.name());
          keys.addAll(p.settingNames());
        });
    assertEquals(new TreeSet<>(BUILT_IN), found, "the built-in providers on the test class path");
    Set<String> variables = new TreeSet<>();
    keys.forEach(key -> variables.add(Configuration.PREFIX + key));
    return variables;
  }
}
