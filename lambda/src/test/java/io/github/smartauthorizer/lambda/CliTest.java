package io.github.smartauthorizer.lambda;

import static io.github.smartauthorizer.lambda.LambdaFixtures.ENDPOINT;
import static io.github.smartauthorizer.lambda.LambdaFixtures.OTHER_ENDPOINT;
import static io.github.smartauthorizer.lambda.LambdaFixtures.ROLE;
import static io.github.smartauthorizer.lambda.LambdaFixtures.authPayload;
import static io.github.smartauthorizer.lambda.LambdaFixtures.env;
import static io.github.smartauthorizer.lambda.LambdaFixtures.event;
import static io.github.smartauthorizer.lambda.LambdaFixtures.eventJson;
import static io.github.smartauthorizer.lambda.LambdaFixtures.parse;
import static io.github.smartauthorizer.lambda.LambdaFixtures.smartClaims;
import static io.github.smartauthorizer.lambda.LambdaFixtures.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line tool: same decisions as the handler, responses on stdout, logs on stderr, exit codes 0/1/2. */
class CliTest {
  private static final String NL = System.lineSeparator();
  private static MockOAuth2Server server;
  private static String allowed;
  private static String allowedToo;
  private static String denied;

  @TempDir
  Path dir;

  private final LambdaFixtures.CapturedStream stdout = new LambdaFixtures.CapturedStream();
  private final LambdaFixtures.CapturedStream stderr = new LambdaFixtures.CapturedStream();

  @BeforeAll
  static void startIssuer() {
    server = new MockOAuth2Server();
    server.start(InetAddress.getLoopbackAddress(), 0);
    allowed = token(server, "patient-456", smartClaims());
    allowedToo = token(server, "patient-789", Map.of("scope", "patient/Patient.r", "patient", "789"));
    denied = token(server, "patient-456", List.of(OTHER_ENDPOINT), smartClaims(), 3600);
  }

  @AfterAll
  static void stopIssuer() {
    server.shutdown();
  }

  private int run(Map<String, String> environment, InputStream stdin, String... args) {
    return Cli.run(args, environment, stdin, stdout.stream, stderr.stream);
  }

  private int run(String... args) {
    return run(env(server), InputStream.nullInputStream(), args);
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  /**
   * What the Lambda handler answers for the event, as the one line the CLI should print: the CLI and the function
   * must agree byte for byte. It is no oracle of the decision itself, so each test also asserts the decision and its
   * reason code on their own.
   */
  private static String expectedLine(String eventJson) {
    LambdaFixtures.CapturedStream log = new LambdaFixtures.CapturedStream();
    Authorizer authorizer = Authorizer.builder().environment(env(server)).logStream(log.stream).build();
    return new String(LambdaFixtures.handle(authorizer, LambdaFixtures.utf8(eventJson), log).bytes(),
        StandardCharsets.UTF_8) + NL;
  }

  /** The reason code of each decision the CLI logged on stderr, in order ({@code null} for an allow). */
  private List<Object> reasons() {
    return stderr.decisionLines().stream().map(line -> line.get("reason")).toList();
  }

  @Test
  void invokeWithAnAllowedEventExitsZeroAndPrintsExactlyTheResponseLine() throws IOException {
    Path file = write("event.json", eventJson(allowed));

    int exit = run("invoke", "--event", file.toString());

    assertEquals(ExitCodes.AUTHORIZED, exit, stderr.text());
    assertEquals(0, exit);
    assertEquals(expectedLine(eventJson(allowed)), stdout.text());
    Map<String, Object> payload = authPayload(parse(stdout.text().trim()));
    assertEquals(Boolean.TRUE, payload.get("isAuthorized"));
    assertEquals(ENDPOINT, payload.get("aud"));
    assertEquals(ROLE, parse(stdout.text().trim()).get("iamRoleARN"));
  }

  @Test
  void logsGoToStderrAndNeverContainTheToken() throws IOException {
    Path file = write("event.json", eventJson(allowed));
    run("invoke", "--event", file.toString());

    String logs = stderr.text();
    assertTrue(logs.contains("\"logger\":\"decision\""), logs);
    assertFalse(logs.contains(allowed));
    assertFalse(logs.contains(LambdaFixtures.payloadSegment(allowed)));
    assertFalse(stdout.text().contains("\"logger\""), "stdout holds only responses");
    assertFalse(stdout.text().contains(allowed), "the response never echoes the token");
  }

  @Test
  void invokeWithADeniedEventExitsOne() throws IOException {
    Path file = write("event.json", eventJson(denied));

    int exit = run("invoke", "--event", file.toString());

    assertEquals(ExitCodes.DENIED, exit);
    assertEquals(1, exit);
    assertEquals(expectedLine(eventJson(denied)), stdout.text());
    Map<String, Object> payload = authPayload(parse(stdout.text().trim()));
    assertEquals(Boolean.FALSE, payload.get("isAuthorized"));
    assertEquals("", payload.get("scope"));
    assertEquals(ENDPOINT, payload.get("aud"), "the event's endpoint, never the token's audience");
    assertEquals(Collections.singletonList("INVALID_AUDIENCE"), reasons());
  }

  @Test
  void invokeWithAMalformedEventFileExitsOneWithADeny() throws IOException {
    Path file = write("event.json", "{not json");

    assertEquals(ExitCodes.DENIED, run("invoke", "--event", file.toString()));
    assertEquals(Boolean.FALSE, authPayload(parse(stdout.text().trim())).get("isAuthorized"));
    assertEquals(Collections.singletonList("INVALID_REQUEST"), reasons());
  }

  @Test
  void invokeReadsTheEventFromStdinWithDash() {
    InputStream stdin = new ByteArrayInputStream(event(allowed));

    int exit = run(env(server), stdin, "invoke", "--event", "-");

    assertEquals(0, exit, stderr.text());
    assertEquals(expectedLine(eventJson(allowed)), stdout.text());
  }

  @Test
  void eventsFileGivesOneResponseLinePerEventAndExitsOneWhenAnyIsDenied() throws IOException {
    Path file = write("events.jsonl", eventJson(allowed) + "\n" + eventJson(denied) + "\n" + eventJson(allowedToo)
        + "\n");

    int exit = run("invoke", "--events", file.toString());

    assertEquals(1, exit);
    List<String> lines = stdout.text().lines().toList();
    assertEquals(3, lines.size(), stdout.text());
    assertEquals(expectedLine(eventJson(allowed)) + expectedLine(eventJson(denied))
        + expectedLine(eventJson(allowedToo)), stdout.text(), "responses in event order");
    assertEquals(Boolean.TRUE, authPayload(parse(lines.get(0))).get("isAuthorized"));
    assertEquals(Boolean.FALSE, authPayload(parse(lines.get(1))).get("isAuthorized"));
    assertEquals(Boolean.TRUE, authPayload(parse(lines.get(2))).get("isAuthorized"));
    assertEquals("patient-789", authPayload(parse(lines.get(2))).get("sub"));
    assertEquals(Arrays.asList(null, "INVALID_AUDIENCE", null), reasons(), "one log line per decision");
  }

  @Test
  void eventsFileWithOnlyAllowedEventsExitsZero() throws IOException {
    Path file = write("events.jsonl", eventJson(allowed) + "\n" + eventJson(allowedToo));

    assertEquals(0, run("invoke", "--events", file.toString()), stderr.text());
    assertEquals(2, stdout.text().lines().count());
  }

  @Test
  void blankLinesInAnEventsFileAreSkipped() throws IOException {
    Path file = write("events.jsonl", "\n" + eventJson(allowed) + "\r\n   \n\t\n" + eventJson(allowedToo) + "\n\n");

    assertEquals(0, run("invoke", "--events", file.toString()), stderr.text());
    List<String> lines = stdout.text().lines().toList();
    assertEquals(2, lines.size(), stdout.text());
    assertEquals(2, stderr.decisionLines().size());
  }

  @Test
  void anEmptyEventsFileExitsZeroWithNoOutput() throws IOException {
    Path file = write("events.jsonl", "");
    assertEquals(0, run("invoke", "--events", file.toString()));
    assertEquals("", stdout.text());
  }

  @Test
  void eventsAreReadFromStdinWithDash() {
    InputStream stdin = new ByteArrayInputStream(
        (eventJson(allowed) + "\n" + eventJson(denied) + "\n").getBytes(StandardCharsets.UTF_8));

    assertEquals(1, run(env(server), stdin, "invoke", "--events", "-"));
    assertEquals(2, stdout.text().lines().count());
  }

  @Test
  @org.junit.jupiter.api.Timeout(30)
  void eventsFromStdinAreAnsweredOneByOneBeforeTheNextLineIsRead() throws Exception {
    java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
    java.io.PipedInputStream stdin = new java.io.PipedInputStream(feed, 1 << 16);
    java.util.concurrent.CompletableFuture<Integer> exit =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> run(env(server), stdin, "invoke", "--events", "-"));

    feed.write((eventJson(allowed) + "\n").getBytes(StandardCharsets.UTF_8));
    feed.flush();
    awaitLines(1); // answered while standard input is still open
    feed.write((eventJson(denied) + "\r").getBytes(StandardCharsets.UTF_8));
    feed.flush();
    awaitLines(2);
    feed.close();

    assertEquals(1, exit.get(20, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(expectedLine(eventJson(allowed)) + expectedLine(eventJson(denied)), stdout.text());
  }

  private void awaitLines(int count) throws InterruptedException {
    long until = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    while (stdout.text().lines().count() < count) {
      if (System.nanoTime() > until) {
        throw new AssertionError("no answer to event " + count + " while standard input stayed open");
      }
      Thread.sleep(10);
    }
  }

  @Test
  void anEventGetsTheSameAnswerThroughEventAndEventsEvenWithInvalidUtf8() throws IOException {
    String json = eventJson(allowed);
    byte[] text = (json.substring(0, json.length() - 1) + ",\"note\":\"caf#\"}").getBytes(StandardCharsets.UTF_8);
    int hash = new String(text, StandardCharsets.UTF_8).indexOf('#');
    text[hash] = (byte) 0xE9; // a Latin-1 e-acute: not UTF-8
    Path single = Files.write(dir.resolve("event.json"), text);
    byte[] lines = new byte[text.length + 1];
    System.arraycopy(text, 0, lines, 0, text.length);
    lines[text.length] = '\n';
    Path many = Files.write(dir.resolve("events.jsonl"), lines);

    int singleExit = run("invoke", "--event", single.toString());
    String singleOut = stdout.text();
    stdout.reset();
    int manyExit = run("invoke", "--events", many.toString());

    assertEquals(1, singleExit, "the handler refuses an event that is not UTF-8");
    assertEquals(singleExit, manyExit, "--events decides the same bytes the same way");
    assertEquals(singleOut, stdout.text());
  }

  @Test
  void anIssuerThatIsNotAUrlExitsTwoInsteadOfCrashing() throws IOException {
    Path file = write("event.json", eventJson(allowed));
    Map<String, String> environment = new HashMap<>(env(server));
    environment.put("AUTHORIZER_ISSUER", "not a url");

    int exit = run(environment, InputStream.nullInputStream(), "invoke", "--event", file.toString());

    assertEquals(2, exit, stderr.text());
    assertTrue(stderr.text().contains("configuration error"), stderr.text());
    assertTrue(stderr.text().contains("not a url"), "the operator sees what is wrong: " + stderr.text());
    assertEquals("", stdout.text());
  }

  @Test
  void eventsSeparatedByCarriageReturnsAloneAreSplitToo() throws IOException {
    Path file = write("events.jsonl", eventJson(allowed) + "\r" + eventJson(denied) + "\r");

    assertEquals(1, run("invoke", "--events", file.toString()));
    assertEquals(2, stdout.text().lines().count(), stdout.text());
  }

  @Test
  void aConfigurationErrorExitsTwoAndNamesTheVariable() throws IOException {
    Path file = write("event.json", eventJson(allowed));
    Map<String, String> environment = new HashMap<>(env(server));
    environment.remove("AUTHORIZER_ISSUER");

    int exit = run(environment, InputStream.nullInputStream(), "invoke", "--event", file.toString());

    assertEquals(ExitCodes.CONFIGURATION_ERROR, exit);
    assertEquals(2, exit);
    assertTrue(stderr.text().contains("AUTHORIZER_ISSUER"), stderr.text());
    assertEquals("", stdout.text(), "no response is printed for a configuration error");
  }

  @Test
  void aMissingRoleExitsTwoAndNamesTheVariable() throws IOException {
    Path file = write("event.json", eventJson(allowed));
    Map<String, String> environment = new HashMap<>(env(server));
    environment.remove("AUTHORIZER_IAM_ROLE_ARN");

    assertEquals(2, run(environment, InputStream.nullInputStream(), "invoke", "--event", file.toString()));
    assertTrue(stderr.text().contains("AUTHORIZER_IAM_ROLE_ARN"), stderr.text());
  }

  @Test
  void badUsageExitsTwoWithTheUsage() {
    List<String[]> usages = List.of(
        new String[] {},
        new String[] {"invoke"},
        new String[] {"invoke", "--event"},
        new String[] {"invoke", "--evnt", "x.json"},
        new String[] {"run", "--event", "x.json"},
        new String[] {"--event", "x.json"},
        new String[] {"invoke", "--event", "a.json", "b.json"},
        new String[] {"--help"});
    for (String[] args : usages) {
      stderr.reset();
      stdout.reset();
      int exit = run(args);
      assertEquals(2, exit, String.join(" ", args));
      assertTrue(stderr.text().contains("usage:"), String.join(" ", args) + ": " + stderr.text());
      assertEquals("", stdout.text());
    }
  }

  @Test
  void anUnreadableEventFileExitsTwoNamingIt() {
    Path missing = dir.resolve("no-such-event.json");

    int exit = run("invoke", "--event", missing.toString());

    assertEquals(2, exit);
    assertTrue(stderr.text().contains("no-such-event.json"), stderr.text());
    assertEquals("", stdout.text());
  }

  @Test
  void aDirectoryAsEventsFileExitsTwo() {
    assertEquals(2, run("invoke", "--events", dir.toString()));
    assertEquals("", stdout.text());
    assertTrue(stderr.text().contains(dir + ": is a directory"), stderr.text());
  }

  @Test
  void aMissingEventFileIsSaidToBeMissing() {
    for (String option : new String[] {"--event", "--events"}) {
      stderr.reset();
      Path missing = dir.resolve("nope.json");

      assertEquals(2, run("invoke", option, missing.toString()), option);

      String message = stderr.text();
      assertTrue(message.contains(missing + ": no such file"), message);
      assertFalse(message.contains("cannot read"), "not 'cannot read nope.json: nope.json': " + message);
      assertFalse(message.contains("usage:"), "the usage was right: " + message);
      assertEquals("", stdout.text());
    }
  }

  @Test
  void versionPrintsTheToolAndItsVersionAndExitsZero() {
    assertEquals(0, run("--version"));

    assertTrue(stdout.text().matches("smart-authorizer \\S+" + NL), stdout.text());
    assertEquals("", stderr.text());
  }

  @Test
  void theVersionIsTheJarManifestsOrUnknown() {
    assertEquals("0.3.1", Cli.version("0.3.1"));
    assertEquals("unknown", Cli.version(null), "run from classes rather than the deployment jar");
    assertEquals("unknown", Cli.version(" "));
  }

  @Test
  void anUnknownCommandIsNamed() {
    for (String command : new String[] {"foo", "Invoke", "help"}) {
      stderr.reset();

      assertEquals(2, run(command, "--event", "x.json"), command);

      assertTrue(stderr.text().contains("unknown command '" + command + "'"), stderr.text());
      assertTrue(stderr.text().contains("usage:"), stderr.text());
      assertEquals("", stdout.text());
    }
  }

  @Test
  void anUnknownOptionIsNamedWithOrWithoutAValue() {
    List<String[]> calls = List.of(
        new String[] {"--bogus", "x"},
        new String[] {"invoke", "--bogus", "x"},
        new String[] {"invoke", "--bogus"},
        new String[] {"invoke", "--event", "x.json", "--bogus", "x"},
        new String[] {"check", "--bogus", "x"},
        new String[] {"smart-metadata", "--issuer", "https://issuer.example.com", "--bogus"},
        new String[] {"smart-metadata", "--issuer", "https://issuer.example.com", "--bogus", "x"});
    for (String[] args : calls) {
      stderr.reset();

      assertEquals(2, run(args), String.join(" ", args));

      String message = stderr.text();
      assertTrue(message.contains("unknown option '--bogus'"), String.join(" ", args) + ": " + message);
      assertFalse(message.contains("needs a value"), message);
      assertEquals("", stdout.text());
    }
  }

  @Test
  void anOptionWithoutItsValueSaysWhatItNeeds() {
    assertEquals(2, run("invoke", "--event"));

    assertTrue(stderr.text().contains("--event needs a file"), stderr.text());
  }

  @Test
  void theToolWritesNoMetricsUnlessAskedEvenWhereLambdaVariablesAreSet() throws IOException {
    Path file = write("event.json", eventJson(allowed));
    Map<String, String> environment = new HashMap<>(env(server));
    environment.put("AWS_LAMBDA_FUNCTION_NAME", "smart-authorizer");

    assertEquals(0, run(environment, InputStream.nullInputStream(), "invoke", "--event", file.toString()));
    assertFalse(stderr.text().contains("_aws"), stderr.text());

    stderr.reset();
    environment.put("AUTHORIZER_METRICS", "on");
    assertEquals(0, run(environment, InputStream.nullInputStream(), "invoke", "--event", file.toString()));
    assertTrue(stderr.jsonLines().stream().anyMatch(line -> line.containsKey("_aws")), stderr.text());
  }

  @Test
  void theUsageListsEveryCommandAndTheVersion() {
    run();

    String usage = stderr.text();
    for (String command : new String[] {"invoke --event", "invoke --events", "check", "smart-metadata", "--version",
        "AUTHORIZER_METRICS=on"}) {
      assertTrue(usage.contains(command), command + " in " + usage);
    }
  }
}
