package io.github.smartauthorizer.lambda;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * Fetches one JSON document over HTTP for a command of the command-line tool (the issuer's discovery document for
 * {@code smart-metadata}). The handler module makes no HTTP call of its own: the assembly that builds the deployment
 * jar passes the toolkit's client, so that every call to an identity provider goes through the same HTTP client.
 */
@FunctionalInterface
public interface DocumentFetcher {

  /**
   * GETs a JSON document.
   *
   * @param uri where
   * @param timeout the whole call
   * @param maxBytes the largest body accepted
   * @return the body of a 2xx answer
   * @throws IOException when the call fails, times out, is too large or answers another status (the message says
   *     which, without the body)
   */
  byte[] getJson(URI uri, Duration timeout, int maxBytes) throws IOException;

  /** A fetcher for tools without HTTP: every call fails, saying so. */
  static DocumentFetcher none() {
    return (uri, timeout, maxBytes) -> {
      throw new IOException("this build of the tool cannot make HTTP calls; use the deployment jar");
    };
  }
}
