package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The HTTP client, with its TLS context and trust store, is built by the first call and not before: a validator whose
 * keys were supplied up front answers its first request without paying for TLS (docs/performance.md, "Cold start
 * inside a Lambda-sized CPU quota").
 */
class HttpFetcherLazinessTest {

  @Test
  void noClientIsBuiltUntilTheFirstCallAndATimeoutCopyBuildsNoneEither() throws Exception {
    HttpFetcher fetcher = new HttpFetcher(Duration.ofSeconds(2), 1024);
    HttpFetcher longer = fetcher.withTimeout(Duration.ofSeconds(5));

    assertFalse(fetcher.clientBuilt());
    assertFalse(longer.clientBuilt());

    try (JwksLoopback server = new JwksLoopback()) {
      server.serve("{\"keys\":[]}");
      assertEquals(200, longer.get(server.jwksUri(), "application/json").status());
    }
    assertTrue(longer.clientBuilt());
    assertFalse(fetcher.clientBuilt(), "each fetcher builds its own client, on its own first call");
  }
}
