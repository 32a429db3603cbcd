package io.github.smartauthorizer.assembly;

import io.github.smartauthorizer.lambda.Cli;

/**
 * The entry point of the deployment jar as a command-line tool ({@code java -jar smart-authorizer-lambda.jar ...}):
 * the handler module's {@link Cli}, with the toolkit's HTTP client for the commands that fetch a document.
 */
public final class SmartAuthorizerCli {
  private SmartAuthorizerCli() {}

  /** Runs one command and exits with its code (see {@link Cli}). */
  public static void main(String[] args) {
    System.exit(Cli.run(args, System.getenv(), System.in, System.out, System.err, new ToolkitDocumentFetcher()));
  }
}
