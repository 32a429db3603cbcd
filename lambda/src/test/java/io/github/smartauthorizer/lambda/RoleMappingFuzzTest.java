package io.github.smartauthorizer.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.smartauthorizer.api.json.StrictJson;
import io.github.smartauthorizer.api.spi.Configuration;
import io.github.smartauthorizer.api.spi.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzz target for the role-mapping document parser ({@link RoleMapping#fromConfiguration}), with Jazzer. The fuzzer
 * chooses the document's bytes, whether they come inline ({@code AUTHORIZER_ROLE_MAPPING}, as text) or from a class
 * path resource ({@code AUTHORIZER_ROLE_MAPPING_FILE}, as raw bytes), whether there is a default role, and whether one
 * or two provider instances are configured. Invariants: {@code fromConfiguration} returns a mapping or throws
 * {@link ConfigurationException}, never anything else; the exception's message starts with the variable it names, and
 * that variable is the mapping's (or, when no mapping was given at all, the default role's); a returned mapping's
 * {@code roleFor} never throws, for grants made of the document's own strings, and answers only a rule's role or the
 * default; with two instances, a token of an instance no rule names gets the same role whatever its client and groups
 * (every identity condition is bound to its providers).
 */
class RoleMappingFuzzTest {
  static final AtomicLong EXECUTIONS = new AtomicLong();
  private static final String DEFAULT_ROLE = "arn:aws:iam::111122223333:role/HealthLakeDefault";
  private static final String RESOURCE = "fuzz/role-mapping.json";
  private static final int MAX_STRINGS = 32;

  /** Serves the current document as the one class path resource {@link #RESOURCE}; the fuzzer runs one thread. */
  private static final class OneResource extends ClassLoader {
    private byte[] document = new byte[0];

    OneResource() {
      super(null);
    }

    @Override
    public InputStream getResourceAsStream(String name) {
      return RESOURCE.equals(name) ? new ByteArrayInputStream(document) : null;
    }
  }

  private static final OneResource LOADER = new OneResource();

  @AfterAll
  static void stop() {
    System.out.println("FUZZ RoleMappingFuzzTest executions: " + EXECUTIONS.get());
  }

  @FuzzTest(maxDuration = "15s")
  void fuzz(FuzzedDataProvider data) {
    EXECUTIONS.incrementAndGet();
    boolean several = data.consumeBoolean();
    boolean fromFile = data.consumeBoolean();
    String defaultRole = data.consumeBoolean() ? DEFAULT_ROLE : null;
    byte[] document = data.consumeRemainingAsBytes();
    Set<String> instances = several ? Set.of("staff", "partner") : Set.of("staff");
    String variable;
    Map<String, String> environment;
    if (fromFile) {
      variable = "AUTHORIZER_ROLE_MAPPING_FILE";
      LOADER.document = document;
      environment = Map.of(variable, "classpath:" + RESOURCE);
    } else {
      variable = "AUTHORIZER_ROLE_MAPPING";
      environment = Map.of(variable, new String(document, StandardCharsets.UTF_8));
    }

    RoleMapping mapping;
    try {
      mapping = RoleMapping.fromConfiguration(Configuration.of(environment), defaultRole, instances, LOADER);
    } catch (ConfigurationException e) {
      String named = e.variable();
      assertTrue(e.getMessage().startsWith(named + " "), "the message names the variable: " + e.getMessage());
      if (!named.equals(variable)) {
        assertEquals(RoleMapping.ROLE_VARIABLE, named, e.getMessage());
        assertNull(defaultRole, "a missing default role is an error only without a mapping");
        assertTrue(Configuration.of(environment).optional(variable.substring("AUTHORIZER_".length())).isEmpty(),
            "the role variable is named only when no mapping was given");
      }
      return;
    }

    // The bytes the parser read: an inline document is text, trimmed, in UTF-8.
    byte[] parsed = fromFile ? document : Configuration.of(environment).optional("ROLE_MAPPING")
        .map(text -> text.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
    List<String> all = strings(parsed);
    Set<String> roles = new LinkedHashSet<>(all);
    List<String> strings = all.subList(0, Math.min(all.size(), MAX_STRINGS));
    if (defaultRole != null) {
      roles.add(defaultRole);
    }
    assertNotNull(mapping.denyRole());
    assertEquals(defaultRole, mapping.defaultRole());
    List<String> scopes = new ArrayList<>(strings);
    scopes.addAll(List.of("patient/*.rs", "user/Observation.cruds", "system/Claim.read", "launch/patient"));
    List<SmartScope> resourceScopes = scopes.stream().map(SmartScope::parse).flatMap(Optional::stream).toList();
    Set<String> groups = new LinkedHashSet<>(strings);
    List<String> clients = new ArrayList<>(strings);
    clients.add(null);
    for (String instance : List.of("staff", "partner")) {
      for (String client : clients) {
        Optional<String> role = mapping.roleFor(new RoleMapping.Grant(scopes, resourceScopes, groups, client,
            instance));
        role.ifPresent(r -> assertTrue(roles.contains(r), "a role that is neither a rule's nor the default: " + r));
        mapping.roleFor(new RoleMapping.Grant(List.of(), List.of(), Set.of(), client, instance));
      }
    }
    if (several) {
      // No rule names an instance that is not configured, so no identity condition can hold for its tokens.
      Optional<String> anonymous = mapping.roleFor(new RoleMapping.Grant(scopes, resourceScopes, Set.of(), null,
          "unnamed"));
      for (String client : clients) {
        assertEquals(anonymous, mapping.roleFor(new RoleMapping.Grant(scopes, resourceScopes, groups, client,
            "unnamed")), "client or groups changed the role of an instance no rule names");
      }
    }
  }

  /** The strings of the document (members' names and values), when it is JSON at all. */
  private static List<String> strings(byte[] document) {
    List<String> out = new ArrayList<>();
    try {
      collect(StrictJson.parseObject(document), out);
    } catch (StrictJson.MalformedJsonException e) {
      // a document that is not JSON (only a blank one, with a default role, gives a mapping): no strings
    }
    return out;
  }

  private static void collect(Object value, List<String> out) {
    if (value instanceof String s) {
      out.add(s);
    } else if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        collect(entry.getKey(), out);
        collect(entry.getValue(), out);
      }
    } else if (value instanceof List<?> list) {
      for (Object item : list) {
        collect(item, out);
      }
    }
  }
}
