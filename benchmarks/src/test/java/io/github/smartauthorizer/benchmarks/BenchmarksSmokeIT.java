package io.github.smartauthorizer.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Proves that the benchmarks still run, not how fast: every JMH benchmark for one short in-process iteration (their
 * setups check that they measure what they say: an allow with cached keys, a cache hit, the expected deny), the report
 * over the result, and a short soak run. The measured runs are in docs/performance.md.
 */
class BenchmarksSmokeIT {
  /** Every benchmark and parameter, as the report names them ({@code benchmark | alg}). */
  private static final Set<String> BENCHMARKS = Set.of(
      "JwtDecisionBenchmark.handler | RS256", "JwtDecisionBenchmark.handler | ES256",
      "JwtDecisionBenchmark.handlerLambda | RS256", "JwtDecisionBenchmark.handlerLambda | ES256",
      "JwtDecisionBenchmark.decide | RS256", "JwtDecisionBenchmark.decide | ES256",
      "JwtDecisionBenchmark.floorJavaJwt | RS256", "JwtDecisionBenchmark.floorJavaJwt | ES256",
      "JwtDecisionBenchmark.floorJdkSignature | RS256", "JwtDecisionBenchmark.floorJdkSignature | ES256",
      "OtherPathsBenchmark.introspectionCacheHit | ", "OtherPathsBenchmark.denyGarbage | ",
      "OtherPathsBenchmark.denyUnknownKid | ");
  /** A row of the report: benchmark, alg, then its p50, p99 and sample count. */
  private static final Pattern ROW = Pattern.compile(
      "^\\| (\\S+) \\| (\\S*) \\| [\\d.]+ \\S+ \\| [\\d.]+ \\S+ \\| (\\d+) \\|", Pattern.MULTILINE);

  @Test
  void everyBenchmarkRunsAndTheReportHasARowWithSamplesForEach(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("results.json");
    Options options = new OptionsBuilder()
        .include(JwtDecisionBenchmark.class.getSimpleName())
        .include(OtherPathsBenchmark.class.getSimpleName())
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(200))
        .timeUnit(TimeUnit.MICROSECONDS)
        .resultFormat(ResultFormatType.JSON)
        .result(json.toString())
        .shouldFailOnError(true)
        .build();
    Collection<RunResult> results = new Runner(options).run();
    assertEquals(BENCHMARKS.size(), results.size(), "5 decision benchmarks for 2 algorithms, 3 other paths");

    String report = BenchReport.report(Files.readString(json));
    Set<String> rows = new HashSet<>();
    Matcher row = ROW.matcher(report);
    while (row.find()) {
      assertTrue(Long.parseLong(row.group(3)) > 0, "a row without samples: " + row.group());
      rows.add(row.group(1) + " | " + row.group(2));
    }
    assertEquals(BENCHMARKS, rows, report);
    for (String alg : List.of("RS256", "ES256")) {
      assertTrue(Pattern.compile("^" + alg + ": handler p50 [\\d.]+ \\S+ = [\\d.]+ x the java-jwt floor",
          Pattern.MULTILINE).matcher(report).find(), report);
    }
  }

  @Test
  void aShortSoakRunPasses() throws Exception {
    assertTrue(Soak.run(3_000, 1_500));
  }
}
