package io.github.smartauthorizer.benchmarks;

import io.github.smartauthorizer.lambda.Authorizer;
import io.github.smartauthorizer.lambda.Decision;
import io.github.smartauthorizer.lambda.SnapStartPriming;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What SnapStart priming buys the first request after a restore, measured in a fresh JVM started by the cold-start
 * harness: the authorizer is built from the environment (as at Lambda init), then, with {@code primed}, the
 * {@link SnapStartPriming} hooks run as Lambda runs them around a snapshot, and then the first and the second
 * decision of the event are timed. Prints one JSON line.
 *
 * <pre>
 * java [JVM options] -cp benchmarks.jar io.github.smartauthorizer.benchmarks.FirstDecision EVENT_FILE [primed]
 * </pre>
 */
public final class FirstDecision {
  private FirstDecision() {}

  public static void main(String[] args) throws IOException {
    byte[] event = Files.readAllBytes(Path.of(args[0]));
    boolean primed = args.length > 1 && args[1].equals("primed");
    long start = System.nanoTime();
    Authorizer authorizer = Authorizer.fromEnvironmentOrDenyAll();
    long init = System.nanoTime() - start;
    long priming = 0;
    if (primed) {
      long t = System.nanoTime();
      SnapStartPriming hooks = SnapStartPriming.register(authorizer);
      hooks.beforeCheckpoint(null);
      hooks.afterRestore(null);
      priming = System.nanoTime() - t;
    }
    long t1 = System.nanoTime();
    Decision first = authorizer.decide(event);
    byte[] response = first.responseJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    long firstNanos = System.nanoTime() - t1;
    long t2 = System.nanoTime();
    Decision second = authorizer.decide(event);
    second.responseJson();
    long secondNanos = System.nanoTime() - t2;
    System.out.println(String.format(Locale.ROOT,
        "{\"authorized\":%s,\"initMs\":%.1f,\"primingMs\":%.1f,\"firstDecisionMs\":%.3f,\"secondDecisionMs\":%.3f,"
            + "\"responseBytes\":%d}", first.authorized() && second.authorized(), init / 1e6, priming / 1e6,
        firstNanos / 1e6, secondNanos / 1e6, response.length));
  }
}
