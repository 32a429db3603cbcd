package io.github.smartauthorizer.lambda;

import static io.github.smartauthorizer.lambda.LambdaFixtures.ROLE;
import static io.github.smartauthorizer.lambda.LambdaFixtures.env;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check}: the Lambda's init, run from the command line, reported; exit 0, or 2 with what to fix. */
class CheckCommandTest {
  private static final String SECRET_ID = "smart-authorizer/introspection";
  private static final String CLIENT_SECRET = "s3cr3t-value-never-printed";

  private static MockOAuth2Server server;

  private final LambdaFixtures.CapturedStream stdout = new LambdaFixtures.CapturedStream();
  private final LambdaFixtures.CapturedStream stderr = new LambdaFixtures.CapturedStream();

  @BeforeAll
  static void startIssuer() {
    server = new MockOAuth2Server();
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterAll
  static void stopIssuer() {
    server.shutdown();
  }

  private int check(Map<String, String> environment, String... options) {
    String[] args = new String[options.length + 1];
    args[0] = "check";
    System.arraycopy(options, 0, args, 1, options.length);
    return Cli.run(args, environment, InputStream.nullInputStream(), stdout.stream, stderr.stream);
  }

  @Test
  void aWorkingJwksConfigurationReportsTheProviderTheKeysAndOk() {
    int exit = check(env(server));

    assertEquals(0, exit, stderr.text());
    String out = stdout.text();
    assertTrue(out.contains("provider:     jwks"), out);
    assertTrue(out.contains("iamRoleARN:   " + ROLE), out);
    assertTrue(out.contains("AUTHORIZER_ISSUER=" + LambdaFixtures.issuer(server)), out);
    assertTrue(out.contains("validation:   JWTs verified locally against the issuer's JWKS"), out);
    assertTrue(out.matches("(?s).*state:\\s+[1-9]\\d* verification keys? cached after 1 fetch\\R.*"), out);
    assertTrue(out.contains("secrets read: none"), out);
    assertTrue(out.contains("metrics:      CloudWatch EMF lines in namespace SmartAuthorizer (in Lambda;"), out);
    assertTrue(out.contains("result:       OK"), out);
    assertTrue(stderr.text().contains("\"message\":\"authorizer ready\""), "init logs go to stderr: " + stderr.text());
  }

  @Test
  void aConfigurationErrorExitsTwoNamingTheVariable() {
    Map<String, String> environment = new HashMap<>(env(server));
    environment.remove("AUTHORIZER_ISSUER");

    assertEquals(2, check(environment));
    assertTrue(stderr.text().contains("check failed: configuration error: AUTHORIZER_ISSUER is required"),
        stderr.text());
    assertTrue(stderr.text().contains("CONFIGURATION_ERROR"), stderr.text());
    assertEquals("", stdout.text());
  }

  @Test
  void aVariableNothingReadsIsAWarningNamingTheClosestKnownOne() {
    Map<String, String> environment = new HashMap<>(env(server));
    environment.put("AUTHORIZER_JWKS_TTL_SECOND", "600");

    assertEquals(0, check(environment), stderr.text());

    assertTrue(stdout.text().contains("warning:      AUTHORIZER_JWKS_TTL_SECOND is set but nothing reads it; did you mean"
        + " AUTHORIZER_JWKS_TTL_SECONDS?"), stdout.text());
    assertTrue(stderr.text().contains("AUTHORIZER_JWKS_TTL_SECOND is set but nothing reads it"),
        "the Lambda's init log says it too: " + stderr.text());
  }

  /** A provider of one's own whose validator reports its endpoint, its state and, when asked to, a problem. */
  private static final class DiagnosedProvider implements io.github.smartauthorizer.api.spi.AuthorizerProvider {
    @Override
    public String name() {
      return "diagnosed";
    }

    @Override
    public java.util.Set<String> settingNames() {
      return java.util.Set.of("DIAGNOSED_PROBLEM");
    }

    @Override
    public io.github.smartauthorizer.api.TokenValidator createValidator(
        io.github.smartauthorizer.api.spi.ProviderContext context) {
      java.util.List<String> problems = context.configuration().optional("DIAGNOSED_PROBLEM").stream().toList();
      return new io.github.smartauthorizer.api.TokenValidator() {
        @Override
        public io.github.smartauthorizer.api.ValidationResult validate(String token,
            io.github.smartauthorizer.api.HealthLakeRequest request) {
          return io.github.smartauthorizer.api.ValidationResult.rejected(
              io.github.smartauthorizer.api.ReasonCode.INVALID_TOKEN_TYPE, "unused");
        }

        @Override
        public io.github.smartauthorizer.api.spi.ValidatorDiagnostics diagnostics() {
          return new io.github.smartauthorizer.api.spi.ValidatorDiagnostics("asks the diagnosed IdP",
              java.util.List.of("https://idp.example.com/check"), "3 things cached", problems);
        }
      };
    }
  }

  @Test
  void aCustomProvidersDiagnosticsArePrintedAndItsProblemsFailTheCheck() {
    Map<String, String> environment = Map.of("AUTHORIZER_PROVIDER", "diagnosed", "AUTHORIZER_IAM_ROLE_ARN", ROLE);
    Authorizer.Builder builder = Authorizer.builder().providers(java.util.List.of(new DiagnosedProvider()));

    assertEquals(0, CheckCommand.run(builder, environment, stdout.stream, stderr.stream), stderr.text());
    assertTrue(stdout.text().contains("validation:   asks the diagnosed IdP"), stdout.text());
    assertTrue(stdout.text().contains("calls:        https://idp.example.com/check"), stdout.text());
    assertTrue(stdout.text().contains("state:        3 things cached"), stdout.text());
    assertFalse(stdout.text().contains("warning:"), "its declared setting is known: " + stdout.text());

    stdout.reset();
    Map<String, String> broken = new HashMap<>(environment);
    broken.put("AUTHORIZER_DIAGNOSED_PROBLEM", "the IdP's keys are unreachable");
    Authorizer.Builder again = Authorizer.builder().providers(java.util.List.of(new DiagnosedProvider()));

    assertEquals(2, CheckCommand.run(again, broken, stdout.stream, stderr.stream));
    assertTrue(stderr.text().contains("check failed: the IdP's keys are unreachable"), stderr.text());
    assertFalse(stdout.text().contains("result:"), stdout.text());
  }

  @Test
  void keysThatCannotBeFetchedExitTwo() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Map<String, String> environment = env(server, "AUTHORIZER_JWKS_URI", "http://127.0.0.1:" + closedPort + "/jwks",
        "AUTHORIZER_INIT_TIMEOUT_MS", "500");

    assertEquals(2, check(environment));
    assertTrue(stdout.text().contains("0 verification keys"), stdout.text());
    assertTrue(stderr.text().contains("check failed: no verification key could be fetched"), stderr.text());
    assertTrue(stderr.text().contains("IDP_UNAVAILABLE"), stderr.text());
    assertFalse(stdout.text().contains("result:"), stdout.text());
  }

  @Test
  void plainCredentialsAreNeverPrinted() {
    Map<String, String> environment = new HashMap<>(Map.of(
        "AUTHORIZER_PROVIDER", "introspection",
        "AUTHORIZER_INTROSPECTION_URL", LambdaFixtures.issuer(server) + "/introspect",
        "AUTHORIZER_CLIENT_ID", "backend",
        "AUTHORIZER_CLIENT_SECRET", CLIENT_SECRET,
        "AUTHORIZER_IAM_ROLE_ARN", ROLE));

    assertEquals(0, check(environment), stderr.text());

    assertTrue(stdout.text().contains("provider:     introspection"), stdout.text());
    assertTrue(stdout.text().contains("AUTHORIZER_CLIENT_SECRET=(set, not shown)"), stdout.text());
    assertTrue(stdout.text().contains("AUTHORIZER_CLIENT_ID=backend"), stdout.text());
    assertTrue(stdout.text().contains("introspected"), stdout.text());
    assertFalse(stdout.text().contains(CLIENT_SECRET));
    assertFalse(stderr.text().contains(CLIENT_SECRET));
  }

  @Test
  void aSecretReadFromSecretsManagerIsNamedWithoutItsValue() throws Exception {
    try (SecretsManagerLoopback loopback = new SecretsManagerLoopback()) {
      loopback.putSecret(SECRET_ID, "{\"client_id\":\"backend\",\"client_secret\":\"" + CLIENT_SECRET + "\"}");
      Map<String, String> environment = Map.of(
          "AUTHORIZER_PROVIDER", "introspection",
          "AUTHORIZER_INTROSPECTION_URL", LambdaFixtures.issuer(server) + "/introspect",
          "AUTHORIZER_CLIENT_SECRET_ID", SECRET_ID,
          "AUTHORIZER_IAM_ROLE_ARN", ROLE);

      int exit = withSdkProperties(loopback, () -> check(environment));

      assertEquals(0, exit, stderr.text());
      assertTrue(stdout.text().contains("secrets read: " + SECRET_ID + " (values not shown)"), stdout.text());
      assertFalse(stdout.text().contains(CLIENT_SECRET));
      assertFalse(stderr.text().contains(CLIENT_SECRET));
    }
  }

  @Test
  void aSecretThatCannotBeReadExitsTwo() throws Exception {
    try (SecretsManagerLoopback loopback = new SecretsManagerLoopback()) {
      Map<String, String> environment = Map.of(
          "AUTHORIZER_PROVIDER", "introspection",
          "AUTHORIZER_INTROSPECTION_URL", LambdaFixtures.issuer(server) + "/introspect",
          "AUTHORIZER_CLIENT_SECRET_ID", "no-such-secret",
          "AUTHORIZER_IAM_ROLE_ARN", ROLE);

      assertEquals(2, withSdkProperties(loopback, () -> check(environment)));
      assertTrue(stderr.text().contains("AUTHORIZER_CLIENT_SECRET_ID"), stderr.text());
    }
  }

  @Test
  void metricsSwitchedOffAreReportedSo() {
    assertEquals(0, check(env(server, "AUTHORIZER_METRICS", "off")), stderr.text());
    assertTrue(stdout.text().contains("metrics:      off (AUTHORIZER_METRICS=off)"), stdout.text());
  }

  @Test
  void checkTakesOnlyItsOwnOptions() {
    assertEquals(2, Cli.run(new String[] {"check", "--verbose"}, env(server), InputStream.nullInputStream(),
        stdout.stream, stderr.stream));
    assertTrue(stderr.text().contains("unknown option '--verbose'"), stderr.text());
    assertTrue(stderr.text().contains("usage:"), stderr.text());
  }

  @Test
  void eventNeedsAFileAndAMissingFileIsNamed(@TempDir Path dir) {
    assertEquals(2, check(env(server), "--event"));
    assertTrue(stderr.text().contains("--event needs a file"), stderr.text());

    stderr.reset();
    Path missing = dir.resolve("nope.json");
    assertEquals(2, check(env(server), "--event", missing.toString()));
    assertTrue(stderr.text().contains(missing + ": no such file"), stderr.text());
    assertEquals("", stdout.text());
  }

  // Issue 18, item 4: what check can say about HealthLake's fine-grained authorization.

  private static final String FHIR_USER_FORM_WARNING = "warning:      --fine-grained: AUTHORIZER_FHIR_USER_FORM=as-is";

  @Test
  void withFineGrainedTheAsIsFhirUserFormIsAWarning() {
    assertEquals(0, check(env(server), "--fine-grained"), stderr.text());
    assertTrue(stdout.text().contains(FHIR_USER_FORM_WARNING), stdout.text());
    assertTrue(stdout.text().contains("result:       OK"), stdout.text());
  }

  @Test
  void withoutFineGrainedOrWithAFormChosenThereIsNoFhirUserFormWarning() {
    assertEquals(0, check(env(server)), stderr.text());
    assertFalse(stdout.text().contains("warning:"), stdout.text());

    stdout.reset();
    assertEquals(0, check(env(server, "AUTHORIZER_FHIR_USER_FORM", "relative"), "--fine-grained"), stderr.text());
    assertFalse(stdout.text().contains("warning:"), stdout.text());
  }

  private Path sampleEvent(Path dir, String fhirUser) throws IOException {
    Map<String, Object> claims = LambdaFixtures.smartClaims();
    if (fhirUser == null) {
      claims.remove("fhirUser");
    } else {
      claims.put("fhirUser", fhirUser);
    }
    Path file = dir.resolve("event.json");
    Files.writeString(file, LambdaFixtures.eventJson(LambdaFixtures.token(server, "user-1", claims)));
    return file;
  }

  @Test
  void aSampleEventIsDecidedAndItsFhirUserShown(@TempDir Path dir) throws IOException {
    Path event = sampleEvent(dir, "Practitioner/123");

    assertEquals(0, check(env(server, "AUTHORIZER_FHIR_USER_FORM", "absolute"), "--fine-grained", "--event",
        event.toString()), stderr.text());

    String out = stdout.text();
    assertTrue(out.contains("sample:       ALLOW; fhirUser " + LambdaFixtures.ENDPOINT + "Practitioner/123; patient 456"),
        out);
    assertFalse(out.contains("warning:"), out);
  }

  @Test
  void aSampleFhirUserOfTypePersonIsAWarning(@TempDir Path dir) throws IOException {
    Path event = sampleEvent(dir, "Person/9");

    assertEquals(0, check(env(server, "AUTHORIZER_FHIR_USER_FORM", "relative"), "--fine-grained", "--event",
        event.toString()), stderr.text());

    assertTrue(stdout.text().contains("warning:      --fine-grained: the sample's fhirUser Person/9 is a Person;"
        + " HealthLake's fine-grained authorization takes a Patient, Practitioner or RelatedPerson"), stdout.text());
  }

  @Test
  void aSampleFhirUserOutsideTheDataStoreIsAWarningWhenPassedAsIs(@TempDir Path dir) throws IOException {
    Path event = sampleEvent(dir, "https://fhir.example.com/r4/Practitioner/123");

    assertEquals(0, check(env(server), "--fine-grained", "--event", event.toString()), stderr.text());

    String out = stdout.text();
    assertTrue(out.contains(FHIR_USER_FORM_WARNING), out);
    assertTrue(out.contains("warning:      --fine-grained: the sample's fhirUser"
        + " https://fhir.example.com/r4/Practitioner/123 is not a reference Type/id on this data store"), out);
  }

  @Test
  void aSampleWithoutFhirUserIsAWarning(@TempDir Path dir) throws IOException {
    Path event = sampleEvent(dir, null);

    assertEquals(0, check(env(server, "AUTHORIZER_FHIR_USER_FORM", "relative"), "--fine-grained", "--event",
        event.toString()), stderr.text());

    assertTrue(stdout.text().contains("warning:      --fine-grained: the sample's payload has no fhirUser (claim"
        + " fhirUser)"), stdout.text());
  }

  @Test
  void aDeniedSampleIsReportedWithItsReasonAndNoFhirUserWarning(@TempDir Path dir) throws IOException {
    Path event = sampleEvent(dir, "https://fhir.example.com/r4/Person/9");

    assertEquals(0, check(env(server, "AUTHORIZER_FHIR_USER_FORM", "relative"), "--fine-grained", "--event",
        event.toString()), stderr.text());

    String out = stdout.text();
    assertTrue(out.contains("sample:       DENY MISSING_CLAIM: fhirUser is not a reference"), out);
    assertFalse(out.contains("warning:"), out);
  }

  @Test
  void withoutFineGrainedASampleIsDecidedWithoutFhirUserWarnings(@TempDir Path dir) throws IOException {
    Path event = sampleEvent(dir, "Person/9");

    assertEquals(0, check(env(server), "--event", event.toString()), stderr.text());

    assertTrue(stdout.text().contains("sample:       ALLOW; fhirUser Person/9; patient 456"), stdout.text());
    assertFalse(stdout.text().contains("warning:"), stdout.text());
  }

  /** Runs {@code action} with the SDK's system-property forms of region, credentials and endpoint set. */
  private static int withSdkProperties(SecretsManagerLoopback loopback, java.util.function.IntSupplier action) {
    Map<String, String> properties = Map.of(
        "aws.region", "us-east-1",
        "aws.accessKeyId", "test",
        "aws.secretAccessKey", "test",
        "aws.endpointUrlSecretsManager", loopback.uri().toString());
    Map<String, String> previous = new HashMap<>();
    properties.forEach((key, value) -> previous.put(key, System.setProperty(key, value)));
    try {
      return action.getAsInt();
    } finally {
      previous.forEach((key, value) -> {
        if (value == null) {
          System.clearProperty(key);
        } else {
          System.setProperty(key, value);
        }
      });
    }
  }
}
