package io.github.smartauthorizer.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

/**
 * The cold-start harness (run by {@code benchmarks/cold-start.sh}): starts a loopback issuer, then for each provider
 * starts fresh JVMs on the deployment jar exactly as a user would ({@code java <options> -jar
 * smart-authorizer-lambda.jar invoke --event FILE}, configured by {@code AUTHORIZER_*} variables) and measures the
 * time from process start to the first response line on standard output, and to exit. Beside it, in the same run, a
 * bare JVM start: a class that prints one line. It also counts the classes loaded for a first decision, measures
 * AppCDS and, in-process, what SnapStart priming buys the first decision. Builds nothing; prints Markdown.
 *
 * <p>Options: {@code --runs N} (5), {@code --jar PATH}, {@code --java PATH} (this JVM's), {@code --providers a,b}
 * ({@code jwks,jwks-es256,introspection,okta,keycloak,cognito}), {@code --work DIR}, {@code --quick} (one run, no
 * variants: the smoke test), {@code --check} (exit 1 unless every first response authorizes and the target holds).
 */
public final class ColdStart {
  /** The JVM options the README recommends for Lambda (JAVA_TOOL_OPTIONS); the managed runtime adds its own. */
  static final List<String> LAMBDA_OPTIONS =
      List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");
  /** The target: the first response within this multiple of a bare JVM start. */
  static final double TARGET_RATIO = 5.0;

  private final String java;
  private final Path jar;
  private final Path work;
  private final int runs;
  private final Path helloClassPath;
  private final Path benchmarksClassPath;
  private final boolean quick;
  private String lastFirstLine;

  private ColdStart(String java, Path jar, Path work, int runs, boolean quick) throws IOException {
    this.quick = quick;
    this.java = java;
    this.jar = jar;
    this.work = work;
    this.runs = runs;
    this.helloClassPath = work.resolve("hello");
    Path helloClass = helloClassPath.resolve("io/github/smartauthorizer/benchmarks/Hello.class");
    Files.createDirectories(helloClass.getParent());
    try (InputStream in = Hello.class.getResourceAsStream("Hello.class")) {
      Files.write(helloClass, in.readAllBytes());
    }
    this.benchmarksClassPath = Path.of(ColdStart.class.getProtectionDomain().getCodeSource().getLocation().getPath());
  }

  /** One timed process. */
  record Run(double firstLineMs, double exitMs, int exitCode, String firstLine) {}

  /** The median, minimum and maximum of some runs. */
  record Stats(double median, double min, double max) {
    static Stats of(List<Double> values) {
      double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int n = sorted.length;
      double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      return new Stats(median, sorted[0], sorted[n - 1]);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.0f (%.0f–%.0f)", median, min, max);
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    boolean quick = options.containsKey("quick");
    int runs = quick ? 1 : Integer.parseInt(options.getOrDefault("runs", "5"));
    Path jar = Path.of(options.getOrDefault("jar", "assembly/target/smart-authorizer-lambda.jar")).toAbsolutePath();
    String java = options.getOrDefault("java",
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> providers = Arrays.asList(options.getOrDefault("providers",
        "jwks,jwks-es256,introspection,okta,keycloak,cognito").split(","));
    Path work = Path.of(options.getOrDefault("work", "benchmarks/target/cold-start")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      System.err.println("no deployment jar at " + jar + ": run ./mvnw -q -B install -DskipTests first");
      System.exit(2);
    }
    Files.createDirectories(work);
    ColdStart harness = new ColdStart(java, jar, work, runs, quick);
    boolean ok = harness.run(providers);
    if (options.containsKey("check") && !ok) {
      System.exit(1);
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].replaceFirst("^--", "");
      if (name.equals("quick") || name.equals("check")) {
        options.put(name, "true");
      } else {
        options.put(name, args[++i]);
      }
    }
    return options;
  }

  private boolean run(List<String> providers) throws IOException, InterruptedException {
    boolean ok = true;
    try (LoopbackIssuer issuer = LoopbackIssuer.start(); ZipFile zip = new ZipFile(jar.toFile())) {
      long classes = zip.stream().filter(e -> e.getName().endsWith(".class")).count();
      System.out.printf(Locale.ROOT, "java:  %s (%s)%n", java, version());
      System.out.printf(Locale.ROOT, "jar:   %s, %.2f MB, %d entries, %d classes%n", jar, Files.size(jar) / 1e6,
          zip.size(), classes);
      System.out.printf(Locale.ROOT, "JVM options (Lambda-like): %s%n", String.join(" ", LAMBDA_OPTIONS));
      System.out.printf(Locale.ROOT, "runs:  %d per row%s; median (min–max) ms; load average before: %s%n%n", runs,
          quick ? "" : " after one unmeasured run (page cache)", loadAverage());

      List<String> helloCommand = command(LAMBDA_OPTIONS, List.of("-cp", helloClassPath.toString(),
          Hello.class.getName()));
      List<Stats> bareStats = measure(helloCommand, Map.of());
      Stats bare = bareStats.get(0);
      Stats bareExit = bareStats.get(1);
      System.out.println("| configuration | first response (ms) | exit (ms) | first / bare JVM | classes loaded "
          + "| response |");
      System.out.println("|---|---:|---:|---:|---:|---|");
      System.out.printf(Locale.ROOT, "| bare JVM (Hello) | %s | %s | 1.0 | %s | |%n", bare, bareExit,
          classesLoaded("hello", helloCommand, Map.of()));
      for (String provider : providers) {
        Map<String, String> env = issuer.environment(provider);
        Path event = work.resolve("event-" + provider + ".json");
        Files.writeString(event, LoopbackIssuer.eventJson(issuer.validToken(provider, 3600)));
        List<String> invoke = command(LAMBDA_OPTIONS, invokeArguments(event));
        List<Stats> stats = measure(invoke, env);
        String response = lastFirstLine;
        boolean authorized = response != null && response.contains("\"isAuthorized\":true");
        ok &= authorized && stats.get(0).median() <= TARGET_RATIO * bare.median();
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %.1f | %s | %s |%n", provider, stats.get(0), stats.get(1),
            stats.get(0).median() / bare.median(), classesLoaded(provider, invoke, env),
            authorized ? "allow" : "NOT AUTHORIZED: " + response);
      }
      if (quick) {
        return ok;
      }
      Map<String, String> jwks = issuer.environment("jwks");
      Path event = work.resolve("event-jwks.json");
      System.out.println();
      System.out.println("Provider jwks (RS256) under other JVM options:");
      System.out.println();
      System.out.println("| JVM options | first response (ms) | exit (ms) | first / bare JVM |");
      System.out.println("|---|---:|---:|---:|");
      List<List<String>> variants = List.of(List.of(),
          List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"),
          List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:off"),
          LAMBDA_OPTIONS,
          // the init warm-up threads (lambda InitWarmup) off: what they buy
          List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
              "-Dsmartauthorizer.initWarmup=off"));
      for (List<String> variant : variants) {
        List<Stats> stats = measure(command(variant, invokeArguments(event)), jwks);
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %.1f |%n", variant.isEmpty() ? "(none: JVM defaults)"
            : String.join(" ", variant), stats.get(0), stats.get(1), stats.get(0).median() / bare.median());
      }
      appCds(jwks, event, bare);
      priming(issuer, providers);
    }
    return ok;
  }

  /** AppCDS: a dynamic archive of the classes a first decision loads, written at exit of one run, used by the next. */
  private void appCds(Map<String, String> env, Path event, Stats bare) throws IOException, InterruptedException {
    Path archive = work.resolve("smart-authorizer-jwks.jsa");
    Files.deleteIfExists(archive);
    List<String> dump = new ArrayList<>(LAMBDA_OPTIONS);
    dump.add("-XX:ArchiveClassesAtExit=" + archive);
    once(command(dump, invokeArguments(event)), env);
    List<String> use = new ArrayList<>(LAMBDA_OPTIONS);
    use.add("-XX:SharedArchiveFile=" + archive);
    List<String> command = command(use, invokeArguments(event));
    List<Stats> with = measure(command, env);
    List<Stats> without = measure(command(LAMBDA_OPTIONS, invokeArguments(event)), env);
    System.out.println();
    System.out.printf(Locale.ROOT, "AppCDS (provider jwks; archive %.1f MB, %s):%n%n",
        Files.exists(archive) ? Files.size(archive) / 1e6 : 0.0, archive.getFileName());
    System.out.println("| | first response (ms) | exit (ms) | first / bare JVM | classes loaded |");
    System.out.println("|---|---:|---:|---:|---:|");
    System.out.printf(Locale.ROOT, "| without the archive | %s | %s | %.1f | %s |%n", without.get(0), without.get(1),
        without.get(0).median() / bare.median(),
        classesLoaded("jwks-again", command(LAMBDA_OPTIONS, invokeArguments(event)), env));
    System.out.printf(Locale.ROOT, "| -XX:SharedArchiveFile | %s | %s | %.1f | %s |%n", with.get(0), with.get(1),
        with.get(0).median() / bare.median(), classesLoaded("jwks-appcds", command, env));
    System.out.printf(Locale.ROOT, "%nAppCDS gain on the first response: %.0f ms (%.0f%%)%n",
        without.get(0).median() - with.get(0).median(),
        100 * (without.get(0).median() - with.get(0).median()) / without.get(0).median());
    if (featureVersion() >= 25) {
      aotCache(env, event, bare, without.get(0));
    }
  }

  /**
   * JDK 25's ahead-of-time cache (JEP 483, 514, 515): classes loaded and linked, and method profiles, recorded in one
   * training run ({@code -XX:AOTCacheOutput}) and used by the next ({@code -XX:AOTCache}).
   */
  private void aotCache(Map<String, String> env, Path event, Stats bare, Stats without)
      throws IOException, InterruptedException {
    Path cache = work.resolve("smart-authorizer-jwks.aot");
    Files.deleteIfExists(cache);
    // -Xshare:auto is refused beside the AOT cache options (the cache replaces the CDS archive).
    List<String> options = LAMBDA_OPTIONS.stream().filter(o -> !o.startsWith("-Xshare")).toList();
    List<String> train = new ArrayList<>(options);
    train.add("-XX:AOTCacheOutput=" + cache);
    Run training = once(command(train, invokeArguments(event)), env);
    if (training.exitCode() != 0 || !Files.exists(cache)) {
      System.out.printf(Locale.ROOT, "%nAOT cache: the training run failed (exit %d); see %s%n", training.exitCode(),
          work.resolve("last-stderr.log"));
      return;
    }
    List<String> use = new ArrayList<>(options);
    use.add("-XX:AOTCache=" + cache);
    List<String> command = command(use, invokeArguments(event));
    List<Stats> with = measure(command, env);
    if (lastFirstLine == null || !lastFirstLine.contains("\"isAuthorized\":true")) {
      System.out.printf(Locale.ROOT, "%nAOT cache: the runs with the cache did not authorize: %s%n", lastFirstLine);
      return;
    }
    System.out.printf(Locale.ROOT, "%nAOT cache (provider jwks; cache %.1f MB; options %s):%n%n",
        Files.size(cache) / 1e6, String.join(" ", options));
    System.out.println("| | first response (ms) | exit (ms) | first / bare JVM | classes loaded |");
    System.out.println("|---|---:|---:|---:|---:|");
    System.out.printf(Locale.ROOT, "| -XX:AOTCache | %s | %s | %.1f | %s |%n", with.get(0), with.get(1),
        with.get(0).median() / bare.median(), classesLoaded("jwks-aot", command, env));
    System.out.printf(Locale.ROOT, "%nAOT cache gain on the first response: %.0f ms (%.0f%%)%n",
        without.median() - with.get(0).median(), 100 * (without.median() - with.get(0).median()) / without.median());
  }

  /** The measured JVM's feature release (17, 21, 25, ...). */
  private int featureVersion() throws IOException, InterruptedException {
    String version = version().replaceFirst("^.*=\\s*", "");
    int end = 0;
    while (end < version.length() && Character.isDigit(version.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(version.substring(0, end));
  }

  /** In-process: the first decision after init, without and with the SnapStart hooks run before it. */
  private void priming(LoopbackIssuer issuer, List<String> providers) throws IOException, InterruptedException {
    System.out.println();
    System.out.println("SnapStart priming, in a fresh JVM with the Lambda-like options (FirstDecision; median of the "
        + "runs): init, the hooks, then the first and second decision of the same event:");
    System.out.println();
    System.out.println("| provider | priming | init (ms) | hooks (ms) | first decision (ms) | second decision (ms) |");
    System.out.println("|---|---|---:|---:|---:|---:|");
    for (String provider : List.of("jwks", "jwks-es256", "introspection")) {
      if (!providers.contains(provider)) {
        continue; // its event was not written
      }
      Path event = work.resolve("event-" + provider + ".json");
      for (boolean primed : List.of(false, true)) {
        List<String> arguments = new ArrayList<>(List.of("-cp", benchmarksClassPath.toString(),
            FirstDecision.class.getName(), event.toString()));
        if (primed) {
          arguments.add("primed");
        }
        List<String> command = command(LAMBDA_OPTIONS, arguments);
        once(command, issuer.environment(provider));
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (int i = 0; i < runs; i++) {
          Run run = once(command, issuer.environment(provider));
          for (String key : List.of("initMs", "primingMs", "firstDecisionMs", "secondDecisionMs")) {
            values.computeIfAbsent(key, k -> new ArrayList<>()).add(jsonNumber(run.firstLine(), key));
          }
        }
        System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.2f | %.2f |%n", provider, primed ? "yes" : "no",
            Stats.of(values.get("initMs")).median(), Stats.of(values.get("primingMs")).median(),
            Stats.of(values.get("firstDecisionMs")).median(), Stats.of(values.get("secondDecisionMs")).median());
      }
    }
  }

  private static double jsonNumber(String line, String key) {
    int at = line.indexOf("\"" + key + "\":");
    if (at < 0) {
      throw new IllegalStateException("no " + key + " in " + line);
    }
    int start = at + key.length() + 3;
    int end = start;
    while (end < line.length() && (Character.isDigit(line.charAt(end)) || line.charAt(end) == '.')) {
      end++;
    }
    return Double.parseDouble(line.substring(start, end));
  }

  private List<String> invokeArguments(Path event) {
    return List.of("-jar", jar.toString(), "invoke", "--event", event.toString());
  }

  private List<String> command(List<String> jvmOptions, List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmOptions);
    command.addAll(arguments);
    return command;
  }

  /**
   * One unmeasured run (unless quick), then {@link #runs} measured ones: the first-line and the exit statistics; the
   * first line of the last run is kept in {@link #lastFirstLine}.
   */
  private List<Stats> measure(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
    if (!quick) {
      once(command, env);
    }
    List<Double> first = new ArrayList<>();
    List<Double> exit = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      Run run = once(command, env);
      first.add(run.firstLineMs());
      exit.add(run.exitMs());
      lastFirstLine = run.firstLine();
    }
    return List.of(Stats.of(first), Stats.of(exit));
  }

  private Run once(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("AUTHORIZER_") || k.equals("JAVA_TOOL_OPTIONS")
        || k.equals("AWS_LAMBDA_FUNCTION_NAME"));
    builder.environment().putAll(env);
    builder.redirectError(work.resolve("last-stderr.log").toFile());
    long start = System.nanoTime();
    Process process = builder.start();
    String firstLine;
    long firstAt;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      firstLine = out.readLine();
      firstAt = System.nanoTime();
      while (out.readLine() != null) {
        // drain
      }
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("timed out: " + command);
    }
    long exitAt = System.nanoTime();
    return new Run((firstAt - start) / 1e6, (exitAt - start) / 1e6, process.exitValue(), firstLine);
  }

  /** How many classes a run loads ({@code -Xlog:class+load}), and how many of them came from the CDS archive. */
  private String classesLoaded(String label, List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    if (quick) {
      return "-";
    }
    Path log = work.resolve("classes-" + label + ".log");
    Files.deleteIfExists(log);
    List<String> logged = new ArrayList<>(command);
    logged.add(1, "-Xlog:class+load=info:file=" + log);
    once(logged, env);
    List<String> lines = Files.readAllLines(log);
    long total = lines.stream().filter(l -> l.contains("source:")).count();
    long shared = lines.stream().filter(l -> l.contains("shared objects file")).count();
    return total + " (" + shared + " from CDS)";
  }

  private String version() throws IOException, InterruptedException {
    Process process = new ProcessBuilder(java, "-XshowSettings:properties", "-version").redirectErrorStream(true)
        .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    for (String line : output.split("\\R")) {
      if (line.trim().startsWith("java.runtime.version")) {
        return line.trim();
      }
    }
    return "unknown";
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
