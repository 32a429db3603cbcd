package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.SecretSource;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Checks a provider's {@link AuthorizerProvider#settingNames()} against what it really reads: for each configuration,
 * {@code createValidator} and {@code route} are run over a {@link RecordingConfiguration}, and every key looked up
 * must be declared; over all the configurations (which must reach every branch), every key declared must have been
 * looked up. A setting added without being declared, or declared and no longer read, fails the build. Shared with
 * other modules through the test-jar.
 */
public final class SettingNamesCheck {
  private SettingNamesCheck() {}

  /**
   * Asserts that the keys read under these configurations are exactly the declared ones.
   *
   * @param configurations valid configurations (full variable names), together reaching every branch that reads
   * @return the keys read, for further assertions
   */
  public static SortedSet<String> assertReadsAreDeclared(AuthorizerProvider provider,
      List<Map<String, String>> configurations, SecretSource secrets, Clock clock) {
    SortedSet<String> declared = new TreeSet<>(provider.settingNames());
    SortedSet<String> readAtAll = new TreeSet<>();
    for (Map<String, String> variables : configurations) {
      RecordingConfiguration recording = RecordingConfiguration.of(variables);
      TestProviderContext context = TestProviderContext.of(recording.configuration(), secrets, clock);
      provider.createValidator(context);
      provider.route(context);
      SortedSet<String> undeclared = new TreeSet<>(recording.keysRead());
      undeclared.removeAll(declared);
      assertTrue(undeclared.isEmpty(), "provider " + provider.name() + " reads " + undeclared
          + " but does not declare them in settingNames() (configuration " + new TreeSet<>(variables.keySet()) + ")");
      readAtAll.addAll(recording.keysRead());
    }
    assertEquals(declared, readAtAll, "provider " + provider.name() + " declares settings it never reads (or the"
        + " configurations of the test do not reach every branch)");
    return readAtAll;
  }
}
