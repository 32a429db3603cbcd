package io.github.smartauthorizer.providers.shared;

import static io.github.smartauthorizer.providers.shared.TestSecrets.credentialsJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The toolkit's declared settings ({@code SETTING_NAMES}) are exactly what its settings code looks up, so that the
 * providers that reuse them declare what they read.
 */
class SettingNamesTest {
  private final TestClock clock = new TestClock();

  @Test
  void recordingSeesEveryKeyLookedUpSetOrNot() {
    RecordingConfiguration recording = RecordingConfiguration.of(Map.of("AUTHORIZER_ISSUER", "https://idp.example"));

    recording.configuration().optional("ISSUER");
    recording.configuration().list("AUDIENCE");

    assertEquals(Set.of("AUDIENCE", "ISSUER"), recording.keysRead());
  }

  @Test
  void theJwtSettingsReadExactlyWhatTheyDeclare() {
    RecordingConfiguration recording = RecordingConfiguration.of(Map.of(
        "AUTHORIZER_ISSUER", "https://idp.example",
        "AUTHORIZER_JWKS_URI", "http://127.0.0.1:9/jwks.json"));
    TestProviderContext context = TestProviderContext.of(recording.configuration(), null, clock);

    String issuer = JwtSettings.issuer(context.configuration());
    JwtSettings.configure(context, issuer, JwtSettings.location(context.configuration(), issuer));

    assertEquals(JwtSettings.SETTING_NAMES, recording.keysRead());
  }

  @Test
  void theIntrospectionSettingsReadExactlyWhatTheyDeclareInBothCredentialBranches() {
    TestSecrets secrets = TestSecrets.of("id", credentialsJson("client", "secret"));
    Set<String> read = new TreeSet<>();
    for (Map<String, String> variables : java.util.List.of(
        Map.of("AUTHORIZER_CLIENT_SECRET_ID", "id"),
        Map.of("AUTHORIZER_CLIENT_ID", "client", "AUTHORIZER_CLIENT_SECRET", "secret"))) {
      RecordingConfiguration recording = RecordingConfiguration.of(variables);
      IntrospectionSettings.configure(TestProviderContext.of(recording.configuration(), secrets, clock),
          URI.create("http://127.0.0.1:9/introspect"), null);
      assertTrue(IntrospectionSettings.SETTING_NAMES.containsAll(recording.keysRead()), recording.keysRead()
          .toString());
      read.addAll(recording.keysRead());
    }

    assertEquals(IntrospectionSettings.SETTING_NAMES, read);
    assertTrue(IntrospectionSettings.SETTING_NAMES.containsAll(ClientCredentialsSource.SETTING_NAMES));
  }
}
