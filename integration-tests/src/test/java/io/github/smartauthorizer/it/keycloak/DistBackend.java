package io.github.smartauthorizer.it.keycloak;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Keycloak from the official distribution zip ({@code org.keycloak:keycloak-quarkus-dist:<version>:zip}, resolved by
 * Maven into the local repository), run as {@code bin/kc.sh start-dev} on loopback with an in-memory database.
 *
 * <ul>
 *   <li>The zip is unpacked once into {@code keycloak.dist.cache} (default {@code ~/.cache/smart-authorizer}),
 *       outside {@code target}, so it survives {@code mvn clean} and keeps Keycloak's one-time re-augmentation. It is
 *       unpacked into a temporary folder and moved into place, so an interrupted unpack is never used.
 *   <li>While a run uses the cached distribution it holds a file lock on it; a second run on the same machine at the
 *       same time unpacks a private copy under {@code target/} instead of sharing {@code data/} and
 *       {@code lib/quarkus} with the first one.
 *   <li>Every start copies the realm files afresh into {@code data/import}; {@code --db=dev-mem} gives a fresh database
 *       (and fresh signing keys) per start.
 *   <li>Keycloak's output goes to {@code keycloak.log} (default {@code target/keycloak.log}); a failed start throws
 *       with its last lines.
 * </ul>
 */
final class DistBackend implements Backend {
  static final String ZIP_PROPERTY = "keycloak.dist.zip";
  static final String CACHE_PROPERTY = "keycloak.dist.cache";
  static final String LOG_PROPERTY = "keycloak.log";
  static final String START_TIMEOUT_PROPERTY = "keycloak.startTimeoutSeconds";

  private static final String UNPACKED_MARKER = ".smart-authorizer-unpacked";
  private static final int LOG_TAIL_LINES = 80;
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Path zip;
  private final Path cache;
  private final Path log;
  private final Duration startTimeout;

  private Path home;
  private FileChannel lockChannel; // held for the life of the JVM once the cached distribution is ours
  private int httpPort;
  private int managementPort;
  private int starts;
  private volatile Process process; // volatile: the shutdown hook stops it without the Keycloak monitor
  private volatile boolean paused;

  DistBackend() {
    String zipPath = System.getProperty(ZIP_PROPERTY);
    if (zipPath == null || zipPath.isBlank() || zipPath.startsWith("${")) {
      throw new IllegalStateException("-D" + ZIP_PROPERTY + " is not set: run the integration tests through Maven "
          + "(./mvnw -B verify), which resolves org.keycloak:keycloak-quarkus-dist and passes its path, or set "
          + KeycloakMode.MODE_ENV + "=external with " + KeycloakMode.URL_ENV);
    }
    this.zip = Paths.get(zipPath);
    this.cache = Paths.get(System.getProperty(CACHE_PROPERTY,
        Paths.get(System.getProperty("user.home"), ".cache", "smart-authorizer").toString()));
    this.log = Paths.get(System.getProperty(LOG_PROPERTY, "target/keycloak.log")).toAbsolutePath();
    this.startTimeout = Duration.ofSeconds(Long.getLong(START_TIMEOUT_PROPERTY, 180));
  }

  @Override
  public boolean canStop() {
    return true;
  }

  @Override
  public URI start() throws IOException, InterruptedException {
    if (home == null) {
      home = locateDistribution();
    }
    choosePorts();
    copyRealms();
    Files.createDirectories(log.getParent());
    String banner = "==== smart-authorizer integration tests: Keycloak start " + (starts + 1) + " ====\n";
    if (starts == 0) {
      Files.writeString(log, banner, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    } else {
      Files.writeString(log, banner, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    long logOffset = Files.size(log);
    starts++;

    URI base = URI.create("http://127.0.0.1:" + httpPort);
    ProcessBuilder builder = new ProcessBuilder(
        home.resolve("bin").resolve("kc.sh").toString(),
        "start-dev",
        "--db=dev-mem",
        "--http-host=127.0.0.1",
        "--http-port=" + httpPort,
        "--http-management-port=" + managementPort,
        "--health-enabled=true",
        "--hostname=" + base,
        "--import-realm")
        .directory(home.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = builder.environment();
    // The run must not depend on Keycloak settings of the machine's environment.
    env.keySet().removeIf(name -> name.startsWith("KC_") || name.startsWith("QUARKUS_") || name.equals("JAVA"));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("KC_BOOTSTRAP_ADMIN_USERNAME", SmartRealm.ADMIN_USER);
    env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", SmartRealm.ADMIN_PASSWORD);

    long started = System.nanoTime();
    process = builder.start();
    awaitReady(base);
    double seconds = (System.nanoTime() - started) / 1e9;
    boolean augmented = logSince(logOffset).contains("Quarkus augmentation completed");
    System.out.printf("Keycloak (dist %s) ready in %.1f s at %s%s; log: %s%n", home, seconds, base,
        augmented ? " (including Keycloak's one-time re-augmentation of this distribution)" : "", log);
    return base;
  }

  @Override
  public boolean canPause() {
    return true;
  }

  /** {@code SIGSTOP} to {@code kc.sh} and its Java process. */
  @Override
  public void pause() {
    Process running = process;
    if (running == null) {
      throw new IllegalStateException("Keycloak is not running");
    }
    paused = true;
    signal(running.toHandle(), "STOP");
  }

  /** {@code SIGCONT} to {@code kc.sh} and its Java process. */
  @Override
  public void resume() {
    Process running = process;
    if (running != null && paused) {
      try {
        signal(running.toHandle(), "CONT");
      } catch (RuntimeException e) {
        System.out.println("Keycloak (dist): resume failed: " + e.getMessage());
      }
    }
    paused = false;
  }

  /** Sends a signal with {@code kill}, which the JDK cannot send itself, to a process and its descendants. */
  private static void signal(ProcessHandle root, String signal) {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    root.descendants().forEach(p -> command.add(Long.toString(p.pid())));
    command.add(Long.toString(root.pid()));
    try {
      Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling Keycloak", e);
    }
  }

  @Override
  public void stop() {
    resume(); // a stopped process would not act on SIGTERM until the grace period ran out
    Process running = process;
    process = null;
    if (running == null) {
      return;
    }
    long started = System.nanoTime();
    destroyTree(running.toHandle());
    System.out.printf("Keycloak (dist) stopped in %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  // ---- the distribution ----

  private Path locateDistribution() throws IOException {
    if (!Files.isRegularFile(zip)) {
      throw new IllegalStateException("the Keycloak distribution zip is missing: " + zip);
    }
    String top = topLevelDirectory(zip);
    Files.createDirectories(cache);
    FileChannel channel = FileChannel.open(cache.resolve(top + ".lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = channel.tryLock();
    if (lock != null) {
      lockChannel = channel; // kept open: the lock goes when this JVM does
      Path shared = cache.resolve(top);
      stopLeftovers(shared);
      return unpackOnce(zip, top, cache);
    }
    channel.close();
    Path privateParent = log.getParent().resolve("keycloak-dist");
    System.out.println("Keycloak: another run on this machine is using " + cache.resolve(top)
        + "; using a private copy under " + privateParent);
    return unpackOnce(zip, top, privateParent);
  }

  /** The single top-level folder of the zip, e.g. {@code keycloak-26.5.6}. */
  static String topLevelDirectory(Path zip) throws IOException {
    try (ZipFile file = new ZipFile(zip.toFile())) {
      Enumeration<? extends ZipEntry> entries = file.entries();
      String top = null;
      while (entries.hasMoreElements()) {
        String name = entries.nextElement().getName();
        int slash = name.indexOf('/');
        String first = slash < 0 ? name : name.substring(0, slash);
        if (top == null) {
          top = first;
        } else if (!top.equals(first)) {
          throw new IllegalStateException(zip + " has more than one top-level entry: " + top + ", " + first);
        }
      }
      if (top == null || top.isEmpty() || top.equals("..") || top.equals(".")) {
        throw new IllegalStateException(zip + " has no top-level folder");
      }
      return top;
    }
  }

  /**
   * Unpacks {@code zip} into {@code parent/top} unless a complete earlier unpack is there. Unpacks into a temporary
   * sibling first and moves it into place, then writes a marker; a folder without the marker is incomplete and
   * replaced. The caller makes sure no other process unpacks into the same place at the same time.
   */
  static Path unpackOnce(Path zip, String top, Path parent) throws IOException {
    Path home = parent.resolve(top);
    Path marker = home.resolve(UNPACKED_MARKER);
    if (Files.isRegularFile(marker) && Files.isRegularFile(home.resolve("bin").resolve("kc.sh"))) {
      return home;
    }
    long started = System.nanoTime();
    Files.createDirectories(parent);
    if (Files.exists(home)) {
      deleteRecursively(home);
    }
    Path temporary = Files.createTempDirectory(parent, "." + top + ".unpacking-");
    try {
      unzip(zip, temporary);
      Files.move(temporary.resolve(top), home, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      deleteRecursively(temporary);
    }
    Files.writeString(marker, "unpacked from " + zip + "\n", StandardCharsets.UTF_8);
    System.out.printf("Keycloak: unpacked %s into %s in %.1f s%n", zip.getFileName(), home,
        (System.nanoTime() - started) / 1e9);
    return home;
  }

  private static void unzip(Path zip, Path into) throws IOException {
    Path root = into.toAbsolutePath().normalize();
    try (ZipFile file = new ZipFile(zip.toFile())) {
      Enumeration<? extends ZipEntry> entries = file.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        Path target = root.resolve(entry.getName()).normalize();
        if (!target.startsWith(root)) {
          throw new IOException("zip entry outside the target folder: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        try (InputStream in = file.getInputStream(entry)) {
          Files.copy(in, target);
        }
        if (entry.getName().endsWith(".sh")) {
          makeExecutable(target);
        }
      }
    }
  }

  private static void makeExecutable(Path file) throws IOException {
    try {
      Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(file));
      permissions.add(PosixFilePermission.OWNER_EXECUTE);
      permissions.add(PosixFilePermission.GROUP_EXECUTE);
      permissions.add(PosixFilePermission.OTHERS_EXECUTE);
      Files.setPosixFilePermissions(file, permissions);
    } catch (UnsupportedOperationException notPosix) {
      file.toFile().setExecutable(true, false);
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Stops Keycloak processes of an earlier run that died without stopping its Keycloak (killed with SIGKILL, say).
   * Called while holding the lock, so no live run uses this distribution.
   */
  private static void stopLeftovers(Path home) {
    String bin = home.resolve("bin").toString();
    long self = ProcessHandle.current().pid();
    ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self)
        .filter(p -> p.info().commandLine().map(c -> c.contains(bin)).orElse(false))
        .forEach(p -> {
          System.out.println("Keycloak: stopping process " + p.pid() + " left over from an earlier run");
          destroyTree(p);
        });
  }

  private void copyRealms() throws IOException {
    Path imports = home.resolve("data").resolve("import");
    Files.createDirectories(imports);
    try (Stream<Path> old = Files.list(imports)) {
      for (Path p : (Iterable<Path>) old::iterator) {
        if (p.getFileName().toString().endsWith(".json")) {
          Files.delete(p);
        }
      }
    }
    ClassLoader loader = DistBackend.class.getClassLoader();
    for (String resource : SmartRealm.REALM_RESOURCES) {
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing test resource " + resource);
        }
        Files.copy(in, imports.resolve(Paths.get(resource).getFileName().toString()));
      }
    }
  }

  // ---- the process ----

  /** Chooses free loopback ports; a restart keeps the earlier ones (and so the issuer) while they are free. */
  private void choosePorts() throws IOException {
    if (httpPort != 0 && portFree(httpPort) && portFree(managementPort)) {
      return;
    }
    if (httpPort != 0) {
      System.out.println("Keycloak: a port of the previous start is taken; the base URL changes");
    }
    httpPort = freePort();
    do {
      managementPort = freePort();
    } while (managementPort == httpPort);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private static boolean portFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.isBound();
    } catch (IOException taken) {
      return false;
    }
  }

  private void awaitReady(URI base) throws IOException, InterruptedException {
    URI ready = URI.create("http://127.0.0.1:" + managementPort + "/health/ready");
    URI discovery = URI.create(base + "/realms/" + SmartRealm.REALM + "/.well-known/openid-configuration");
    long deadline = System.nanoTime() + startTimeout.toNanos();
    while (true) {
      Process running = process;
      if (running == null || !running.isAlive()) {
        throw startFailure("Keycloak exited"
            + (running == null ? "" : " with code " + running.exitValue()) + " before it was ready");
      }
      try {
        if (Http.get(ready, Duration.ofSeconds(2)).statusCode() == 200
            && Http.get(discovery, Duration.ofSeconds(10)).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw startFailure("Keycloak was not ready within " + startTimeout.toSeconds() + " s (-D"
            + START_TIMEOUT_PROPERTY + " to wait longer)");
      }
      Thread.sleep(500);
    }
  }

  private IllegalStateException startFailure(String message) throws IOException {
    stop();
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
    return new IllegalStateException(message + "; last " + tail.size() + " lines of " + log + ":\n"
        + String.join("\n", tail));
  }

  private String logSince(long offset) throws IOException {
    byte[] all = Files.readAllBytes(log);
    int from = (int) Math.min(offset, all.length);
    return new String(all, from, all.length - from, StandardCharsets.UTF_8);
  }

  /** SIGTERM to the descendants, then the process; after {@link #STOP_GRACE}, SIGKILL to what is left. */
  static void destroyTree(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
    tree.add(root);
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (ProcessHandle p : tree) {
      long left = deadline - System.nanoTime();
      try {
        p.onExit().get(Math.max(left, 1), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // killed below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
