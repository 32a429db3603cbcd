package io.github.smartauthorizer.benchmarks;

import io.github.smartauthorizer.api.json.StrictJson;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a JMH JSON result ({@code -rf json -rff FILE}) of {@link JwtDecisionBenchmark} and {@link OtherPathsBenchmark}
 * into the table of docs/performance.md: median, p99 and sample count of every benchmark, and for the decision
 * benchmarks the ratio of their median (and p99) to the java-jwt floor of the same algorithm.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.github.smartauthorizer.benchmarks.BenchReport results.json</pre>
 */
public final class BenchReport {
  /** The target: the handler's median at most this multiple of the floor's. */
  static final double TARGET_RATIO = 1.25;

  private BenchReport() {}

  public static void main(String[] args) throws IOException, StrictJson.MalformedJsonException {
    if (args.length != 1) {
      System.err.println("usage: BenchReport results.json");
      System.exit(2);
    }
    System.out.print(report(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8)));
  }

  record Row(String benchmark, String alg, double p50, double p99, long samples, String unit) {}

  static String report(String jmhJson) throws StrictJson.MalformedJsonException {
    Map<String, Object> root = StrictJson.parseObject(
        ("{\"results\":" + jmhJson + "}").getBytes(StandardCharsets.UTF_8), 32);
    Map<String, Row> rows = new LinkedHashMap<>();
    for (Object item : (List<?>) root.get("results")) {
      Map<?, ?> result = (Map<?, ?>) item;
      String name = (String) result.get("benchmark");
      String shortName = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      Map<?, ?> params = (Map<?, ?>) result.get("params");
      String alg = params == null ? "" : String.valueOf(params.get("alg"));
      Map<?, ?> metric = (Map<?, ?>) result.get("primaryMetric");
      Map<?, ?> percentiles = (Map<?, ?>) metric.get("scorePercentiles");
      long samples = samples(metric);
      rows.put(shortName + "|" + alg, new Row(shortName, alg, number(percentiles.get("50.0")),
          number(percentiles.get("99.0")), samples, String.valueOf(metric.get("scoreUnit"))));
    }
    StringBuilder out = new StringBuilder();
    out.append("| benchmark | alg | p50 | p99 | samples | p50 / java-jwt floor | p99 / java-jwt floor |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|\n");
    for (Row row : rows.values()) {
      Row floor = rows.get("JwtDecisionBenchmark.floorJavaJwt|" + row.alg);
      String ratio50 = "";
      String ratio99 = "";
      if (floor != null && row.benchmark.startsWith("JwtDecisionBenchmark.")) {
        ratio50 = String.format(Locale.ROOT, "%.2f", row.p50 / floor.p50);
        ratio99 = String.format(Locale.ROOT, "%.2f", row.p99 / floor.p99);
      }
      out.append(String.format(Locale.ROOT, "| %s | %s | %.1f %s | %.1f %s | %d | %s | %s |%n", row.benchmark,
          row.alg, row.p50, row.unit, row.p99, row.unit, row.samples, ratio50, ratio99));
    }
    for (String alg : List.of("RS256", "ES256")) {
      Row handler = rows.get("JwtDecisionBenchmark.handler|" + alg);
      Row floor = rows.get("JwtDecisionBenchmark.floorJavaJwt|" + alg);
      if (handler != null && floor != null) {
        double ratio = handler.p50 / floor.p50;
        out.append(String.format(Locale.ROOT, "%s: handler p50 %.1f %s = %.2f x the java-jwt floor (%.1f %s): %s%n",
            alg, handler.p50, handler.unit, ratio, floor.p50, floor.unit,
            ratio <= TARGET_RATIO ? "within the 1.25 target" : "ABOVE the 1.25 target"));
      }
    }
    return out.toString();
  }

  private static long samples(Map<?, ?> metric) {
    Object histogram = metric.get("rawDataHistogram");
    long count = 0;
    if (histogram instanceof List<?> forks) {
      for (Object fork : forks) {
        for (Object iteration : (List<?>) fork) {
          for (Object bucket : (List<?>) iteration) {
            count += ((Number) ((List<?>) bucket).get(1)).longValue();
          }
        }
      }
    }
    return count;
  }

  private static double number(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    return new BigDecimal(String.valueOf(value)).doubleValue();
  }
}
