package io.github.smartauthorizer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.lambda.SecretsManagerLoopback;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment jar with the {@code introspection} and {@code okta} providers, configured only through environment
 * variables as in Lambda: client credentials read by the real AWS SDK from a Secrets Manager endpoint on loopback, and
 * an RFC 7662 endpoint on loopback answering like Okta.
 */
class IntrospectionJarIT {
  static final String ENDPOINT = "https://healthlake.us-east-1.amazonaws.com/datastore/0123456789abcdef0123456789abcdef/r4/";
  static final String SECRET_ID = "smart-authorizer/introspection-client";
  static final String ACTIVE_TOKEN = "AT.okta-opaque-token-1";

  static OpaqueTokenServer okta;
  static SecretsManagerLoopback secretsManager;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws IOException {
    okta = new OpaqueTokenServer("healthlake-authorizer", "s3cr3t");
    long now = Instant.now().getEpochSecond();
    okta.activate(ACTIVE_TOKEN, "{\"active\":true,\"scope\":\"launch/patient patient/Observation.rs\",\"patient\":\"pat-1\","
        + "\"client_id\":\"0oa-smart-app\",\"username\":\"pat@example.org\",\"exp\":" + (now + 600) + ",\"iat\":" + now
        + ",\"sub\":\"00u-patient-1\",\"aud\":\"api://default\",\"iss\":\"" + okta.issuer() + "\","
        + "\"jti\":\"AT.jti-1\",\"token_type\":\"Bearer\",\"uid\":\"00u-patient-1\"}");
    secretsManager = new SecretsManagerLoopback();
    secretsManager.putSecret(SECRET_ID, "{\"client_id\":\"healthlake-authorizer\",\"client_secret\":\"s3cr3t\"}");
  }

  @AfterAll
  static void stop() {
    okta.close();
    secretsManager.close();
  }

  @Test
  void introspectionProviderAuthorizesAnActiveTokenWithCredentialsFromSecretsManager() throws Exception {
    int secretReads = secretsManager.requests();
    int introspections = okta.requests();

    Map<String, String> env = environment("introspection");
    env.put("AUTHORIZER_INTROSPECTION_URL", okta.issuer() + "/v1/introspect");
    DeploymentJar.Result result = DeploymentJar.invokeEvents(dir, env, List.of(event(ACTIVE_TOKEN), event(ACTIVE_TOKEN)));

    assertEquals(0, result.exit(), result.stderr());
    List<String> lines = result.stdout().strip().lines().toList();
    assertEquals(2, lines.size());
    assertTrue(lines.get(0).contains("\"isAuthorized\":true"), lines.get(0));
    assertTrue(lines.get(0).contains("\"scope\":\"launch/patient patient/Observation.rs\""), lines.get(0));
    assertTrue(lines.get(0).contains("\"sub\":\"00u-patient-1\""), lines.get(0));
    assertEquals(1, secretsManager.requests() - secretReads, "the secret is read once, at init");
    assertEquals(1, okta.requests() - introspections - primingCalls(result), "the repeated token hits the cache");
    assertFalse(result.stderr().contains("s3cr3t"), "the client secret never reaches the log");
    assertFalse(result.stderr().contains(ACTIVE_TOKEN), "the token never reaches the log");
  }

  @Test
  void oktaProviderDerivesTheEndpointAndDeniesAnInactiveTokenInsteadOfCrashing() throws Exception {
    List<String> events = List.of(event(ACTIVE_TOKEN), event("an-opaque-token-nobody-issued"));
    DeploymentJar.Result result = DeploymentJar.invokeEvents(dir, environment("okta"), events);

    assertEquals(1, result.exit(), result.stderr());
    List<String> lines = result.stdout().strip().lines().toList();
    assertTrue(lines.get(0).contains("\"isAuthorized\":true"), lines.get(0));
    assertTrue(lines.get(1).contains("\"isAuthorized\":false"), lines.get(1));
    List<Map<String, Object>> decisions = DecisionLog.ofEvents(result.stderr(), events);
    DecisionLog.assertAllowed(decisions.get(0));
    DecisionLog.assertDenied(decisions.get(1), ReasonCode.INACTIVE_TOKEN);
  }

  @Test
  void aSecretThatCannotBeReadAtInitIsAConfigurationErrorNamingTheVariable() throws Exception {
    Map<String, String> env = environment("okta");
    env.put("AUTHORIZER_CLIENT_SECRET_ID", "no-such-secret");
    Path event = dir.resolve("event.json");
    Files.writeString(event, event(ACTIVE_TOKEN));

    DeploymentJar.Result result = DeploymentJar.run(dir, env, "invoke", "--event", event.toString());

    assertEquals(2, result.exit(), result.stderr());
    assertTrue(result.stderr().contains("AUTHORIZER_CLIENT_SECRET_ID"), result.stderr());
    assertTrue(result.stderr().contains("not found"), result.stderr());
  }

  /** Introspection calls made at init to warm the client (logged by the authorizer), not for a request. */
  private static int primingCalls(DeploymentJar.Result result) {
    return (int) result.stderr().lines().filter(l -> l.contains("introspection client primed")).count();
  }

  private static Map<String, String> environment(String provider) {
    Map<String, String> env = new HashMap<>();
    env.put("AUTHORIZER_PROVIDER", provider);
    env.put("AUTHORIZER_ISSUER", okta.issuer().toString());
    env.put("AUTHORIZER_AUDIENCE", "api://default");
    env.put("AUTHORIZER_CLIENT_SECRET_ID", SECRET_ID);
    env.put("AUTHORIZER_IAM_ROLE_ARN", "arn:aws:iam::111122223333:role/HealthLakeSmart");
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", secretsManager.uri().toString());
    return env;
  }

  private static String event(String token) {
    return "{\"datastoreEndpoint\":\"" + ENDPOINT + "\",\"operationName\":\"SearchWithGet\",\"bearerToken\":\""
        + token + "\"}";
  }
}
