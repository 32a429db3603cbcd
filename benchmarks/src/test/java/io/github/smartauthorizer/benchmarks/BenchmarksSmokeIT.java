package io.github.smartauthorizer.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
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
  @Test
  void everyBenchmarkRunsAndTheReportReadsTheResult(@TempDir Path dir) throws Exception {
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
    assertEquals(2 * 5 + 3, results.size(), "5 decision benchmarks for 2 algorithms, 3 other paths");
    for (RunResult result : results) {
      assertTrue(result.getPrimaryResult().getScore() > 0, result.getParams().getBenchmark());
    }
    String report = BenchReport.report(Files.readString(json));
    assertTrue(report.contains("| JwtDecisionBenchmark.handler | RS256 |"), report);
    assertTrue(report.contains("RS256: handler p50"), report);
    assertTrue(report.contains("| OtherPathsBenchmark.introspectionCacheHit |"), report);
  }

  @Test
  void aShortSoakRunPasses() throws Exception {
    assertTrue(Soak.run(3_000, 1_500));
  }
}
