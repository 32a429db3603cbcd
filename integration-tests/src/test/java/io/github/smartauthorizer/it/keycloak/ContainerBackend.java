package io.github.smartauthorizer.it.keycloak;

import dasniko.testcontainers.keycloak.KeycloakContainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.testcontainers.containers.output.OutputFrame;

/**
 * Keycloak in a container (testcontainers-keycloak) from the official image {@code quay.io/keycloak/keycloak:<version>},
 * {@code start-dev --import-realm} with the same realm files. Only this class touches Testcontainers, so the other
 * modes never load it.
 *
 * <p>The issuer follows the host the requests use ({@code start-dev} is not hostname-strict), and every request goes
 * to {@link KeycloakContainer#getAuthServerUrl()}. A restart is a new container on a new mapped port: the base URL,
 * the issuer and the keys change.
 */
final class ContainerBackend implements Backend {
  static final String IMAGE_PROPERTY = "keycloak.image";

  private final String image;
  private final Path log;
  private final Duration startTimeout;
  private volatile KeycloakContainer container; // volatile: see DistBackend.process
  private volatile boolean paused;
  private Writer logWriter;
  private int starts;

  ContainerBackend() {
    String version = System.getProperty("keycloak.version");
    String configured = System.getProperty(IMAGE_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      image = configured;
    } else if (version != null && !version.isBlank() && !version.startsWith("${")) {
      image = "quay.io/keycloak/keycloak:" + version;
    } else {
      throw new IllegalStateException("-Dkeycloak.version (or -D" + IMAGE_PROPERTY + ") is not set: run the "
          + "integration tests through Maven (./mvnw -B verify)");
    }
    log = Paths.get(System.getProperty(DistBackend.LOG_PROPERTY, "target/keycloak.log")).toAbsolutePath();
    startTimeout = Duration.ofSeconds(Long.getLong(DistBackend.START_TIMEOUT_PROPERTY, 180));
  }

  @Override
  public boolean canStop() {
    return true;
  }

  @Override
  public URI start() throws IOException {
    Files.createDirectories(log.getParent());
    logWriter = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        starts++ == 0 ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
    logWriter.write("==== smart-authorizer integration tests: Keycloak container start " + starts + " ====\n");
    KeycloakContainer started = new KeycloakContainer(image)
        .withRealmImportFiles(SmartRealm.REALM_RESOURCES)
        .withAdminUsername(SmartRealm.ADMIN_USER)
        .withAdminPassword(SmartRealm.ADMIN_PASSWORD)
        .withStartupTimeout(startTimeout)
        .withLogConsumer(this::log);
    long t0 = System.nanoTime();
    try {
      started.start();
    } catch (RuntimeException e) {
      started.stop();
      closeLog();
      throw new IllegalStateException("the Keycloak container (" + image + ") did not start; its output is in "
          + log, e);
    }
    container = started;
    URI base = URI.create(stripTrailingSlash(started.getAuthServerUrl()));
    System.out.printf("Keycloak (container %s) ready in %.1f s at %s; log: %s%n", image,
        (System.nanoTime() - t0) / 1e9, base, log);
    return base;
  }

  @Override
  public boolean canPause() {
    return true;
  }

  /** {@code docker pause}: the container's processes are frozen (cgroup freezer); the mapped port stays open. */
  @Override
  public void pause() {
    KeycloakContainer running = container;
    if (running == null) {
      throw new IllegalStateException("Keycloak is not running");
    }
    paused = true;
    running.getDockerClient().pauseContainerCmd(running.getContainerId()).exec();
  }

  @Override
  public void resume() {
    KeycloakContainer running = container;
    if (running != null && paused) {
      try {
        running.getDockerClient().unpauseContainerCmd(running.getContainerId()).exec();
      } catch (RuntimeException e) {
        System.out.println("Keycloak (container): unpause failed: " + e);
      }
    }
    paused = false;
  }

  @Override
  public void stop() {
    resume();
    KeycloakContainer running = container;
    container = null;
    if (running != null) {
      long t0 = System.nanoTime();
      running.stop();
      System.out.printf("Keycloak (container) stopped in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
    closeLog();
  }

  private synchronized void log(OutputFrame frame) {
    if (logWriter == null || frame.getType() == OutputFrame.OutputType.END) {
      return;
    }
    try {
      logWriter.write(frame.getUtf8StringWithoutLineEnding());
      logWriter.write('\n');
      logWriter.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private synchronized void closeLog() {
    if (logWriter != null) {
      try {
        logWriter.close();
      } catch (IOException ignored) {
        // the log is best effort
      }
      logWriter = null;
    }
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
