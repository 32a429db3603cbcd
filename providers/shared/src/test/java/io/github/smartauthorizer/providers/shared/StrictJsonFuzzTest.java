package io.github.smartauthorizer.providers.shared;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.smartauthorizer.api.json.StrictJson;
import io.github.smartauthorizer.providers.shared.StrictJsonDifferentialTest.Agreement;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;

/**
 * Differential fuzz target for {@link StrictJson}, with Jazzer: any bytes go to the production reader and to the
 * moshi-based reader it replaced ({@link MoshiStrictJsonOracle}), at the default depth limit and at a roomy one.
 *
 * <p>Invariants (those of {@link StrictJsonDifferentialTest#assertAgree}): the production reader throws nothing but
 * {@link StrictJson.MalformedJsonException}; both readers refuse, or both accept and read equal values (same types,
 * same member order); the only disagreements allowed are the oracle's known leniencies and defects (literal names in
 * upper or mixed case, the escapes {@code \'} and backslash-line-feed, integers that wrap moshi's accumulator), each
 * recognised exactly and confirmed by reading the normalised input again. A finding prints the input in hex.
 *
 * <p>In the regular build it fuzzes for {@code fuzz.seconds} (15 s) in its own JVM ({@code fuzz-strict-json});
 * {@code -Pfuzz-long} runs it for 10 minutes. Without {@code JAZZER_FUZZ} (an IDE run) it replays the seeds in
 * {@code StrictJsonFuzzTestInputs/}.
 */
class StrictJsonFuzzTest {
  static final AtomicLong EXECUTIONS = new AtomicLong();
  private static final Map<Agreement, AtomicLong> OUTCOMES = new EnumMap<>(Agreement.class);

  static {
    for (Agreement agreement : Agreement.values()) {
      OUTCOMES.put(agreement, new AtomicLong());
    }
  }

  @AfterAll
  static void report() {
    System.out.println("FUZZ StrictJsonFuzzTest executions: " + EXECUTIONS.get() + ", comparisons by outcome: "
        + OUTCOMES);
  }

  @FuzzTest(maxDuration = "15s")
  void fuzz(byte[] document) {
    EXECUTIONS.incrementAndGet();
    OUTCOMES.get(StrictJsonDifferentialTest.assertAgree(document, StrictJson.DEFAULT_MAX_DEPTH)).incrementAndGet();
    OUTCOMES.get(StrictJsonDifferentialTest.assertAgree(document, StrictJsonDifferentialTest.ORACLE_MAX_NESTING))
        .incrementAndGet();
  }
}
