package io.github.smartauthorizer.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a run's {@code -Xlog} file, issuer times and log lines into milestones on one clock. */
class StartupTimelineTest {
  @TempDir
  Path directory;

  @Test
  void milestonesAreMillisecondsFromTheProcessStart() throws Exception {
    long start = 1_000_000_000L; // nanoTime at the process start
    long wall = 1_700_000_000_000_000_000L; // the wall clock at the same moment
    Path xlog = directory.resolve("x.log");
    Files.write(xlog, List.of(
        "[1005000000ns][1000000ns][11] java.lang.Object source: shared objects file",
        "[1080000000ns][76000000ns][11] Create VM, 0.0750000 secs",
        "[1100000000ns][96000000ns][12] io.github.smartauthorizer.lambda.Cli source: file:/x.jar",
        "[1300000000ns][296000000ns][13] sun.security.ssl.TrustStoreManager source: jrt:/java.base",
        "[1500000000ns][496000000ns][13] sun.security.ssl.X509TrustManagerImpl source: jrt:/java.base",
        "[1600000000ns][596000000ns][12] sun.security.ssl.ClientHello source: jrt:/java.base",
        "[1610000000ns][606000000ns][12] sun.security.ssl.ClientHello$ClientHelloMessage source: jrt:/java.base"));
    Path stderr = directory.resolve("stderr.log");
    Files.write(stderr, List.of(
        "{\"time\":\"2023-11-14T22:13:21.000Z\",\"level\":\"INFO\",\"message\":\"authorizer ready\",\"logger\":\"init\"}",
        "{\"time\":\"2023-11-14T22:13:21.010Z\",\"level\":\"INFO\",\"logger\":\"decision\",\"latencyMs\":7.5}"));
    // 2023-11-14T22:13:20Z is 1_700_000_000 s: ready is logged 1000 ms after the start.
    StartupTimeline timeline = StartupTimeline.of(xlog, stderr, start, wall, null, start + 700_000_000L, 1020.0);

    assertEquals(List.of(StartupTimeline.JVM_CREATED, StartupTimeline.MAIN_CLASS, StartupTimeline.TRUST_START,
        StartupTimeline.TRUST_DONE, StartupTimeline.HANDSHAKE, StartupTimeline.JWKS, StartupTimeline.READY,
        StartupTimeline.FIRST_RESPONSE), List.copyOf(timeline.milestones.keySet()));
    assertEquals(80.0, timeline.milestones.get(StartupTimeline.JVM_CREATED), 1e-9);
    assertEquals(100.0, timeline.milestones.get(StartupTimeline.MAIN_CLASS), 1e-9);
    assertEquals(600.0, timeline.milestones.get(StartupTimeline.HANDSHAKE), 1e-9); // the first ClientHello class
    assertEquals(700.0, timeline.milestones.get(StartupTimeline.JWKS), 1e-9);
    assertEquals(1000.0, timeline.milestones.get(StartupTimeline.READY), 1e-9);
    assertEquals(1020.0, timeline.milestones.get(StartupTimeline.FIRST_RESPONSE), 1e-9);
    assertFalse(timeline.milestones.containsKey(StartupTimeline.DISCOVERY));
    assertEquals(7.5, timeline.decisionLatencyMs, 1e-9);
    assertEquals(13L, timeline.markerThreads.get(StartupTimeline.TRUST_DONE));
    assertArrayEquals(new long[] {3, 3}, timeline.classesBetween(100, 600));
    assertArrayEquals(new long[] {6, 5}, timeline.classesBetween(Double.NEGATIVE_INFINITY, 1000));
  }
}
