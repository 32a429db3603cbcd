package io.github.smartauthorizer.providers.shared;

import static io.github.smartauthorizer.providers.shared.TestSecrets.credentialsJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import io.github.smartauthorizer.api.spi.SecretSource;
import io.github.smartauthorizer.api.spi.SecretUnavailableException;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where the introspection client credentials come from: a Secrets Manager secret (here a map-backed
 * {@link SecretSource}, the test double of that external system) read once at init and once more on demand, or local
 * variables with a warning.
 */
class ClientCredentialsSourceTest {
  private static final String SECRET_ID = "arn:aws:secretsmanager:us-east-1:111122223333:secret:authorizer-AbCdEf";
  private static final String SECRET_VALUE = "hunter2-Very-Secret-Value";
  private static final String SECRET_ID_VARIABLE = "AUTHORIZER_CLIENT_SECRET_ID";

  private final RecordingLogger log = new RecordingLogger("credentials");

  private ClientCredentialsSource source(Map<String, String> variables, SecretSource secrets) {
    return ClientCredentialsSource.fromConfiguration(Configuration.of(variables), secrets, log);
  }

  private ClientCredentialsSource fromSecret(TestSecrets secrets) {
    return source(Map.of(SECRET_ID_VARIABLE, SECRET_ID), secrets);
  }

  private ConfigurationException failureFor(String secretString) {
    TestSecrets secrets = TestSecrets.of(SECRET_ID, secretString);
    return assertThrows(ConfigurationException.class, () -> fromSecret(secrets));
  }

  private static void assertNamesTheVariableAndHidesTheSecret(ConfigurationException e) {
    assertEquals(SECRET_ID_VARIABLE, e.variable());
    assertTrue(e.getMessage().contains(SECRET_ID_VARIABLE), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET_VALUE), "the message shows the secret: " + e.getMessage());
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      assertFalse(String.valueOf(cause.getMessage()).contains(SECRET_VALUE), "a cause shows the secret");
    }
  }

  // --- from a secret ---------------------------------------------------------------------------------------------

  @Test
  void readsClientIdAndSecretFromTheSecretJsonOnceAtInit() {
    TestSecrets secrets = TestSecrets.of(SECRET_ID, credentialsJson("authorizer-client", SECRET_VALUE));

    ClientCredentialsSource source = fromSecret(secrets);

    assertEquals(new ClientCredentials("authorizer-client", SECRET_VALUE), source.current());
    source.current();
    source.current();
    assertEquals(1, secrets.reads(SECRET_ID), "the secret is read once, at init, then kept in memory");
    assertTrue(log.messages(Level.WARNING).isEmpty(), log.all());
  }

  @Test
  void readsTheSecretMembersNamedByCustomKeys() {
    TestSecrets secrets = TestSecrets.of(SECRET_ID,
        "{\"username\":\"authorizer-client\",\"password\":\"" + SECRET_VALUE + "\",\"client_id\":\"not-this-one\"}");

    ClientCredentialsSource source = source(Map.of(SECRET_ID_VARIABLE, SECRET_ID,
        "AUTHORIZER_CLIENT_ID_KEY", "username", "AUTHORIZER_CLIENT_SECRET_KEY", "password"), secrets);

    assertEquals(new ClientCredentials("authorizer-client", SECRET_VALUE), source.current());
  }

  @Test
  void customKeyNamesReplaceTheDefaultsInsteadOfFallingBackToThem() {
    TestSecrets secrets = TestSecrets.of(SECRET_ID, credentialsJson("authorizer-client", SECRET_VALUE));

    ConfigurationException e = assertThrows(ConfigurationException.class, () -> source(
        Map.of(SECRET_ID_VARIABLE, SECRET_ID, "AUTHORIZER_CLIENT_SECRET_KEY", "password"), secrets));

    assertNamesTheVariableAndHidesTheSecret(e);
    assertTrue(e.getMessage().contains("'password'"), "names the missing member: " + e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "client_secret=" + SECRET_VALUE,
      "{\"client_id\":\"authorizer-client\",\"client_secret\":\"" + SECRET_VALUE + "\"",
      "{\"client_id\":\"authorizer-client\",\"client_secret\":\"" + SECRET_VALUE + "\"} trailing",
      "[\"authorizer-client\",\"" + SECRET_VALUE + "\"]",
      "\"" + SECRET_VALUE + "\"",
      "{'client_id':'authorizer-client','client_secret':'" + SECRET_VALUE + "'}",
      ""})
  void malformedSecretStringIsAConfigurationErrorNamingTheVariableWithoutTheSecret(String secretString) {
    assertNamesTheVariableAndHidesTheSecret(failureFor(secretString));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"client_secret\":\"" + SECRET_VALUE + "\"}",
      "{\"client_id\":\"authorizer-client\"}",
      "{\"client_id\":\"\",\"client_secret\":\"" + SECRET_VALUE + "\"}",
      "{\"client_id\":\"authorizer-client\",\"client_secret\":\"\"}",
      "{\"client_id\":42,\"client_secret\":\"" + SECRET_VALUE + "\"}",
      "{\"client_id\":\"authorizer-client\",\"client_secret\":null}",
      "{\"client_id\":\"authorizer-client\",\"client_secret\":[\"" + SECRET_VALUE + "\"]}",
      "{}"})
  void missingOrNonStringMemberIsAConfigurationErrorNamingTheVariableWithoutTheSecret(String secretString) {
    assertNamesTheVariableAndHidesTheSecret(failureFor(secretString));
  }

  @Test
  void unreadableSecretIsAConfigurationErrorNamingTheVariable() {
    TestSecrets secrets = new TestSecrets();

    ConfigurationException e = assertThrows(ConfigurationException.class, () -> fromSecret(secrets));

    assertNamesTheVariableAndHidesTheSecret(e);
    assertEquals(1, secrets.reads(SECRET_ID));
  }

  // --- refresh (rotation) ----------------------------------------------------------------------------------------

  @Test
  void refreshReadsTheSecretAgainAndKeepsTheRotatedCredentials() {
    TestSecrets secrets = TestSecrets.of(SECRET_ID, credentialsJson("authorizer-client", "old-secret"));
    ClientCredentialsSource source = fromSecret(secrets);
    secrets.put(SECRET_ID, credentialsJson("authorizer-client", "rotated-secret"));

    Optional<ClientCredentials> fresh = source.refresh(source.current());

    assertEquals(Optional.of(new ClientCredentials("authorizer-client", "rotated-secret")), fresh);
    assertEquals(fresh.get(), source.current(), "the rotated credentials replace the old ones in memory");
    assertEquals(2, secrets.reads(SECRET_ID), "exactly one read at init and one per refresh");
  }

  @Test
  void refreshOfAnUnchangedSecretHasNothingNewToTry() {
    TestSecrets secrets = TestSecrets.of(SECRET_ID, credentialsJson("authorizer-client", SECRET_VALUE));
    ClientCredentialsSource source = fromSecret(secrets);
    ClientCredentials before = source.current();

    assertEquals(Optional.empty(), source.refresh(before));
    assertEquals(2, secrets.reads(SECRET_ID));
  }

  @Test
  void repeatedRejectionsReReadTheSecretAtMostOncePerInterval() {
    TestSecrets secrets = TestSecrets.of(SECRET_ID, credentialsJson("authorizer-client", SECRET_VALUE));
    ClientCredentialsSource source = fromSecret(secrets);
    ClientCredentials wrong = source.current();

    for (int i = 0; i < 20; i++) {
      assertEquals(Optional.empty(), source.refresh(wrong));
    }
    assertEquals(2, secrets.reads(SECRET_ID), "one read at init and one re-read in the interval");
  }

  @Test
  void credentialsAlreadyReplacedByAnotherCallerAreReturnedWithoutARead() {
    TestSecrets secrets = TestSecrets.of(SECRET_ID, credentialsJson("authorizer-client", "old-secret"));
    ClientCredentialsSource source = fromSecret(secrets);
    ClientCredentials old = source.current();
    secrets.put(SECRET_ID, credentialsJson("authorizer-client", "rotated-secret"));
    ClientCredentials rotated = source.refresh(old).orElseThrow();

    assertEquals(Optional.of(rotated), source.refresh(old));
    assertEquals(2, secrets.reads(SECRET_ID));
  }

  @Test
  void failedRefreshKeepsTheCredentialsInMemoryAndLogsNoSecret() {
    TestSecrets secrets = TestSecrets.of(SECRET_ID, credentialsJson("authorizer-client", SECRET_VALUE));
    ClientCredentialsSource source = fromSecret(secrets);
    secrets.put(SECRET_ID, "{\"client_id\":\"authorizer-client\",\"client_secret\":\"" + SECRET_VALUE);

    assertEquals(Optional.empty(), source.refresh(source.current()));

    assertEquals(new ClientCredentials("authorizer-client", SECRET_VALUE), source.current());
    assertEquals(1, log.messages(Level.WARNING).size(), log.all());
    assertFalse(log.all().contains(SECRET_VALUE), log.all());
  }

  @Test
  void refreshOfAVanishedSecretKeepsTheCredentialsInMemory() {
    TestSecrets secrets = TestSecrets.of(SECRET_ID, credentialsJson("authorizer-client", SECRET_VALUE));
    ClientCredentialsSource source = fromSecret(secrets);
    secrets.remove(SECRET_ID);

    assertEquals(Optional.empty(), source.refresh(source.current()));
    assertEquals(new ClientCredentials("authorizer-client", SECRET_VALUE), source.current());
  }

  // --- local variables -------------------------------------------------------------------------------------------

  @Test
  void localVariablesAreUsedWithAWarningAndNoSecretRead() {
    TestSecrets secrets = new TestSecrets();

    ClientCredentialsSource source = source(
        Map.of("AUTHORIZER_CLIENT_ID", "local-client", "AUTHORIZER_CLIENT_SECRET", SECRET_VALUE), secrets);

    assertEquals(new ClientCredentials("local-client", SECRET_VALUE), source.current());
    assertEquals(0, secrets.reads());
    assertEquals(1, log.messages(Level.WARNING).size(), log.all());
    assertTrue(log.messages(Level.WARNING).get(0).contains(SECRET_ID_VARIABLE), log.all());
    assertFalse(log.all().contains(SECRET_VALUE), "the warning shows the secret: " + log.all());
  }

  @Test
  void localCredentialsCannotBeRefreshed() {
    TestSecrets secrets = new TestSecrets();
    ClientCredentialsSource source = source(
        Map.of("AUTHORIZER_CLIENT_ID", "local-client", "AUTHORIZER_CLIENT_SECRET", SECRET_VALUE), secrets);

    assertEquals(Optional.empty(), source.refresh(source.current()));
    assertEquals(0, secrets.reads());
  }

  @Test
  void secretIdTakesPrecedenceOverLocalVariables() {
    TestSecrets secrets = TestSecrets.of(SECRET_ID, credentialsJson("from-secret", SECRET_VALUE));

    ClientCredentialsSource source = source(Map.of(SECRET_ID_VARIABLE, SECRET_ID,
        "AUTHORIZER_CLIENT_ID", "local-client", "AUTHORIZER_CLIENT_SECRET", "local-secret"), secrets);

    assertEquals(new ClientCredentials("from-secret", SECRET_VALUE), source.current());
    assertTrue(log.messages(Level.WARNING).isEmpty(), log.all());
  }

  @Test
  void nothingConfiguredIsAConfigurationErrorNamingTheSecretIdVariable() {
    SecretSource none = id -> {
      throw new SecretUnavailableException("must not be read");
    };

    ConfigurationException e = assertThrows(ConfigurationException.class, () -> source(Map.of(), none));

    assertEquals(SECRET_ID_VARIABLE, e.variable());
    assertTrue(e.getMessage().contains("AUTHORIZER_CLIENT_ID"), e.getMessage());
  }

  @Test
  void aLocalClientIdWithoutItsSecretIsAConfigurationError() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> source(Map.of("AUTHORIZER_CLIENT_ID", "local-client"), new TestSecrets()));

    assertEquals(SECRET_ID_VARIABLE, e.variable());
  }

  @Test
  void credentialsNeverShowTheSecretInToString() {
    String shown = new ClientCredentials("authorizer-client", SECRET_VALUE).toString();

    assertTrue(shown.contains("authorizer-client"), shown);
    assertFalse(shown.contains(SECRET_VALUE), shown);
  }
}
