package io.github.smartauthorizer.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The cold-start harness in its quick mode, one fresh JVM per provider on the deployment jar as built: proves the
 * harness still runs and that the slimmed jar (no java-jwt, no Jackson) still decides RS256 and ES256 tokens, and
 * introspection, Keycloak and Cognito ones, from a cold start, against an issuer over HTTPS. No CPU quota (no cgroups
 * needed). No timing is asserted: CI machines are shared.
 */
class ColdStartHarnessIT {
  private static final Path DEPLOYMENT_JAR = Path.of("../assembly/target/smart-authorizer-lambda.jar");
  private static final Path BENCHMARKS_JAR = Path.of("target/benchmarks.jar");

  @Test
  void everyProviderAuthorizesFromAColdStartOnTheDeploymentJar() throws Exception {
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", BENCHMARKS_JAR.toString(), ColdStart.class.getName(), "--quick", "--jar", DEPLOYMENT_JAR.toString(),
        "--work", "target/cold-start-it").redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), output);
    for (String provider : List.of("jwks", "jwks-es256", "introspection", "okta", "keycloak", "cognito")) {
      assertTrue(output.contains("| " + provider + " | ") && output.lines()
          .anyMatch(line -> line.startsWith("| " + provider + " | ") && line.endsWith("| allow |")), output);
    }
    assertTrue(output.contains("| bare JVM (Hello) |"), output);
    // Over HTTPS: the measured JVMs trusted the throwaway CA through the trust store the harness handed them.
    assertTrue(output.contains("issuer: HTTPS"), output);
  }

  @Test
  void theDeploymentJarHoldsNeitherJavaJwtNorJacksonNorMoshi() throws Exception {
    try (ZipFile jar = new ZipFile(DEPLOYMENT_JAR.toFile())) {
      assertFalse(jar.stream().anyMatch(e -> e.getName().startsWith("com/auth0/")
          || e.getName().startsWith("com/fasterxml/jackson/") || e.getName().startsWith("com/squareup/moshi/")));
      assertTrue(jar.getEntry("org/crac/Core.class") != null, "the CRaC hooks' API is in the jar");
    }
  }

  @Test
  void theDeploymentJarCarriesTheKotlinStandardLibraryOkHttpIsBuiltAgainst() throws Exception {
    // OkHttp 5 and okio 3 are compiled against Kotlin 2.1; an older standard library chosen by dependency mediation
    // (test dependencies bring 1.9) could fail at run time on a path the tests never take.
    try (URLClassLoader loader = new URLClassLoader(new URL[] {DEPLOYMENT_JAR.toUri().toURL()}, null)) {
      Class<?> version = loader.loadClass("kotlin.KotlinVersion");
      Object current = version.getField("CURRENT").get(null);
      boolean atLeast21 = (Boolean) version.getMethod("isAtLeast", int.class, int.class).invoke(current, 2, 1);
      assertTrue(atLeast21, "Kotlin standard library " + current);
    }
  }
}
