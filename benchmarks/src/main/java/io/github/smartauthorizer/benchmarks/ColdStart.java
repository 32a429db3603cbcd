package io.github.smartauthorizer.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The cold-start harness (run by {@code benchmarks/cold-start.sh}): starts a loopback issuer, then for each provider
 * starts fresh JVMs on the deployment jar exactly as a user would ({@code java <options> -jar
 * smart-authorizer-lambda.jar invoke --event FILE}, configured by {@code AUTHORIZER_*} variables) and measures the
 * time from process start to the first response line on standard output, and to exit. Beside it, in the same run, a
 * bare JVM start: a class that prints one line. It also counts the classes loaded for a first decision, measures
 * AppCDS and, in-process, what SnapStart priming buys the first decision. Builds nothing; prints Markdown.
 *
 * <p>The issuer speaks HTTPS unless {@code --http}: a throwaway CA and server certificate ({@link ThrowawayTls}) are
 * made at start, and the measured JVMs get a trust store with the JDK's roots and that CA
 * ({@code -Djavax.net.ssl.trustStore}).
 *
 * <p>With {@code --quota 0.58,1.0,none} the harness measures instead, for each CPU quota, each set of JVM flags
 * (the Lambda-like ones and the JVM defaults) and each provider, the deployment jar and the bare JVM side by side
 * inside a cgroup-v1 CPU quota ({@link CpuQuota}; {@code none} runs without one), interleaved run by run, and then
 * where the time of a cold start goes in the first quota listed ({@link StartupTimeline}).
 *
 * <p>Options: {@code --runs N} (7), {@code --jar PATH}, {@code --java PATH} (this JVM's), {@code --providers a,b}
 * ({@code jwks,jwks-es256,introspection,okta,keycloak,cognito}; with {@code --quota}: {@code jwks,jwks-file}),
 * {@code --work DIR}, {@code --http}, {@code --quota LIST} (vCPUs or {@code none}), {@code --flags lambda,defaults}
 * (with {@code --quota}), {@code --no-breakdown}, {@code --quick} (one run, no warm-up run, no variants: the smoke
 * test), {@code --check} (exit 1 unless every first response authorizes and, without {@code --quota}, the target
 * holds).
 *
 * <p>Provider {@code jwks-file} is provider {@code jwks} with its keys supplied up front: {@code AUTHORIZER_JWKS_FILE}
 * names a file holding the issuer's JWKS, and {@code AUTHORIZER_JWKS_URI} is set too (so a jar that does not read the
 * file fetches that URI, without discovery). The issuer requests column tells which happened.
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
  private final ThrowawayTls tls;
  private String lastFirstLine;

  private ColdStart(String java, Path jar, Path work, int runs, boolean quick, ThrowawayTls tls) throws IOException {
    this.quick = quick;
    this.tls = tls;
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

  /**
   * One timed process: from its start ({@code startNanos}, {@link System#nanoTime()}) to its first line on standard
   * output and to its exit; and, when it ran in a {@link CpuQuota} that counts them, the CPU time it used, the
   * quota's enforcement periods it ran in and in how many of them it was throttled (else -1).
   */
  record Run(double firstLineMs, double exitMs, int exitCode, String firstLine, long startNanos, long startWallNanos,
      double cpuMs, long periods, long throttledPeriods) {
    Run(double firstLineMs, double exitMs, int exitCode, String firstLine) {
      this(firstLineMs, exitMs, exitCode, firstLine, 0, 0, -1, -1, -1);
    }

    boolean authorized() {
      return firstLine != null && firstLine.contains("\"isAuthorized\":true");
    }
  }

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
    int runs = quick ? 1 : Integer.parseInt(options.getOrDefault("runs", "7"));
    Path jar = Path.of(options.getOrDefault("jar", "assembly/target/smart-authorizer-lambda.jar")).toAbsolutePath();
    String java = options.getOrDefault("java",
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> quotas = options.containsKey("quota") ? Arrays.asList(options.get("quota").split(",")) : null;
    List<String> providers = Arrays.asList(options.getOrDefault("providers",
        quotas != null ? "jwks,jwks-file" : "jwks,jwks-es256,introspection,okta,keycloak,cognito").split(","));
    Path work = Path.of(options.getOrDefault("work", "benchmarks/target/cold-start")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      System.err.println("no deployment jar at " + jar + ": run ./mvnw -q -B install -DskipTests first");
      System.exit(2);
    }
    if (quotas != null) {
      for (String quota : quotas) {
        if (!quota.equals("none") && !quota.matches("\\d+(\\.\\d+)?")) {
          System.err.println("--quota takes vCPUs (0.58, 1.0) or none, comma-separated; not '" + quota + "'");
          System.exit(2);
        }
      }
      String unavailable = CpuQuota.unavailable();
      if (unavailable != null && quotas.stream().anyMatch(q -> !q.equals("none"))) {
        System.err.println("refusing to run the CPU quota rows (--quota " + options.get("quota") + "): "
            + unavailable + ". They need a writable cgroup-v1 cpu hierarchy at " + CpuQuota.CPU
            + " (root, cgroups v1). Use --quota none to measure without a quota.");
        System.exit(2);
      }
    }
    Files.createDirectories(work);
    ThrowawayTls tls = options.containsKey("http") ? null : ThrowawayTls.create(work);
    ColdStart harness = new ColdStart(java, jar, work, runs, quick, tls);
    boolean ok = quotas != null
        ? harness.runQuotas(providers, quotas, Arrays.asList(options.getOrDefault("flags", "lambda,defaults")
            .split(",")), !options.containsKey("no-breakdown") && !quick)
        : harness.run(providers);
    if (options.containsKey("check") && !ok) {
      System.exit(1);
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].replaceFirst("^--", "");
      if (List.of("quick", "check", "http", "no-breakdown").contains(name)) {
        options.put(name, "true");
      } else {
        options.put(name, args[++i]);
      }
    }
    return options;
  }

  /** The issuer: over HTTPS with the throwaway certificate, or plain HTTP with {@code --http}. */
  private LoopbackIssuer startIssuer() throws IOException {
    LoopbackIssuer issuer = LoopbackIssuer.start(tls == null ? null : tls.serverContext());
    if (tls != null) {
      warmUp(issuer);
    }
    return issuer;
  }

  /**
   * A few requests of this JVM to the HTTPS issuer before anything is measured, so that the server side of the
   * handshake (in this JVM, outside any quota) runs compiled code, as a real issuer's would; each one proves that the
   * trust store handed to the measured JVMs validates the issuer's certificate for 127.0.0.1.
   */
  private void warmUp(LoopbackIssuer issuer) throws IOException {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(tls.trustStore())) {
        trust.load(in, ThrowawayTls.PASSWORD.toCharArray());
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      for (int i = 0; i < (quick ? 3 : 30); i++) {
        HttpsURLConnection connection = (HttpsURLConnection) URI.create(issuer.issuer()
            + "/.well-known/openid-configuration").toURL().openConnection();
        connection.setSSLSocketFactory(context.getSocketFactory());
        connection.setRequestProperty("Connection", "close"); // a new handshake each time
        try (InputStream in = connection.getInputStream()) {
          in.readAllBytes();
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("the throwaway TLS setup does not work: " + e, e);
    }
  }

  /** The TLS line of the header. */
  private String tlsDescription() {
    return tls == null ? "plain HTTP (--http)"
        : "HTTPS, a throwaway CA and RSA 2048 server certificate for 127.0.0.1; the measured JVMs trust "
            + tls.trustStore().getFileName() + " (" + tls.roots() + " certificates: the JDK's roots and the CA)";
  }

  /** The {@code AUTHORIZER_*} variables of a provider, {@code jwks-file} included. */
  private Map<String, String> environment(LoopbackIssuer issuer, String provider) throws IOException {
    if (!provider.equals("jwks-file")) {
      return issuer.environment(provider);
    }
    Map<String, String> env = new HashMap<>(issuer.environment("jwks"));
    Path jwks = work.resolve("issuer-jwks.json");
    Files.writeString(jwks, issuer.jwksJson());
    env.put("AUTHORIZER_JWKS_FILE", jwks.toString());
    env.put("AUTHORIZER_JWKS_URI", issuer.issuer() + "/jwks");
    return env;
  }

  private static String tokenProvider(String provider) {
    return provider.equals("jwks-file") ? "jwks" : provider;
  }

  /** The measured JVM's options: {@code jvmOptions}, then the trust store's. */
  private List<String> jarCommand(List<String> jvmOptions, Path event) {
    List<String> options = new ArrayList<>(jvmOptions);
    if (tls != null) {
      options.addAll(tls.jvmOptions());
    }
    return command(options, invokeArguments(event));
  }

  private boolean run(List<String> providers) throws IOException, InterruptedException {
    boolean ok = true;
    try (LoopbackIssuer issuer = startIssuer(); ZipFile zip = new ZipFile(jar.toFile())) {
      long classes = zip.stream().filter(e -> e.getName().endsWith(".class")).count();
      System.out.printf(Locale.ROOT, "java:  %s (%s)%n", java, version());
      System.out.printf(Locale.ROOT, "jar:   %s, %.2f MB, %d entries, %d classes%n", jar, Files.size(jar) / 1e6,
          zip.size(), classes);
      System.out.printf(Locale.ROOT, "JVM options (Lambda-like): %s%n", String.join(" ", LAMBDA_OPTIONS));
      System.out.printf(Locale.ROOT, "issuer: %s%n", tlsDescription());
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
        Map<String, String> env = environment(issuer, provider);
        Path event = work.resolve("event-" + provider + ".json");
        Files.writeString(event, LoopbackIssuer.eventJson(issuer.validToken(tokenProvider(provider), 3600)));
        List<String> invoke = jarCommand(LAMBDA_OPTIONS, event);
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
        List<Stats> stats = measure(jarCommand(variant, event), jwks);
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %.1f |%n", variant.isEmpty() ? "(none: JVM defaults)"
            : String.join(" ", variant), stats.get(0), stats.get(1), stats.get(0).median() / bare.median());
      }
      appCds(jwks, event, bare);
      priming(issuer, providers);
    }
    return ok;
  }

  /** The flag sets of {@code --flags}: {@code lambda} (the Lambda-like options) and {@code defaults} (none). */
  private static List<String> flagSet(String name) {
    return switch (name) {
      case "lambda" -> LAMBDA_OPTIONS;
      case "defaults" -> List.of();
      default -> throw new IllegalArgumentException("--flags takes lambda and/or defaults, not " + name);
    };
  }

  private static String flagLabel(String name) {
    return name.equals("lambda") ? "Lambda-like" : "JVM defaults";
  }

  private static String quotaLabel(String quota) {
    return quota.equals("none") ? "none (2 CPUs)" : quota + " vCPU";
  }

  /**
   * The CPU-quota report: for each quota, flag set and provider, the deployment jar beside the bare JVM in the same
   * quota, interleaved run by run (one unmeasured run of each first, unless quick); then where the time goes in the
   * first quota listed.
   */
  private boolean runQuotas(List<String> providers, List<String> quotas, List<String> flagNames, boolean breakdown)
      throws IOException, InterruptedException {
    boolean ok = true;
    try (LoopbackIssuer issuer = startIssuer(); ZipFile zip = new ZipFile(jar.toFile())) {
      long classes = zip.stream().filter(e -> e.getName().endsWith(".class")).count();
      System.out.printf(Locale.ROOT, "java:   %s (%s)%n", java, version());
      System.out.printf(Locale.ROOT, "jar:    %s, %.2f MB, %d classes%n", jar, Files.size(jar) / 1e6, classes);
      System.out.printf(Locale.ROOT, "issuer: %s%n", tlsDescription());
      System.out.printf(Locale.ROOT, "flags:  Lambda-like = %s; JVM defaults = none%n", String.join(" ", LAMBDA_OPTIONS));
      System.out.printf(Locale.ROOT, "runs:   %d per row%s, the jar and the bare JVM interleaved; ms; load average "
          + "before: %s%n%n", runs, quick ? "" : " after one unmeasured run of each", loadAverage());
      Map<String, Path> events = new LinkedHashMap<>();
      Map<String, Map<String, String>> envs = new LinkedHashMap<>();
      for (String provider : providers) {
        Path event = work.resolve("event-" + provider + ".json");
        Files.writeString(event, LoopbackIssuer.eventJson(issuer.validToken(tokenProvider(provider), 3600)));
        events.put(provider, event);
        envs.put(provider, environment(issuer, provider));
      }
      List<String> notes = new ArrayList<>();
      System.out.println("| CPU quota | JVM flags | provider | first response, median / max | bare JVM, median / max "
          + "| ratio | classes (non-CDS) | CPU ms, jar / bare | issuer requests | response |");
      System.out.println("|---|---|---|---:|---:|---:|---:|---:|---|---|");
      for (String quota : quotas) {
        try (CpuQuota group = quota.equals("none") ? null : CpuQuota.create(Double.parseDouble(quota))) {
          notes.add(quotaLabel(quota) + ": " + (group == null ? "no cgroup" : group.describe()) + "; the JVM sees "
              + jvmView(group));
          for (String flags : flagNames) {
            List<String> options = flagSet(flags);
            List<String> bare = command(options, List.of("-cp", helloClassPath.toString(), Hello.class.getName()));
            Map<String, List<String>> commands = new LinkedHashMap<>();
            for (String provider : providers) {
              commands.put(provider, jarCommand(options, events.get(provider)));
            }
            if (!quick) {
              once(bare, Map.of(), group);
              for (String provider : providers) {
                once(commands.get(provider), envs.get(provider), group);
              }
            }
            List<Run> bareRuns = new ArrayList<>();
            Map<String, List<Run>> jarRuns = new LinkedHashMap<>();
            Map<String, String> requested = new LinkedHashMap<>();
            for (int i = 0; i < runs; i++) {
              bareRuns.add(once(bare, Map.of(), group));
              for (String provider : providers) {
                Map<String, Long> before = issuer.requestCounts();
                jarRuns.computeIfAbsent(provider, p -> new ArrayList<>())
                    .add(once(commands.get(provider), envs.get(provider), group));
                requested.put(provider, requestsSince(before, issuer.requestCounts()));
              }
            }
            Stats bareStats = Stats.of(bareRuns.stream().map(Run::firstLineMs).toList());
            double bareCpu = median(bareRuns.stream().map(Run::cpuMs).toList());
            for (String provider : providers) {
              List<Run> measured = jarRuns.get(provider);
              Stats stats = Stats.of(measured.stream().map(Run::firstLineMs).toList());
              Run last = measured.get(measured.size() - 1);
              boolean authorized = measured.stream().allMatch(Run::authorized);
              ok &= authorized;
              String classCount = "-";
              if (!quick) {
                long[] counts = classCounts(provider + "-" + quota + "-" + flags, commands.get(provider),
                    envs.get(provider), group);
                classCount = counts[0] + " (" + (counts[0] - counts[1]) + ")";
              }
              double cpu = median(measured.stream().map(Run::cpuMs).toList());
              System.out.printf(Locale.ROOT, "| %s | %s | %s | %.0f / %.0f | %.0f / %.0f | %.1f | %s | %s | %s | %s |%n",
                  quotaLabel(quota), flagLabel(flags), provider, stats.median(), stats.max(), bareStats.median(),
                  bareStats.max(), stats.median() / bareStats.median(), classCount,
                  cpu < 0 ? "-" : String.format(Locale.ROOT, "%.0f / %.0f", cpu, bareCpu), requested.get(provider),
                  authorized ? "allow" : "NOT AUTHORIZED: " + last.firstLine());
            }
          }
        }
      }
      System.out.println();
      notes.forEach(note -> System.out.println("- " + note));
      System.out.printf(Locale.ROOT, "- load average after: %s%n", loadAverage());
      if (breakdown) {
        breakdown(issuer, quotas.get(0), providers, events, envs);
      }
    }
    return ok;
  }

  /** What the measured JVM sees of the CPU: its {@code -XshowSettings:system} lines on the CPU. */
  private String jvmView(CpuQuota group) throws IOException, InterruptedException {
    List<String> command = List.of(java, "-XshowSettings:system", "-version");
    Process process = new ProcessBuilder(group == null ? command : group.wrap(command)).redirectErrorStream(true)
        .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    List<String> view = new ArrayList<>();
    for (String line : output.split("\\R")) {
      String trimmed = line.trim();
      if (trimmed.startsWith("Effective CPU Count") || trimmed.startsWith("CPU Quota")
          || trimmed.startsWith("Provider:")) {
        view.add(trimmed);
      }
    }
    return view.isEmpty() ? "no container metrics" : String.join(", ", view);
  }

  /** The requests a run made of the issuer, by path: e.g. {@code discovery + JWKS}, or {@code none}. */
  private static String requestsSince(Map<String, Long> before, Map<String, Long> after) {
    List<String> made = new ArrayList<>();
    after.forEach((path, count) -> {
      long n = count - before.getOrDefault(path, 0L);
      if (n > 0) {
        String name = path.endsWith("/.well-known/openid-configuration") ? "discovery"
            : path.endsWith("/jwks") || path.endsWith("/certs") || path.endsWith("/jwks.json") ? "JWKS" : path;
        made.add(n == 1 ? name : n + "× " + name);
      }
    });
    return made.isEmpty() ? "none" : String.join(" + ", made);
  }

  private static double median(List<Double> values) {
    return values.isEmpty() || values.get(0) < 0 ? -1 : Stats.of(values).median();
  }

  /**
   * Where the time of a cold start goes, in {@code quota} with the Lambda-like flags: {@link #runs} runs per provider
   * with {@code -Xlog:class+load,startuptime} (asynchronous, to a file, with {@code timenanos}), read into a {@link
   * StartupTimeline} each, interleaved with as many runs without the logging (what the logging costs) and, for the
   * first provider, with as many runs on a dynamic AppCDS archive of the same start (what loading the classes costs);
   * then what the TLS setup costs alone in the same quota ({@link TlsInitCost}).
   */
  private void breakdown(LoopbackIssuer issuer, String quota, List<String> providers, Map<String, Path> events,
      Map<String, Map<String, String>> envs) throws IOException, InterruptedException {
    try (CpuQuota group = quota.equals("none") ? null : CpuQuota.create(Double.parseDouble(quota))) {
      for (String provider : providers) {
        Path event = events.get(provider);
        Map<String, String> env = envs.get(provider);
        Path xlog = work.resolve("timeline-" + provider + ".log");
        List<String> options = new ArrayList<>(LAMBDA_OPTIONS);
        options.add("-Xlog:async");
        options.add("-Xlog:class+load=info,startuptime=info:file=" + xlog + ":timenanos,uptimenanos,tid");
        List<String> logged = jarCommand(options, event);
        List<String> plain = jarCommand(LAMBDA_OPTIONS, event);
        List<String> appCds = provider.equals(providers.get(0)) ? appCdsCommand(provider, event, env) : null;
        once(logged, env, group);
        once(plain, env, group);
        if (appCds != null) {
          once(appCds, env, group);
        }
        List<StartupTimeline> timelines = new ArrayList<>();
        List<Run> measured = new ArrayList<>();
        List<Run> plainRuns = new ArrayList<>();
        List<Run> appCdsRuns = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          plainRuns.add(once(plain, env, group));
          Files.deleteIfExists(xlog);
          Run run = once(logged, env, group);
          measured.add(run);
          timelines.add(StartupTimeline.of(xlog, work.resolve("last-stderr.log"), run.startNanos(),
              run.startWallNanos(), issuer.lastArrival("/issuer/.well-known/openid-configuration"),
              issuer.lastArrival("/issuer/jwks"), run.firstLineMs()));
          if (appCds != null) {
            appCdsRuns.add(once(appCds, env, group));
          }
        }
        printTimeline(provider, quota, timelines, measured);
        System.out.printf(Locale.ROOT, "- the same start without the logging (interleaved with these runs): first "
            + "response %s ms%s%n", Stats.of(plainRuns.stream().map(Run::firstLineMs).toList()), cpu(plainRuns));
        if (appCds != null) {
          printAppCds(provider, quota, group, plain, appCds, env, plainRuns, appCdsRuns);
        }
      }
      tlsAlone(quota, group);
    }
  }

  /** {@code , CPU n ms} (the median), or nothing when not counted. */
  private static String cpu(List<Run> runs) {
    double cpu = median(runs.stream().map(Run::cpuMs).toList());
    return cpu < 0 ? "" : String.format(Locale.ROOT, ", CPU %.0f ms", cpu);
  }

  /**
   * The Lambda-like command with a dynamic AppCDS archive of the classes of this start (written, outside any quota, at
   * the exit of one run), which maps them pre-parsed and pre-verified; null if the archive was not written.
   */
  private List<String> appCdsCommand(String provider, Path event, Map<String, String> env)
      throws IOException, InterruptedException {
    Path archive = work.resolve("timeline-" + provider + ".jsa");
    Files.deleteIfExists(archive);
    List<String> dump = new ArrayList<>(LAMBDA_OPTIONS);
    dump.add("-XX:ArchiveClassesAtExit=" + archive);
    once(jarCommand(dump, event), env);
    if (!Files.exists(archive)) {
      System.out.println("- AppCDS: the archive was not written; see " + work.resolve("last-stderr.log"));
      return null;
    }
    List<String> use = new ArrayList<>(LAMBDA_OPTIONS);
    use.add("-XX:SharedArchiveFile=" + archive);
    return jarCommand(use, event);
  }

  private void printTimeline(String provider, String quota, List<StartupTimeline> timelines, List<Run> measured) {
    System.out.println();
    System.out.printf(Locale.ROOT, "Where the time goes: provider %s, %s, Lambda-like flags, %s; %d runs with "
        + "-Xlog:async -Xlog:class+load,startuptime (medians; a phase is the median of its own durations):%n%n",
        provider, quotaLabel(quota), tls == null ? "HTTP" : "HTTPS", runs);
    System.out.println("| milestone | at (ms from spawn) | phase (ms) | classes loaded in the phase (non-CDS) |");
    System.out.println("|---|---:|---:|---:|");
    List<String> common = new ArrayList<>(StartupTimeline.ORDER);
    common.removeIf(m -> timelines.stream().anyMatch(t -> !t.milestones.containsKey(m)));
    common.sort((a, b) -> Double.compare(Stats.of(timelines.stream().map(t -> t.milestones.get(a)).toList()).median(),
        Stats.of(timelines.stream().map(t -> t.milestones.get(b)).toList()).median()));
    String previous = null;
    for (String milestone : common) {
      List<Double> at = new ArrayList<>();
      List<Double> phase = new ArrayList<>();
      List<Double> loaded = new ArrayList<>();
      List<Double> outside = new ArrayList<>();
      for (StartupTimeline timeline : timelines) {
        double to = timeline.milestones.get(milestone);
        double from = previous == null ? Double.NEGATIVE_INFINITY : timeline.milestones.get(previous);
        at.add(to);
        phase.add(previous == null ? to : to - from);
        long[] counts = timeline.classesBetween(from, to);
        loaded.add((double) counts[0]);
        outside.add((double) counts[1]);
      }
      System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f (%.0f) |%n", milestone, Stats.of(at).median(),
          Stats.of(phase).median(), Stats.of(loaded).median(), Stats.of(outside).median());
      previous = milestone;
    }
    double cpu = median(measured.stream().map(Run::cpuMs).toList());
    double periods = median(measured.stream().map(r -> (double) r.periods()).toList());
    double throttled = median(measured.stream().map(r -> (double) r.throttledPeriods()).toList());
    List<Double> latencies = timelines.stream().map(t -> t.decisionLatencyMs).filter(d -> !Double.isNaN(d)).toList();
    System.out.println();
    System.out.printf(Locale.ROOT, "- first response %s ms (median, min–max) in these runs; the first decision's own "
        + "latencyMs (its log line): %s%n", Stats.of(measured.stream().map(Run::firstLineMs).toList()),
        latencies.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f", Stats.of(latencies).median()));
    // The threads of the median run: which loaded what, when.
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < measured.size(); i++) {
      order.add(i);
    }
    order.sort((a, b) -> Double.compare(measured.get(a).firstLineMs(), measured.get(b).firstLineMs()));
    StartupTimeline median = timelines.get(order.get(order.size() / 2));
    List<String> threads = new ArrayList<>();
    for (double[] thread : median.threads()) {
      List<String> marks = new ArrayList<>();
      median.markerThreads.forEach((milestone, tid) -> {
        if (tid == (long) thread[0]) {
          marks.add(milestone.replaceFirst(" \\(.*", ""));
        }
      });
      String name = marks.contains(StartupTimeline.MAIN_CLASS.replaceFirst(" \\(.*", "")) ? "main"
          : marks.isEmpty() ? "thread " + (long) thread[0] : "thread " + (long) thread[0] + " (" + String.join(", ",
              marks) + ")";
      threads.add(String.format(Locale.ROOT, "%s: %.0f classes (%.0f non-CDS), %.0f–%.0f ms", name, thread[1],
          thread[2], thread[3], thread[4]));
    }
    System.out.println("- threads that loaded classes in the median run: " + String.join("; ", threads));
    if (cpu >= 0) {
      System.out.printf(Locale.ROOT, "- CPU time to exit (cpuacct.usage): %.0f ms median, all threads%n", cpu);
    }
    if (periods >= 0) {
      System.out.printf(Locale.ROOT, "- the quota stopped it in %.0f of the %.0f periods of 100 ms it ran in (cpu.stat "
          + "nr_throttled / nr_periods, medians)%n", throttled, periods);
    }
  }

  /** What loading the classes from the jar costs in the quota: the plain runs against those on the archive. */
  private void printAppCds(String provider, String quota, CpuQuota group, List<String> plain, List<String> command,
      Map<String, String> env, List<Run> without, List<Run> with) throws IOException, InterruptedException {
    long[] counts = classCounts(provider + "-appcds-" + quota, command, env, group);
    long[] plainCounts = classCounts(provider + "-plain-" + quota, plain, env, group);
    double withMs = Stats.of(with.stream().map(Run::firstLineMs).toList()).median();
    double withoutMs = Stats.of(without.stream().map(Run::firstLineMs).toList()).median();
    double cpuWith = median(with.stream().map(Run::cpuMs).toList());
    double cpuWithout = median(without.stream().map(Run::cpuMs).toList());
    Path archive = work.resolve("timeline-" + provider + ".jsa");
    System.out.printf(Locale.ROOT, "- the same start on a dynamic AppCDS archive of its own classes (%.1f MB; %d classes "
        + "loaded, %d of them outside the archives; interleaved with these runs): first response %s ms%s; so loading, "
        + "parsing and verifying the %d classes that are not in the JDK's archive costs about %.0f ms of this start%s%n",
        Files.size(archive) / 1e6, counts[0], counts[0] - counts[1],
        Stats.of(with.stream().map(Run::firstLineMs).toList()), cpu(with), plainCounts[0] - plainCounts[1], withoutMs - withMs,
        cpuWith < 0 || cpuWithout < 0 ? "" : String.format(Locale.ROOT, " (%.0f ms of CPU)", cpuWithout - cpuWith));
    if (!with.stream().allMatch(Run::authorized)) {
      System.out.println("- AppCDS runs did not authorize: " + with.get(with.size() - 1).firstLine());
    }
  }

  /** {@link TlsInitCost} in the same quota and flags, trusting the same trust store: what the TLS setup costs alone. */
  private void tlsAlone(String quota, CpuQuota group) throws IOException, InterruptedException {
    List<String> options = new ArrayList<>(LAMBDA_OPTIONS);
    if (tls != null) {
      options.addAll(tls.jvmOptions());
    }
    List<String> command = command(options, List.of("-cp", benchmarksClassPath.toString(),
        TlsInitCost.class.getName()));
    once(command, Map.of(), group);
    Pattern numbers = Pattern.compile("providers \\((\\d+)\\): (\\d+) ms; trust store \\((\\d+) roots\\): (\\d+) ms; "
        + "TLS context: (\\d+) ms");
    List<Double> providers = new ArrayList<>();
    List<Double> trust = new ArrayList<>();
    List<Double> context = new ArrayList<>();
    String counts = "";
    for (int i = 0; i < runs; i++) {
      Run run = once(command, Map.of(), group);
      Matcher m = numbers.matcher(run.firstLine() == null ? "" : run.firstLine());
      if (!m.find()) {
        System.out.println("\nTlsInitCost printed no figures: " + run.firstLine());
        return;
      }
      providers.add(Double.parseDouble(m.group(2)));
      trust.add(Double.parseDouble(m.group(4)));
      context.add(Double.parseDouble(m.group(5)));
      counts = m.group(1) + " security providers, " + m.group(3) + " roots";
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "The TLS setup alone (TlsInitCost, %s, Lambda-like flags, %d fresh JVMs, %s; "
        + "medians): security providers %.0f ms, trust store %.0f ms, TLS context %.0f ms, together %.0f ms%n",
        quotaLabel(quota), runs, counts, Stats.of(providers).median(), Stats.of(trust).median(),
        Stats.of(context).median(),
        Stats.of(providers).median() + Stats.of(trust).median() + Stats.of(context).median());
  }

  /** AppCDS: a dynamic archive of the classes a first decision loads, written at exit of one run, used by the next. */
  private void appCds(Map<String, String> env, Path event, Stats bare) throws IOException, InterruptedException {
    Path archive = work.resolve("smart-authorizer-jwks.jsa");
    Files.deleteIfExists(archive);
    List<String> dump = new ArrayList<>(LAMBDA_OPTIONS);
    dump.add("-XX:ArchiveClassesAtExit=" + archive);
    once(jarCommand(dump, event), env);
    List<String> use = new ArrayList<>(LAMBDA_OPTIONS);
    use.add("-XX:SharedArchiveFile=" + archive);
    List<String> command = jarCommand(use, event);
    List<Stats> with = measure(command, env);
    List<Stats> without = measure(jarCommand(LAMBDA_OPTIONS, event), env);
    System.out.println();
    System.out.printf(Locale.ROOT, "AppCDS (provider jwks; archive %.1f MB, %s):%n%n",
        Files.exists(archive) ? Files.size(archive) / 1e6 : 0.0, archive.getFileName());
    System.out.println("| | first response (ms) | exit (ms) | first / bare JVM | classes loaded |");
    System.out.println("|---|---:|---:|---:|---:|");
    System.out.printf(Locale.ROOT, "| without the archive | %s | %s | %.1f | %s |%n", without.get(0), without.get(1),
        without.get(0).median() / bare.median(),
        classesLoaded("jwks-again", jarCommand(LAMBDA_OPTIONS, event), env));
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
    Run training = once(jarCommand(train, event), env);
    if (training.exitCode() != 0 || !Files.exists(cache)) {
      System.out.printf(Locale.ROOT, "%nAOT cache: the training run failed (exit %d); see %s%n", training.exitCode(),
          work.resolve("last-stderr.log"));
      return;
    }
    List<String> use = new ArrayList<>(options);
    use.add("-XX:AOTCache=" + cache);
    List<String> command = jarCommand(use, event);
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
        List<String> primingOptions = new ArrayList<>(LAMBDA_OPTIONS);
        if (tls != null) {
          primingOptions.addAll(tls.jvmOptions());
        }
        List<String> command = command(primingOptions, arguments);
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
    return once(command, env, null);
  }

  /** One run, inside {@code quota} when not null. */
  private Run once(List<String> command, Map<String, String> env, CpuQuota quota)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(quota == null ? command : quota.wrap(command));
    builder.environment().keySet().removeIf(k -> k.startsWith("AUTHORIZER_") || k.equals("JAVA_TOOL_OPTIONS")
        || k.equals("AWS_LAMBDA_FUNCTION_NAME"));
    builder.environment().putAll(env);
    builder.redirectError(work.resolve("last-stderr.log").toFile());
    long cpuBefore = quota == null ? -1 : quota.cpuNanos();
    long[] periodsBefore = quota == null ? null : quota.periods();
    long startWall = wallNanos();
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
    double cpuMs = -1;
    long periods = -1;
    long throttledPeriods = -1;
    if (quota != null) {
      long cpuAfter = quota.cpuNanos();
      long[] periodsAfter = quota.periods();
      cpuMs = cpuBefore < 0 || cpuAfter < 0 ? -1 : (cpuAfter - cpuBefore) / 1e6;
      if (periodsBefore[0] >= 0 && periodsAfter[0] >= 0) {
        periods = periodsAfter[0] - periodsBefore[0];
        throttledPeriods = periodsAfter[1] - periodsBefore[1];
      }
    }
    return new Run((firstAt - start) / 1e6, (exitAt - start) / 1e6, process.exitValue(), firstLine, start, startWall,
        cpuMs, periods, throttledPeriods);
  }

  /** The wall clock in nanoseconds since the epoch (microsecond resolution on Linux). */
  static long wallNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** How many classes a run loads ({@code -Xlog:class+load}), and how many of them came from the CDS archive. */
  private String classesLoaded(String label, List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    if (quick) {
      return "-";
    }
    long[] counts = classCounts(label, command, env, null);
    return counts[0] + " (" + counts[1] + " from CDS)";
  }

  /** The classes a run loads and how many of them came from the CDS archive, in {@code quota} when not null. */
  private long[] classCounts(String label, List<String> command, Map<String, String> env, CpuQuota quota)
      throws IOException, InterruptedException {
    Path log = work.resolve("classes-" + label + ".log");
    Files.deleteIfExists(log);
    List<String> logged = new ArrayList<>(command);
    logged.add(1, "-Xlog:class+load=info:file=" + log);
    once(logged, env, quota);
    List<String> lines = Files.readAllLines(log);
    long total = lines.stream().filter(l -> l.contains("source:")).count();
    long shared = lines.stream().filter(l -> l.contains("shared objects file")).count();
    return new long[] {total, shared};
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
