package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.smartauthorizer.api.TokenValidator;
import io.github.smartauthorizer.api.ValidationResult;
import io.github.smartauthorizer.api.spi.AuthorizerProvider;
import io.github.smartauthorizer.api.spi.ProviderContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The init warm-up asks exactly the configured providers, built-in or not, to warm up, and survives their faults. */
class InitWarmupTest {

  /** A provider that counts its warm-ups and can fail in them. */
  private static final class WarmingProvider implements AuthorizerProvider {
    final String name;
    final AtomicInteger warmUps = new AtomicInteger();
    final RuntimeException fault;

    WarmingProvider(String name, RuntimeException fault) {
      this.name = name;
      this.fault = fault;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public TokenValidator createValidator(ProviderContext context) {
      return (token, request) -> ValidationResult.rejected(io.github.smartauthorizer.api.ReasonCode.INTERNAL_ERROR,
          "unused");
    }

    @Override
    public void warmUp() {
      warmUps.incrementAndGet();
      if (fault != null) {
        throw fault;
      }
    }
  }

  private final WarmingProvider staff = new WarmingProvider("staffidp", null);
  private final WarmingProvider patients = new WarmingProvider("patientidp", new IllegalStateException("boom"));
  private final WarmingProvider unused = new WarmingProvider("unused", null);
  private final ProviderRegistry registry = ProviderRegistry.of(List.of(staff, patients, unused));

  @Test
  void theProviderOfAuthorizerProviderIsWarmedUpAndNoOther() throws Exception {
    Set<AuthorizerProvider> configured =
        InitWarmup.configuredProviders(registry, Map.of("AUTHORIZER_PROVIDER", " StaffIdp "));

    InitWarmup.startFor(configured).join(10_000);

    assertEquals(Set.of(staff), configured);
    assertEquals(1, staff.warmUps.get());
    assertEquals(0, unused.warmUps.get());
  }

  @Test
  void everyProviderOfAuthorizerProvidersIsWarmedUpOnceEvenAfterAnotherFails() throws Exception {
    Set<AuthorizerProvider> configured = InitWarmup.configuredProviders(registry,
        Map.of("AUTHORIZER_PROVIDERS", "a:patientidp, b:staffidp, c:staffidp, d:notinstalled"));

    InitWarmup.startFor(configured).join(10_000);

    assertEquals(1, patients.warmUps.get(), "the failing provider was asked once");
    assertEquals(1, staff.warmUps.get(), "and the next was still asked, once for two instances");
    assertEquals(0, unused.warmUps.get());
  }

  @Test
  void aSingleProcessorGetsNoWarmUpThreadUnlessTheSwitchSaysOn() throws Exception {
    Set<AuthorizerProvider> configured = Set.of(staff);

    assertTrue(InitWarmup.startIfWorthIt(configured, null, 1).isEmpty(), "one CPU: the thread would only compete");
    assertTrue(InitWarmup.startIfWorthIt(configured, "off", 8).isEmpty(), "off: never");
    assertEquals(0, staff.warmUps.get(), "no warm-up ran");

    InitWarmup.startIfWorthIt(configured, null, 2).orElseThrow().join(10_000);
    assertEquals(1, staff.warmUps.get(), "two CPUs: warmed up on its own thread");
    InitWarmup.startIfWorthIt(configured, "on", 1).orElseThrow().join(10_000);
    assertEquals(2, staff.warmUps.get(), "on: warmed up whatever the CPU");
  }

  @Test
  void nothingConfiguredWarmsUpNoProvider() {
    assertEquals(Set.of(), InitWarmup.configuredProviders(registry, Map.of()));
  }
}
