package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.smartauthorizer.api.HealthLakeRequest;
import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.api.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz target for the HealthLake event parser ({@link HealthLakeEvents}) and the whole decision
 * ({@link Authorizer#handle}) over the real {@code jwks} provider, with Jazzer. Invariants: the parser throws nothing
 * but {@link HealthLakeEvents.InvalidEventException}; {@code handle} never throws and always answers one strict JSON
 * object of the HealthLake shape; a request is authorized only with a token this target signed, byte for byte, and
 * only the events whose parsing succeeded; a garbage event is never an environment fault.
 */
class HealthLakeEventFuzzTest {
  static final AtomicLong EXECUTIONS = new AtomicLong();
  private static AttackHarness harness;
  private static Authorizer authorizer;
  private static List<String> validTokens;

  @BeforeAll
  static void start() {
    harness = new AttackHarness();
    authorizer = harness.authorizer();
    validTokens = harness.signers().stream().map(s -> s.sign(harness.claims())).toList();
  }

  @AfterAll
  static void stop() {
    harness.close();
    System.out.println("FUZZ HealthLakeEventFuzzTest executions: " + EXECUTIONS.get());
  }

  @FuzzTest(maxDuration = "15s")
  void fuzz(FuzzedDataProvider data) throws Exception {
    EXECUTIONS.incrementAndGet();
    byte[] event;
    if (data.consumeBoolean()) {
      event = data.consumeRemainingAsBytes();
    } else {
      // A well-formed event around a valid token, with fuzzer-chosen text spliced in somewhere.
      String json = new String(AttackHarness.event(validTokens.get(data.consumeInt(0, validTokens.size() - 1))),
          StandardCharsets.UTF_8);
      int at = data.consumeInt(0, json.length());
      int cut = data.consumeInt(0, Math.min(8, json.length() - at));
      json = json.substring(0, at) + data.consumeString(64) + json.substring(at + cut);
      event = json.getBytes(StandardCharsets.UTF_8);
    }
    HealthLakeRequest request = null;
    try {
      request = HealthLakeEvents.parse(event);
    } catch (HealthLakeEvents.InvalidEventException expected) {
      // our own rejection is the only thing allowed out
    }
    HealthLakeEvents.endpointOrNull(event);
    harness.log.reset();
    byte[] response = authorizer.handle(event, "fuzz");
    Map<String, Object> json = StrictJson.parseObject(response);
    assertEquals(Set.of("authPayload", "iamRoleARN"), json.keySet());
    @SuppressWarnings("unchecked")
    Map<String, Object> payload = (Map<String, Object>) json.get("authPayload");
    Object authorized = payload.get("isAuthorized");
    assertTrue(authorized instanceof Boolean, "isAuthorized is a JSON boolean");
    if ((Boolean) authorized) {
      assertNotNull(request, "authorized an event the parser refuses");
      assertTrue(validTokens.contains(request.bearerToken()), "authorized a token nobody signed");
    } else {
      List<Map<String, Object>> lines = harness.log.decisionLines();
      assertEquals(1, lines.size());
      String reason = (String) lines.get(0).get("reason");
      assertTrue(!ReasonCode.valueOf(reason).isEnvironmentFault(), "garbage looked like an outage: " + reason);
    }
  }
}
