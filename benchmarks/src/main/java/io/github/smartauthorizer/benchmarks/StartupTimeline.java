package io.github.smartauthorizer.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one cold start's time went, from what the run leaves behind, all on one clock ({@link System#nanoTime()},
 * which on Linux is {@code CLOCK_MONOTONIC} in every process): the measured JVM's
 * {@code -Xlog:class+load,startuptime} file with the {@code timenanos} decoration, the issuer's arrival times of
 * the discovery and JWKS requests, the time of the jar's {@code authorizer ready} log line (wall clock, converted
 * through the harness's wall and monotonic clocks read together at the process start), and the first response as the
 * harness saw it.
 *
 * <p>Milestones, roughly in the order a {@code jwks} cold start passes them (a missing one is left out); those marked
 * by a class are the first load of that class, on whichever thread (the init warm-up threads build the TLS context
 * while the main thread reads the configuration):
 * <ol>
 *   <li>{@code JVM created}: the JVM's {@code Create VM} (fork and exec of the launcher, libjvm, heap, CDS mapping,
 *       {@code java.lang} initialisation);
 *   <li>{@code main class loaded}: the jar's main class ({@code Cli});
 *   <li>{@code OkHttp client}: {@code okhttp3.OkHttpClient} (a warm-up thread starts building the shared client;
 *       OkHttp's platform detection loads the security providers);
 *   <li>{@code trust store: loading starts}: {@code sun.security.ssl.TrustStoreManager};
 *   <li>{@code trust store: parsed}: {@code sun.security.ssl.X509TrustManagerImpl}, built once the roots are read;
 *   <li>{@code TLS context ready}: {@code sun.security.ssl.SSLSocketFactoryImpl}, asked for once the context is
 *       initialised;
 *   <li>{@code TLS handshake starts}: the first {@code sun.security.ssl.ClientHello} class loaded, i.e. the first
 *       ClientHello being produced (the warm-up threads open no TLS connection);
 *   <li>{@code server certificate check}: {@code sun.security.validator.PKIXValidator}, the server's chain received;
 *   <li>{@code discovery request at the issuer}, {@code JWKS request at the issuer}: request headers read by the
 *       issuer, so after the handshake;
 *   <li>{@code init done}: the jar's {@code authorizer ready} log line;
 *   <li>{@code first response}: the first line on standard output.
 * </ol>
 */
final class StartupTimeline {
  static final String JVM_CREATED = "JVM created (`Create VM` done)";
  static final String MAIN_CLASS = "main class loaded (`Cli`)";
  static final String OKHTTP = "OkHttp client construction starts";
  static final String TRUST_START = "trust store: loading starts";
  static final String TRUST_DONE = "trust store: parsed (trust manager built)";
  static final String TLS_CONTEXT = "TLS context ready (socket factory)";
  static final String HANDSHAKE = "TLS handshake starts (first `ClientHello`)";
  static final String VALIDATION = "server certificate chain check (`PKIXValidator`)";
  static final String DISCOVERY = "discovery request at the issuer";
  static final String JWKS = "JWKS request at the issuer";
  static final String READY = "init done (`authorizer ready` logged)";
  static final String FIRST_RESPONSE = "first response on stdout";
  static final List<String> ORDER = List.of(JVM_CREATED, MAIN_CLASS, OKHTTP, TRUST_START, TRUST_DONE, TLS_CONTEXT,
      HANDSHAKE, VALIDATION, DISCOVERY, JWKS, READY, FIRST_RESPONSE);
  /** The class whose first load marks a milestone. */
  private static final Map<String, String> MARKERS = Map.of(
      "io.github.smartauthorizer.lambda.Cli", MAIN_CLASS,
      "okhttp3.OkHttpClient", OKHTTP,
      "sun.security.ssl.TrustStoreManager", TRUST_START,
      "sun.security.ssl.X509TrustManagerImpl", TRUST_DONE,
      "sun.security.ssl.SSLSocketFactoryImpl", TLS_CONTEXT,
      "sun.security.ssl.ClientHello", HANDSHAKE,
      "sun.security.validator.PKIXValidator", VALIDATION);

  private static final Pattern LINE = Pattern.compile("^\\[(\\d+)ns\\]\\[(\\d+)ns\\]\\[(\\d+)\\] (.*)$");
  private static final Pattern READY_LINE = Pattern.compile("\"time\":\"([^\"]+)\".*\"message\":\"authorizer ready\"");
  private static final Pattern LATENCY = Pattern.compile("\"logger\":\"decision\".*\"latencyMs\":([0-9.]+)");

  /** Milestone → ms since the process was started. */
  final Map<String, Double> milestones = new LinkedHashMap<>();
  /** Class load times (ms since the process start), whether each came from the CDS archive, and the thread id. */
  final List<double[]> classLoads = new ArrayList<>();
  /** The thread ids that first loaded the main class and the marker classes, by milestone. */
  final Map<String, Long> markerThreads = new LinkedHashMap<>();
  /** The first decision's own latency as the jar logged it, or NaN. */
  double decisionLatencyMs = Double.NaN;

  /**
   * @param startNanos the harness's {@code nanoTime} at the process start
   * @param startWallNanos the harness's wall clock (ns since the epoch) read together with {@code startNanos}
   * @param discoveryNanos the issuer's arrival time of the discovery request, or null
   * @param jwksNanos the issuer's arrival time of the JWKS request, or null
   */
  static StartupTimeline of(Path xlog, Path stderr, long startNanos, long startWallNanos, Long discoveryNanos,
      Long jwksNanos, double firstResponseMs) throws IOException {
    StartupTimeline timeline = new StartupTimeline();
    Map<String, Double> found = new LinkedHashMap<>();
    for (String line : Files.readAllLines(xlog)) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      double at = (Long.parseLong(m.group(1)) - startNanos) / 1e6;
      String message = m.group(4);
      if (message.startsWith("Create VM,")) {
        found.putIfAbsent(JVM_CREATED, at);
      } else if (message.contains(" source: ")) {
        long tid = Long.parseLong(m.group(3));
        timeline.classLoads.add(new double[] {at, message.contains("shared objects file") ? 1 : 0, tid});
        String milestone = MARKERS.get(message.substring(0, message.indexOf(' ')));
        if (milestone != null && !found.containsKey(milestone)) {
          found.put(milestone, at);
          timeline.markerThreads.put(milestone, tid);
        }
      }
    }
    if (discoveryNanos != null && discoveryNanos > startNanos) {
      found.put(DISCOVERY, (discoveryNanos - startNanos) / 1e6);
    }
    if (jwksNanos != null && jwksNanos > startNanos) {
      found.put(JWKS, (jwksNanos - startNanos) / 1e6);
    }
    for (String line : Files.readAllLines(stderr)) {
      Matcher ready = READY_LINE.matcher(line);
      if (ready.find() && !found.containsKey(READY)) {
        Instant time = Instant.parse(ready.group(1));
        long wall = time.getEpochSecond() * 1_000_000_000L + time.getNano();
        found.put(READY, (wall - startWallNanos) / 1e6);
      }
      Matcher latency = LATENCY.matcher(line);
      if (latency.find() && Double.isNaN(timeline.decisionLatencyMs)) {
        timeline.decisionLatencyMs = Double.parseDouble(latency.group(1));
      }
    }
    found.put(FIRST_RESPONSE, firstResponseMs);
    for (String milestone : ORDER) {
      if (found.containsKey(milestone)) {
        timeline.milestones.put(milestone, found.get(milestone));
      }
    }
    return timeline;
  }

  /**
   * Per thread that loaded classes: its id, how many it loaded, how many of them outside the CDS archive, and the
   * times of its first and last load (ms since the process start), busiest first.
   */
  List<double[]> threads() {
    Map<Long, double[]> byThread = new LinkedHashMap<>();
    for (double[] load : classLoads) {
      double[] t = byThread.computeIfAbsent((long) load[2], id -> new double[] {id, 0, 0, load[0], load[0]});
      t[1]++;
      t[2] += load[1] == 0 ? 1 : 0;
      t[4] = load[0];
    }
    List<double[]> threads = new ArrayList<>(byThread.values());
    threads.sort((a, b) -> Double.compare(b[1], a[1]));
    return threads;
  }

  /** The classes loaded in {@code (from, to]} ms, and how many of them did not come from the CDS archive. */
  long[] classesBetween(double from, double to) {
    long total = 0;
    long outside = 0;
    for (double[] load : classLoads) {
      if (load[0] > from && load[0] <= to) {
        total++;
        if (load[1] == 0) {
          outside++;
        }
      }
    }
    return new long[] {total, outside};
  }
}
