package io.github.smartauthorizer.examples.sam;

import static io.github.smartauthorizer.examples.sam.SamTemplateTest.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sam build} builds the function with this folder's Makefile (template Metadata {@code BuildMethod: makefile}):
 * SAM copies the folder to a scratch directory, runs {@code make --makefile <this Makefile> build-AuthorizerFunction}
 * there with {@code ARTIFACTS_DIR} set, and zips what the target leaves in it. These tests run that target as SAM does
 * (skipped where make or the JDK's jar tool is missing) and load the handler from the artifacts.
 */
class SamTemplateBuildTest {
  static Path samDir;
  static Path root;
  static Path jar;

  @BeforeAll
  static void paths() throws IOException {
    SamTemplateTest.parse();
    samDir = SamTemplateTest.samDir.toAbsolutePath().normalize();
    root = samDir.getParent().getParent();
    jar = root.resolve("assembly/target/smart-authorizer-lambda.jar");
  }

  @Test
  void samBuildsTheFunctionWithTheMakefileTargetNamedAfterIt() throws IOException {
    Map<String, Object> function = map(SamTemplateTest.resources.get("AuthorizerFunction"));
    assertEquals(Map.of("BuildMethod", "makefile"), function.get("Metadata"));
    assertEquals(".", map(function.get("Properties")).get("CodeUri"), "the folder holding the Makefile");
    String makefile = Files.readString(samDir.resolve("Makefile"), StandardCharsets.UTF_8);
    assertTrue(makefile.contains("\nbuild-AuthorizerFunction:"), "the target sam build runs");
  }

  @Test
  void theMakefileTargetUnpacksTheDeploymentJarWithAPublicRequestStreamHandler(@TempDir Path work) throws Exception {
    assumeTrue(ExternalTool.works("make", "--version"), "make is not installed: the sam build target was not run");
    assumeTrue(ExternalTool.works("jar", "--version"), "the JDK's jar tool is not on the PATH: not run");
    assertTrue(Files.isRegularFile(jar), jar + " is the built deployment jar (the build makes it before this test)");
    Path scratch = Files.createDirectories(work.resolve("scratch"));
    Path artifacts = work.resolve("artifacts");
    // -o: the jar is taken as up to date (the build just made it); the rule that rebuilds it is checked below.
    List<String> command = List.of("make", "--makefile", samDir.resolve("Makefile").toString(), "-o", jar.toString(),
        "build-AuthorizerFunction", "ARTIFACTS_DIR=" + artifacts, "JAR=" + jar);
    ExternalTool make = ExternalTool.run(command, null, Map.of(), scratch, 120);
    assertEquals(0, make.exitCode(), make.describe(command));

    long entries;
    try (JarFile file = new JarFile(jar.toFile())) {
      entries = file.stream().filter(entry -> !entry.isDirectory()).count();
    }
    try (Stream<Path> files = Files.walk(artifacts)) {
      assertEquals(entries, files.filter(Files::isRegularFile).count(), "every file of the jar, nothing else");
    }

    String handler = (String) SamTemplateTest.function().get("Handler");
    // The platform loader as parent: the handler and its interfaces must come from the artifacts, not from this test.
    try (URLClassLoader loader = new URLClassLoader(new URL[] {artifacts.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      Class<?> type = Class.forName(SamTemplateTest.HANDLER_CLASS, false, loader);
      Class<?> streamHandler = Class.forName("com.amazonaws.services.lambda.runtime.RequestStreamHandler", false,
          loader);
      Class<?> context = Class.forName("com.amazonaws.services.lambda.runtime.Context", false, loader);
      assertTrue(streamHandler.isAssignableFrom(type));
      assertTrue(Modifier.isPublic(type.getModifiers()));
      assertTrue(Modifier.isPublic(type.getConstructor().getModifiers()), "Lambda needs a public no-arg constructor");
      Method method = type.getMethod(handler.substring(handler.indexOf("::") + 2), InputStream.class,
          OutputStream.class, context);
      assertTrue(Modifier.isPublic(method.getModifiers()));
    }
  }

  @Test
  void theJarIsRebuiltWhenASourceOfItIsNewer(@TempDir Path scratch) throws Exception {
    assumeTrue(ExternalTool.works("make", "--version"), "make is not installed: the sam build target was not run");
    Path source = root.resolve("lambda/src/main/java/io/github/smartauthorizer/lambda/HealthLakeAuthorizerHandler.java");
    assertTrue(Files.isRegularFile(source), source.toString());
    // -n: print, run nothing; -W: as if this source had just changed.
    List<String> command = List.of("make", "-n", "--makefile", samDir.resolve("Makefile").toString(), "-W",
        source.toString(), "build-AuthorizerFunction", "ARTIFACTS_DIR=" + scratch.resolve("artifacts"));
    ExternalTool make = ExternalTool.run(command, null, Map.of(), scratch, 120);
    assertEquals(0, make.exitCode(), make.describe(command));
    assertTrue(make.stdout().contains("./mvnw -q -B package -DskipTests -pl assembly -am"), make.describe(command));
  }
}
