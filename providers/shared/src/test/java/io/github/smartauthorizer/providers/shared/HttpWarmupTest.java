package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpWarmupTest {
  @Test
  void callPathWarmUpCompletesAGetAndAPostThroughOkHttpWithoutTheNetwork() throws Exception {
    // warmup.invalid cannot resolve (RFC 6761) and nothing listens anywhere: only the in-memory sockets can answer
    List<HttpFetcher.HttpResponse> responses = HttpWarmup.exerciseCallPath();

    assertEquals(2, responses.size());
    for (HttpFetcher.HttpResponse response : responses) {
      assertEquals(200, response.status());
      assertArrayEquals("{}".getBytes(StandardCharsets.US_ASCII), response.body());
    }
  }

  @Test
  void warmUpsNeverThrowAndCanBeRepeated() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      for (int i = 0; i < 3; i++) {
        HttpFetcher.warmUpCallPath();
        HttpFetcher.warmUpTls();
      }
    });
  }
}
