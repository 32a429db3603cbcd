package io.github.smartauthorizer.providers.shared;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ToolkitWarmUpTest {
  @Test
  void aWarmUpStartsItsThreadsOnceAndTheyFinish() throws Exception {
    ToolkitWarmUp warmUp = new ToolkitWarmUp();

    assertTrue(warmUp.start(null));
    assertFalse(warmUp.start(null));

    assertTrue(warmUp.awaitFinished(Duration.ofSeconds(30)));
  }

  @Test
  void switchedOffItStartsNothing() throws Exception {
    ToolkitWarmUp warmUp = new ToolkitWarmUp();

    assertFalse(warmUp.start("off"));

    assertFalse(warmUp.awaitFinished(Duration.ofMillis(200)));
  }

  @Test
  void theJvmWideWarmUpNeverThrowsAndStartsAtMostOnce() {
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      ToolkitWarmUp.start();
      assertFalse(ToolkitWarmUp.start());
    });
  }

  @Test
  void loadingTheDecisionPathNeverThrows() {
    ToolkitWarmUp.loadDecisionPath();
  }
}
