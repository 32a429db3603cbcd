package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.spi.ConfigurationException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
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
 * java -jar smart-authorizer-lambda.jar check [--fine-grained] [--event FILE] # what the Lambda would do at init
 * java -jar smart-authorizer-lambda.jar smart-metadata --issuer URL [options]  # the data store's Metadata
 * java -jar smart-authorizer-lambda.jar policy-test --fixtures DIR # golden cases of a configuration, offline
 * java -jar smart-authorizer-lambda.jar --version                  # the project version (the jar's manifest)
 * </pre>
 *
 * <p>Responses go to standard output, logs to standard error. {@code invoke} exits 0 when every event was authorized,
 * 1 when any was denied, 2 on a configuration or usage error (with a message naming the variable, the command, the
 * option or the file at fault); {@code check} ({@link CheckCommand}) and {@code smart-metadata}
 * ({@link SmartMetadataCommand}) exit 0 or 2; {@code policy-test} ({@link PolicyTestCommand}) exits 0 when every
 * case passes, 1 when any fails, 2 on a usage or configuration error. Metrics ({@link Metrics}) are off unless {@code AUTHORIZER_METRICS=on},
 * whatever else the environment holds ({@code AWS_LAMBDA_FUNCTION_NAME} included), and then go to standard error, so
 * that standard output keeps only responses.
 */
public final class Cli {
  private static final String VERSION_OPTION = "--version";
  private static final String INVOKE = "invoke";
  private static final List<String> INVOKE_OPTIONS = List.of("--event", "--events");

  private static final String USAGE = String.join(System.lineSeparator(),
      "usage: java -jar smart-authorizer-lambda.jar invoke --event FILE|-          one event; prints its response",
      "       java -jar smart-authorizer-lambda.jar invoke --events FILE.jsonl|-   one event per line, streamed",
      "       java -jar smart-authorizer-lambda.jar check [--fine-grained] [--event FILE]  what the Lambda would do at init",
      "       java -jar smart-authorizer-lambda.jar smart-metadata --issuer URL [options] (--help for the options)",
      "       java -jar smart-authorizer-lambda.jar policy-test --fixtures DIR   golden cases, offline (docs/cli.md)",
      "       java -jar smart-authorizer-lambda.jar --version",
      "Configuration comes from AUTHORIZER_* environment variables, as in Lambda (docs/configuration.md). Responses go to",
      "standard output, logs to standard error; metrics only with AUTHORIZER_METRICS=on, to standard error.",
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
   * The version to print: the deployment jar's {@code Implementation-Version} (its manifest), or {@code unknown} when
   * there is none (run from classes, or from a jar built otherwise).
   */
  static String version(String implementationVersion) {
    return implementationVersion == null || implementationVersion.isBlank() ? "unknown" : implementationVersion;
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
    if (arguments.isEmpty() || arguments.get(0).equals("--help") || arguments.get(0).equals("-h")) {
      return usage(stderr, null);
    }
    String command = arguments.get(0);
    List<String> options = arguments.subList(1, arguments.size());
    if (command.equals(VERSION_OPTION)) {
      if (!options.isEmpty()) {
        return usage(stderr, unknownOption(options.get(0)));
      }
      stdout.println("smart-authorizer " + version(Cli.class.getPackage().getImplementationVersion()));
      return ExitCodes.AUTHORIZED;
    }
    if (command.equals(CheckCommand.NAME)) {
      CheckCommand.Options checkOptions;
      try {
        checkOptions = CheckCommand.Options.parse(options);
      } catch (IllegalArgumentException e) {
        return usage(stderr, e.getMessage());
      }
      return CheckCommand.run(checkOptions, environment, stdout, stderr);
    }
    if (command.equals(PolicyTestCommand.NAME)) {
      return PolicyTestCommand.run(options, stdout, stderr);
    }
    if (command.equals(SmartMetadataCommand.NAME)) {
      return SmartMetadataCommand.run(options, fetcher, stdout, stderr);
    }
    if (!command.equals(INVOKE)) {
      return usage(stderr, command.startsWith("-") ? unknownOption(command) : "unknown command '" + command + "'");
    }
    return invoke(options, environment, stdin, stdout, stderr);
  }

  private static String unknownOption(String option) {
    return option.startsWith("-") ? "unknown option '" + option + "'" : "unexpected argument '" + option + "'";
  }

  private static int usage(PrintStream stderr, String problem) {
    if (problem != null) {
      stderr.println(problem);
    }
    stderr.println(USAGE);
    return ExitCodes.CONFIGURATION_ERROR;
  }

  /** {@code invoke --event FILE|-} or {@code invoke --events FILE|-}. */
  private static int invoke(List<String> options, Map<String, String> environment, InputStream stdin,
      PrintStream stdout, PrintStream stderr) {
    for (String option : options) {
      if (option.startsWith("--") && !INVOKE_OPTIONS.contains(option)) {
        return usage(stderr, unknownOption(option));
      }
    }
    if (options.isEmpty()) {
      return usage(stderr, "invoke needs --event FILE or --events FILE");
    }
    String option = options.get(0);
    if (!INVOKE_OPTIONS.contains(option)) {
      return usage(stderr, unknownOption(option));
    }
    if (options.size() == 1) {
      return usage(stderr, option + " needs a file (or - for standard input)");
    }
    if (options.size() > 2) {
      return usage(stderr, unknownOption(options.get(2)));
    }
    boolean many = option.equals("--events");
    String source = options.get(1);
    InputStream input;
    try {
      input = source.equals("-") ? stdin : open(Path.of(source));
    } catch (InvalidPathException e) {
      stderr.println(source + ": not a file name (" + e.getReason() + ")");
      return ExitCodes.CONFIGURATION_ERROR;
    } catch (IOException e) {
      stderr.println(e.getMessage());
      return ExitCodes.CONFIGURATION_ERROR;
    }
    try (input) {
      Authorizer authorizer;
      try {
        authorizer = Authorizer.builder().environment(environment).logStream(stderr).metricsStream(stderr)
            .metricsOffUnlessAsked().build();
      } catch (ConfigurationException e) {
        stderr.println("configuration error: " + e.getMessage());
        return ExitCodes.CONFIGURATION_ERROR;
      }
      return many ? invokeEach(authorizer, input, stdout)
          : invokeOne(authorizer, input.readNBytes(HealthLakeEvents.MAX_EVENT_BYTES + 1), stdout);
    } catch (IOException e) {
      stderr.println(source + ": cannot be read: " + e.getMessage());
      return ExitCodes.CONFIGURATION_ERROR;
    }
  }

  /** Opens an events file, or fails with a message that names it and says what is wrong with it. */
  static InputStream open(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": is a directory");
    }
    try {
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new IOException(file + ": permission denied", e);
    } catch (IOException e) {
      throw new IOException(file + ": cannot be read: " + e.getMessage(), e);
    }
  }

  private static int invokeOne(Authorizer authorizer, byte[] event, PrintStream stdout) {
    Decision decision = authorizer.decide(event);
    authorizer.logDecision(decision, null);
    stdout.println(decision.responseJson());
    return decision.authorized() ? ExitCodes.AUTHORIZED : ExitCodes.DENIED;
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
    int exit = ExitCodes.AUTHORIZED;
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    do {
      b = in.read();
      if (b == -1 || b == '\n' || b == '\r') {
        byte[] event = line.toByteArray();
        line.reset();
        if (!isBlank(event)) {
          if (invokeOne(authorizer, event, stdout) != ExitCodes.AUTHORIZED) {
            exit = ExitCodes.DENIED;
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
