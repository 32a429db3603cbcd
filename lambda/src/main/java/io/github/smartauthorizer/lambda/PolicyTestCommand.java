package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.HealthLakeResponse;
import io.github.smartauthorizer.api.json.StrictJson;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPrivateKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code policy-test --fixtures DIR}: runs a directory of golden cases through a configuration, offline, and prints
 * {@code PASS name} or {@code FAIL name} with the expected and actual values that differ. The directory holds
 * {@code environment.properties} (or {@code .env}: the {@code AUTHORIZER_*} settings, relative {@code *_FILE} paths
 * resolved against the directory), {@code signing-key.json} (a private RSA or EC P-256 JWK, used only to sign the
 * cases' token descriptions) and {@code cases/*.json}. Exit 0 when every case passes, 1 when any fails, 2 on a usage
 * or configuration error (naming the file and what is wrong). Tokens are never printed.
 */
final class PolicyTestCommand {
  static final String NAME = "policy-test";
  private static final Pattern RELATIVE_TIME = Pattern.compile("now(?:([+-])(\\d{1,9}))?");
  private static final List<String> TIME_CLAIMS = List.of("iat", "nbf", "exp");
  private static final List<String> EXPECT_FIELDS = List.of("decision", "reason", "role", "scope");

  private PolicyTestCommand() {}

  /** A usage or configuration problem: exit 2 with this message. */
  static final class FixtureException extends Exception {
    private static final long serialVersionUID = 1L;

    FixtureException(String message) {
      super(message);
    }
  }

  private record SigningKey(String kid, String alg, PrivateKey key) {}

  static int run(List<String> options, PrintStream stdout, PrintStream stderr) {
    if (options.size() != 2 || !options.get(0).equals("--fixtures")) {
      stderr.println("usage: java -jar smart-authorizer-lambda.jar policy-test --fixtures DIR");
      return ExitCodes.CONFIGURATION_ERROR;
    }
    try {
      return runCases(directory(options.get(1)), stdout);
    } catch (FixtureException e) {
      stderr.println(e.getMessage());
      return ExitCodes.CONFIGURATION_ERROR;
    }
  }

  private static Path directory(String name) throws FixtureException {
    Path dir;
    try {
      dir = Path.of(name);
    } catch (InvalidPathException e) {
      throw new FixtureException(name + ": not a directory name (" + e.getReason() + ")");
    }
    if (!Files.isDirectory(dir)) {
      throw new FixtureException(name + ": no such directory");
    }
    return dir;
  }

  private static int runCases(Path dir, PrintStream stdout) throws FixtureException {
    Map<String, String> environment = environment(dir);
    SigningKey key = signingKey(dir.resolve("signing-key.json"));
    List<Path> caseFiles = caseFiles(dir.resolve("cases"));
    List<Map<String, Object>> cases = new ArrayList<>();
    for (Path file : caseFiles) {
      cases.add(readCase(file));
    }
    Authorizer authorizer;
    try {
      authorizer = Authorizer.builder().environment(environment)
          .logStream(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8))
          .metricsStream(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8))
          .metricsOffUnlessAsked().build();
    } catch (ConfigurationException e) {
      throw new FixtureException(dir.resolve("environment.properties") + ": configuration error: " + e.getMessage());
    }
    int failed = 0;
    for (int i = 0; i < caseFiles.size(); i++) {
      String name = caseFiles.get(i).getFileName().toString().replaceFirst("\\.json$", "");
      Map<String, Object> testCase = cases.get(i);
      byte[] event = event(caseFiles.get(i), testCase, key);
      Decision decision = authorizer.decide(event);
      List<String> diff = diff(object(testCase.get("expect")), decision);
      if (diff.isEmpty()) {
        stdout.println("PASS " + name);
      } else {
        failed++;
        stdout.println("FAIL " + name);
        diff.forEach(stdout::println);
      }
    }
    stdout.println(caseFiles.size() - failed + " passed, " + failed + " failed");
    return failed == 0 ? ExitCodes.AUTHORIZED : ExitCodes.DENIED;
  }

  private static List<String> diff(Map<String, Object> expect, Decision decision) {
    HealthLakeResponse response = decision.response();
    Map<String, String> actual = new LinkedHashMap<>();
    actual.put("decision", decision.authorized() ? "ALLOW" : "DENY");
    actual.put("reason", decision.reason() == null ? "none" : decision.reason().name());
    actual.put("role", response == null ? null : response.iamRoleArn());
    actual.put("scope", response == null || response.authPayload() == null ? null : response.authPayload().scope());
    List<String> lines = new ArrayList<>();
    for (String field : EXPECT_FIELDS) {
      if (expect.containsKey(field)) {
        String expected = String.valueOf(expect.get(field));
        String got = actual.get(field) == null ? "none" : actual.get(field);
        if (!expected.equals(got)) {
          lines.add("  expected " + field + ": " + expected);
          lines.add("  actual " + field + ":   " + got);
        }
      }
    }
    return lines;
  }

  /** {@code environment.properties} or {@code .env}: {@code NAME=value} lines, {@code #} comments. */
  static Map<String, String> environment(Path dir) throws FixtureException {
    Path file = dir.resolve("environment.properties");
    if (!Files.isRegularFile(file)) {
      file = dir.resolve(".env");
    }
    if (!Files.isRegularFile(file)) {
      throw new FixtureException(dir + ": no environment.properties (or .env) with the AUTHORIZER_* settings");
    }
    Map<String, String> environment = new LinkedHashMap<>();
    List<String> lines = readLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).strip();
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new FixtureException(file + ":" + (i + 1) + ": not a NAME=value line");
      }
      String variable = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
          || value.startsWith("'") && value.endsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      }
      if (variable.endsWith("_FILE") && !value.isEmpty()) {
        try {
          value = dir.resolve(value).toString();
        } catch (InvalidPathException e) {
          throw new FixtureException(file + ":" + (i + 1) + ": " + variable + " is not a file name");
        }
      }
      environment.put(variable, value);
    }
    return environment;
  }

  private static List<String> readLines(Path file) throws FixtureException {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new FixtureException(file + ": cannot be read: " + e.getMessage());
    }
  }

  private static Map<String, Object> readJson(Path file) throws FixtureException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new FixtureException(file + ": cannot be read: " + e.getMessage());
    }
    try {
      return StrictJson.parseObject(bytes);
    } catch (StrictJson.MalformedJsonException e) {
      throw new FixtureException(file + ": not a JSON object: " + e.getMessage());
    }
  }

  private static List<Path> caseFiles(Path cases) throws FixtureException {
    if (!Files.isDirectory(cases)) {
      throw new FixtureException(cases + ": no such directory (the cases, one JSON file each)");
    }
    try (Stream<Path> files = Files.list(cases)) {
      List<Path> list = files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
      if (list.isEmpty()) {
        throw new FixtureException(cases + ": no case files (*.json)");
      }
      return list;
    } catch (IOException e) {
      throw new FixtureException(cases + ": cannot be listed: " + e.getMessage());
    }
  }

  /** Reads one case and checks its shape, so that every problem is reported before any case runs. */
  private static Map<String, Object> readCase(Path file) throws FixtureException {
    Map<String, Object> testCase = readJson(file);
    for (String member : testCase.keySet()) {
      if (!List.of("description", "event", "token", "expect").contains(member)) {
        throw new FixtureException(file + ": unknown member \"" + member + "\" (expected description, event, token,"
            + " expect)");
      }
    }
    if (!(testCase.get("event") instanceof Map<?, ?> event)) {
      throw new FixtureException(file + ": \"event\" must be an object (datastoreEndpoint, operationName)");
    }
    boolean literal = event.containsKey("bearerToken");
    if (literal == testCase.containsKey("token")) {
      throw new FixtureException(file + ": give either \"token\" (to be signed) or event.bearerToken, not "
          + (literal ? "both" : "neither"));
    }
    if (!literal) {
      if (!(testCase.get("token") instanceof Map<?, ?> token) || !(token.get("claims") instanceof Map<?, ?>)) {
        throw new FixtureException(file + ": \"token\" must be an object with a \"claims\" object");
      }
      if (token.containsKey("header") && !(token.get("header") instanceof Map<?, ?>)) {
        throw new FixtureException(file + ": \"token.header\" must be an object");
      }
      for (String claim : TIME_CLAIMS) {
        Object value = ((Map<?, ?>) token.get("claims")).get(claim);
        if (value instanceof String s && !RELATIVE_TIME.matcher(s).matches()) {
          throw new FixtureException(file + ": claim \"" + claim + "\" is \"" + s
              + "\"; a time is a number or \"now\", \"now+SECONDS\", \"now-SECONDS\"");
        }
      }
    }
    if (!(testCase.get("expect") instanceof Map<?, ?> expect)) {
      throw new FixtureException(file + ": \"expect\" must be an object (decision, reason, role, scope)");
    }
    for (Map.Entry<?, ?> e : expect.entrySet()) {
      if (!EXPECT_FIELDS.contains(String.valueOf(e.getKey()))) {
        throw new FixtureException(file + ": unknown member \"expect." + e.getKey() + "\" (expected decision, reason,"
            + " role, scope)");
      }
      if (!(e.getValue() instanceof String)) {
        throw new FixtureException(file + ": \"expect." + e.getKey() + "\" must be a string");
      }
    }
    Object decision = expect.get("decision");
    if (!"ALLOW".equals(decision) && !"DENY".equals(decision)) {
      throw new FixtureException(file + ": \"expect.decision\" must be \"ALLOW\" or \"DENY\"");
    }
    return testCase;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value) {
    return (Map<String, Object>) value;
  }

  private static byte[] event(Path file, Map<String, Object> testCase, SigningKey key) throws FixtureException {
    Map<String, Object> event = new LinkedHashMap<>(object(testCase.get("event")));
    if (!event.containsKey("bearerToken")) {
      event.put("bearerToken", sign(file, object(testCase.get("token")), key));
    }
    return JsonText.object(event).getBytes(StandardCharsets.UTF_8);
  }

  private static String sign(Path file, Map<String, Object> token, SigningKey key) throws FixtureException {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", key.alg());
    header.put("typ", "JWT");
    header.put("kid", key.kid());
    if (token.get("header") != null) {
      header.putAll(object(token.get("header")));
    }
    long now = Instant.now().getEpochSecond();
    Map<String, Object> claims = new LinkedHashMap<>(object(token.get("claims")));
    for (String claim : TIME_CLAIMS) {
      if (claims.get(claim) instanceof String s) {
        Matcher m = RELATIVE_TIME.matcher(s);
        m.matches();
        long offset = m.group(1) == null ? 0 : Long.parseLong(m.group(2));
        claims.put(claim, now + ("-".equals(m.group(1)) ? -offset : offset));
      }
    }
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput = b64.encodeToString(JsonText.object(header).getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(JsonText.object(claims).getBytes(StandardCharsets.UTF_8));
    try {
      Signature signature = Signature.getInstance(
          key.alg().equals("ES256") ? "SHA256withECDSAinP1363Format" : "SHA256withRSA");
      signature.initSign(key.key());
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + b64.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new FixtureException(file + ": the token cannot be signed: " + e.getMessage());
    }
  }

  /** A private JWK: RSA ({@code n}, {@code d}, optionally the CRT members) or EC P-256 ({@code d}). */
  static SigningKey signingKey(Path file) throws FixtureException {
    if (!Files.isRegularFile(file)) {
      throw new FixtureException(file + ": no such file (the private JWK that signs the cases' tokens)");
    }
    Map<String, Object> jwk = readJson(file);
    String kid = jwk.get("kid") instanceof String s ? s : null;
    try {
      if ("RSA".equals(jwk.get("kty"))) {
        BigInteger n = number(file, jwk, "n");
        BigInteger d = number(file, jwk, "d");
        RSAPrivateKeySpec spec = jwk.containsKey("p")
            ? new RSAPrivateCrtKeySpec(n, number(file, jwk, "e"), d, number(file, jwk, "p"), number(file, jwk, "q"),
                number(file, jwk, "dp"), number(file, jwk, "dq"), number(file, jwk, "qi"))
            : new RSAPrivateKeySpec(n, d);
        return new SigningKey(kid, "RS256", KeyFactory.getInstance("RSA").generatePrivate(spec));
      }
      if ("EC".equals(jwk.get("kty"))) {
        if (!"P-256".equals(jwk.get("crv"))) {
          throw new FixtureException(file + ": only the EC curve P-256 is supported");
        }
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        ECPrivateKeySpec spec = new ECPrivateKeySpec(number(file, jwk, "d"),
            parameters.getParameterSpec(ECParameterSpec.class));
        return new SigningKey(kid, "ES256", KeyFactory.getInstance("EC").generatePrivate(spec));
      }
    } catch (GeneralSecurityException e) {
      throw new FixtureException(file + ": not a usable private key: " + e.getMessage());
    }
    throw new FixtureException(file + ": \"kty\" must be \"RSA\" or \"EC\" (a private JWK)");
  }

  private static BigInteger number(Path file, Map<String, Object> jwk, String member) throws FixtureException {
    if (!(jwk.get(member) instanceof String s)) {
      throw new FixtureException(file + ": member \"" + member + "\" missing (a private JWK)");
    }
    try {
      return new BigInteger(1, Base64.getUrlDecoder().decode(s));
    } catch (IllegalArgumentException e) {
      throw new FixtureException(file + ": member \"" + member + "\" is not base64url");
    }
  }
}
