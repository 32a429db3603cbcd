package io.github.smartauthorizer.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.ReasonCode;
import io.github.smartauthorizer.lambda.Decision;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;

class LocalDemoTest {

  @Test
  void demoAllowsTheValidTokenAndDeniesEachAttackWithItsReason() throws Exception {
    MockOAuth2Server issuer = new MockOAuth2Server();
    issuer.start(InetAddress.getLoopbackAddress(), 0);
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      List<Decision> decisions = LocalDemo.run(issuer, new PrintStream(out, true, StandardCharsets.UTF_8));

      assertEquals(
          Arrays.asList(null, ReasonCode.EXPIRED, ReasonCode.INVALID_AUDIENCE, ReasonCode.BAD_SIGNATURE,
              ReasonCode.UNKNOWN_KID),
          decisions.stream().map(Decision::reason).toList());
      assertTrue(decisions.get(0).authorized());
      String printed = out.toString(StandardCharsets.UTF_8);
      assertTrue(printed.contains("\"isAuthorized\":true"));
      assertTrue(printed.contains("patient/Observation.rs?category=laboratory"));
    } finally {
      issuer.shutdown();
    }
  }
}
