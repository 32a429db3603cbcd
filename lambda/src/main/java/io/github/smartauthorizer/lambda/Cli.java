package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.spi.ConfigurationException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The deployment jar as a command-line tool, over the same code as the Lambda handler and with the same
 * {@code AUTHORIZER_*} environment variables:
 *
 * <pre>
 * java -jar smart-authorizer-lambda.jar invoke --event FILE|-      # one event; prints the response JSON
 * java -jar smart-authorizer-lambda.jar invoke --events FILE.jsonl # one event per line; one response per line
 * java -jar smart-authorizer-lambda.jar check                      # what the Lambda would do at init
 * java -jar smart-authorizer-lambda.jar smart-metadata --issuer URL [options]  # the data store's Metadata
 * </pre>
 *
 * <p>Responses go to standard output, logs to standard error. {@code invoke} exits 0 when every event was authorized,
 * 1 when any was denied, 2 on a configuration or usage error (with a message naming the variable or argument);
 * {@code check} ({@link CheckCommand}) and {@code smart-metadata} ({@link SmartMetadataCommand}) exit 0 or 2. Metrics
 * ({@link Metrics}) are off unless {@code AUTHORIZER_METRICS=on}, whatever else the environment holds
 * ({@code AWS_LAMBDA_FUNCTION_NAME} included), and then go to standard error, so that standard output keeps only
 * responses.
 */
public final class Cli {
  static final int AUTHORIZED = ExitCodes.AUTHORIZED;
  static final int DENIED = ExitCodes.DENIED;
  static final int CONFIGURATION_ERROR = ExitCodes.CONFIGURATION_ERROR;

  private static final String USAGE = String.join(System.lineSeparator(),
      "usage: java -jar smart-authorizer-lambda.jar invoke --event FILE|-",
      "       java -jar smart-authorizer-lambda.jar invoke --events FILE.jsonl|-",
      "       java -jar smart-authorizer-lambda.jar check",
      "       java -jar smart-authorizer-lambda.jar smart-metadata --issuer URL [options] (--help for the options)",
      "Configuration comes from AUTHORIZER_* environment variables, as in Lambda (see README).",
      "Exit codes: 0 all authorized (invoke) or success, 1 any denied (invoke), 2 configuration or usage error.");

  private Cli() {}

  /** The tool without HTTP calls of its own ({@code smart-metadata} needs the deployment jar's entry point). */
  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.in, System.out, System.err, DocumentFetcher.none()));
  }

  static int run(String[] args, Map<String, String> environment, InputStream stdin, PrintStream stdout,
      PrintStream stderr) {
    return run(args, environment, stdin, stdout, stderr, DocumentFetcher.none());
  }

  /**
   * Runs one command.
   *
   * @param fetcher how {@code smart-metadata} reads the discovery document (the deployment jar passes the toolkit's
   *     HTTP client)
   * @return the exit code
   */
  public static int run(String[] args, Map<String, String> environment, InputStream stdin, PrintStream stdout,
      PrintStream stderr, DocumentFetcher fetcher) {
    List<String> arguments = List.of(args);
    if (!arguments.isEmpty() && arguments.get(0).equals(CheckCommand.NAME)) {
      if (arguments.size() != 1) {
        stderr.println(USAGE);
        return CONFIGURATION_ERROR;
      }
      return CheckCommand.run(environment, stdout, stderr);
    }
    if (!arguments.isEmpty() && arguments.get(0).equals(SmartMetadataCommand.NAME)) {
      return SmartMetadataCommand.run(arguments.subList(1, arguments.size()), fetcher, stdout, stderr);
    }
    if (arguments.size() != 3 || !arguments.get(0).equals("invoke")
        || !(arguments.get(1).equals("--event") || arguments.get(1).equals("--events"))) {
      stderr.println(USAGE);
      return CONFIGURATION_ERROR;
    }
    boolean many = arguments.get(1).equals("--events");
    String source = arguments.get(2);
    Authorizer authorizer;
    try {
      authorizer = Authorizer.builder().environment(environment).logStream(stderr).metricsStream(stderr)
          .metricsOffUnlessAsked().build();
    } catch (ConfigurationException e) {
      stderr.println("configuration error: " + e.getMessage());
      return CONFIGURATION_ERROR;
    }
    try (InputStream input = source.equals("-") ? stdin : Files.newInputStream(Path.of(source))) {
      return many ? invokeEach(authorizer, input, stdout)
          : invokeOne(authorizer, input.readNBytes(HealthLakeEvents.MAX_EVENT_BYTES + 1), stdout);
    } catch (IOException e) {
      stderr.println("cannot read " + source + ": " + e.getMessage());
      return CONFIGURATION_ERROR;
    }
  }

  private static int invokeOne(Authorizer authorizer, byte[] event, PrintStream stdout) {
    Decision decision = authorizer.decide(event);
    authorizer.logDecision(decision, null);
    stdout.println(decision.responseJson());
    return decision.authorized() ? AUTHORIZED : DENIED;
  }

  /**
   * One event per line ({@code \n}, {@code \r\n} or {@code \r}), blank lines skipped, streamed: each line is decided
   * and its response written (and flushed) before the next line is read, so that a recorded event stream can be piped
   * in and time-dependent behaviour exercised. Lines are split on the raw bytes and each is decided as is, so an event
   * gets the same answer as with {@code --event} (no UTF-8 repair); a line is kept only up to one byte past the event
   * size limit, which the decision then refuses.
   */
  private static int invokeEach(Authorizer authorizer, InputStream events, PrintStream stdout) throws IOException {
    InputStream in = events instanceof BufferedInputStream ? events : new BufferedInputStream(events);
    int exit = AUTHORIZED;
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    do {
      b = in.read();
      if (b == -1 || b == '\n' || b == '\r') {
        byte[] event = line.toByteArray();
        line.reset();
        if (!isBlank(event)) {
          if (invokeOne(authorizer, event, stdout) != AUTHORIZED) {
            exit = DENIED;
          }
          stdout.flush();
        }
      } else if (line.size() <= HealthLakeEvents.MAX_EVENT_BYTES) {
        line.write(b);
      }
    } while (b != -1);
    return exit;
  }

  private static boolean isBlank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\f' && b != 0x0B) {
        return false;
      }
    }
    return true;
  }
}
