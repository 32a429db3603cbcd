package io.github.smartauthorizer.examples.sam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The SAM template's wiring that matters: SnapStart applies to the published alias HealthLake invokes, the
 * configuration digest mirrors every setting of a version, HealthLake may invoke exactly that alias, the role it assumes
 * trusts it only for this account, the data store points at the alias with well-formed Metadata, and every
 * {@code AUTHORIZER_*} variable the template sets is one the code reads. The built code is checked by
 * {@link SamTemplateBuildTest}, the versioning by {@link SamTemplateVersioningTest}.
 */
class SamTemplateTest {
  static final String HANDLER_CLASS = "io.github.smartauthorizer.lambda.HealthLakeAuthorizerHandler";

  static Path samDir;
  static Map<String, Object> template;
  static Map<String, Object> resources;

  @BeforeAll
  static void parse() throws IOException {
    samDir = Path.of(System.getProperty("smartauthorizer.samDir", "."));
    template = CloudFormationYaml.load(Files.readString(samDir.resolve("template.yaml"), StandardCharsets.UTF_8));
    resources = map(template.get("Resources"));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) assertInstanceOf(Map.class, value);
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    return (List<Object>) assertInstanceOf(List.class, value);
  }

  static Map<String, Object> properties(String logicalId) {
    return map(map(resources.get(logicalId)).get("Properties"));
  }

  static Map<String, Object> function() {
    Map<String, Object> resource = map(resources.get("AuthorizerFunction"));
    assertEquals("AWS::Serverless::Function", resource.get("Type"));
    return map(resource.get("Properties"));
  }

  @Test
  void isASamTemplate() {
    assertEquals("AWS::Serverless-2016-10-31", template.get("Transform"));
  }

  @Test
  void theFunctionRunsOnASupportedJavaRuntimeWithSnapStartOnThePublishedAlias() {
    Map<String, Object> function = function();
    Map<String, Object> runtime = map(map(template.get("Parameters")).get("Runtime"));
    assertEquals("java21", runtime.get("Default"));
    assertEquals(List.of("java21", "java25"), runtime.get("AllowedValues"), "java17 can no longer be created");
    assertEquals(Map.of("Ref", "Runtime"), function.get("Runtime"));
    assertEquals("live", function.get("AutoPublishAlias"));
    assertEquals(Map.of("Fn::Sub", "configuration ${ConfigurationDigest.Digest}"), function.get("VersionDescription"),
        "every configuration change publishes a version (SamTemplateVersioningTest)");
    assertEquals(Map.of("ApplyOn", "PublishedVersions"), function.get("SnapStart"));
    assertEquals(Map.of("Ref", "MemorySize"), function.get("MemorySize"));
    assertEquals(Map.of("Ref", "TimeoutSeconds"), function.get("Timeout"));
    assertTrue(function.containsKey("Role"), "an explicit execution role");
  }

  @Test
  void theDigestMirrorsEverySettingThatConfiguresAVersion() {
    Map<String, Object> function = function();
    Map<String, Object> digest = map(resources.get("ConfigurationDigest"));
    assertEquals("Custom::ConfigurationDigest", digest.get("Type"));
    Map<String, Object> values = map(map(digest.get("Properties")).get("Values"));
    assertEquals(List.of("Handler", "Runtime", "Architectures", "MemorySize", "Timeout", "Layers", "Environment"),
        List.copyOf(values.keySet()));
    for (Map.Entry<String, Object> value : values.entrySet()) {
      assertEquals(function.get(value.getKey()), value.getValue(), value.getKey() + " is mirrored exactly");
    }
    // Whatever else configures the function refers to no parameter (SAM's own hash covers CodeUri and SnapStart).
    TreeSet<String> elsewhere = new TreeSet<>();
    function.forEach((property, value) -> {
      if (!values.containsKey(property)) {
        elsewhere.addAll(parametersIn(value));
      }
    });
    assertEquals(new TreeSet<>(), elsewhere, "parameters that reach the function outside the digest");
    assertFalse(parametersIn(values).isEmpty());
    assertEquals(Map.of("Fn::GetAtt", List.of("ConfigurationDigestFunction", "Arn")),
        map(digest.get("Properties")).get("ServiceToken"));
  }

  /** The parameters a value refers to: by Ref, in Fn::Sub, and through the Conditions of its Fn::If. */
  static TreeSet<String> parametersIn(Object value) {
    TreeSet<String> found = new TreeSet<>();
    collect(value, map(template.get("Parameters")), map(template.get("Conditions")), found);
    return found;
  }

  private static void collect(Object value, Map<String, Object> parameters, Map<String, Object> conditions,
      TreeSet<String> found) {
    if (value instanceof List<?> items) {
      items.forEach(item -> collect(item, parameters, conditions, found));
      return;
    }
    if (!(value instanceof Map<?, ?> map)) {
      return;
    }
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      Object argument = entry.getValue();
      switch (String.valueOf(entry.getKey())) {
        case "Ref" -> {
          if (parameters.containsKey(String.valueOf(argument))) {
            found.add(String.valueOf(argument));
          }
        }
        case "Condition" -> collect(conditions.get(String.valueOf(argument)), parameters, conditions, found);
        case "Fn::If" -> {
          collect(conditions.get(String.valueOf(list(argument).get(0))), parameters, conditions, found);
          collect(list(argument).subList(1, 3), parameters, conditions, found);
        }
        case "Fn::Sub" -> {
          Matcher matcher = Pattern.compile("\\$\\{([A-Za-z0-9]+)}")
              .matcher(String.valueOf(argument instanceof List<?> sub ? sub.get(0) : argument));
          while (matcher.find()) {
            if (parameters.containsKey(matcher.group(1))) {
              found.add(matcher.group(1));
            }
          }
          if (argument instanceof List<?> sub) {
            collect(sub.get(1), parameters, conditions, found);
          }
        }
        default -> collect(argument, parameters, conditions, found);
      }
    }
  }

  @Test
  void healthLakeMayInvokeTheAliasOnBehalfOfThisAccountOnly() {
    Map<String, Object> permission = map(resources.get("HealthLakeInvokePermission"));
    assertEquals("AWS::Lambda::Permission", permission.get("Type"));
    Map<String, Object> properties = map(permission.get("Properties"));
    assertEquals("healthlake.amazonaws.com", properties.get("Principal"));
    assertEquals("lambda:InvokeFunction", properties.get("Action"));
    assertEquals(Map.of("Ref", "AuthorizerFunction.Alias"), properties.get("FunctionName"),
        "the permission is on the alias, the qualified ARN HealthLake invokes");
    assertEquals(Map.of("Ref", "AWS::AccountId"), properties.get("SourceAccount"));
    assertTrue(String.valueOf(properties.get("SourceArn")).contains(":healthlake:"), properties.toString());
  }

  @Test
  void theDataStoreUsesSmartOnFhirWithTheAliasAsIdpLambda() {
    Map<String, Object> store = map(resources.get("FhirDatastore"));
    assertEquals("AWS::HealthLake::FHIRDatastore", store.get("Type"));
    assertEquals("HealthLakeInvokePermission", store.get("DependsOn"),
        "HealthLake may test-invoke the Lambda while creating the data store");
    assertEquals("Retain", store.get("DeletionPolicy"));
    Map<String, Object> idp = map(map(store.get("Properties")).get("IdentityProviderConfiguration"));
    assertEquals("SMART_ON_FHIR", idp.get("AuthorizationStrategy"));
    assertEquals(Map.of("Ref", "AuthorizerFunction.Alias"), idp.get("IdpLambdaArn"));
    assertEquals(map(properties("HealthLakeInvokePermission")).get("FunctionName"), idp.get("IdpLambdaArn"),
        "the permission and the data store name the same alias");
    assertTrue(idp.containsKey("Metadata"));
  }

  @Test
  void theMetadataRendersToTheJsonHealthLakeExpects() {
    List<Object> sub = list(map(map(properties("FhirDatastore").get("IdentityProviderConfiguration"))
        .get("Metadata")).get("Fn::Sub"));
    String text = (String) sub.get(0);
    Map<String, Object> joins = map(sub.get(1));
    Map<String, Object> parameters = map(template.get("Parameters"));
    Map<String, String> values = Map.of(
        "Issuer", "https://example.us.auth0.com/",
        "JwksUri", "https://example.us.auth0.com/.well-known/jwks.json",
        "AuthorizationEndpoint", "https://example.us.auth0.com/authorize",
        "TokenEndpoint", "https://example.us.auth0.com/oauth/token");
    Matcher matcher = Pattern.compile("\\$\\{([A-Za-z]+)}").matcher(text);
    StringBuilder rendered = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String value;
      if (joins.containsKey(name)) {
        List<Object> join = list(map(joins.get(name)).get("Fn::Join"));
        String listParameter = (String) map(join.get(1)).get("Ref");
        String defaults = (String) map(parameters.get(listParameter)).get("Default");
        assertEquals("CommaDelimitedList", map(parameters.get(listParameter)).get("Type"));
        value = String.join((String) join.get(0), defaults.split(","));
      } else {
        assertTrue(parameters.containsKey(name), "${" + name + "} is a parameter");
        value = values.get(name);
      }
      matcher.appendReplacement(rendered, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(rendered);

    Map<String, Object> metadata = map(new Yaml(new SafeConstructor(new LoaderOptions())).load(rendered.toString()));
    assertEquals("https://example.us.auth0.com/", metadata.get("issuer"));
    assertNotNull(metadata.get("authorization_endpoint"));
    assertNotNull(metadata.get("token_endpoint"));
    assertEquals(List.of("S256"), metadata.get("code_challenge_methods_supported"));
    assertEquals(List.of("authorization_code"), metadata.get("grant_types_supported"));
    assertTrue(list(metadata.get("capabilities")).contains("launch-standalone"), metadata.toString());
    for (Object capability : list(metadata.get("capabilities"))) {
      assertTrue(String.valueOf(capability).matches("[a-z0-9.-]+"), "capability " + capability);
    }
    assertFalse(rendered.toString().contains("client_credential\""), "the plural client_credentials");
  }

  @Test
  void theRoleInIamRoleArnTrustsHealthLakeForThisAccountOnly() {
    assertEquals(Map.of("Fn::GetAtt", List.of("HealthLakeSmartRole", "Arn")),
        map(map(function().get("Environment")).get("Variables")).get("AUTHORIZER_IAM_ROLE_ARN"));
    Map<String, Object> statement = map(list(map(properties("HealthLakeSmartRole").get("AssumeRolePolicyDocument"))
        .get("Statement")).get(0));
    assertEquals(Map.of("Service", "healthlake.amazonaws.com"), statement.get("Principal"));
    assertEquals("sts:AssumeRole", statement.get("Action"));
    Map<String, Object> condition = map(statement.get("Condition"));
    assertEquals(Map.of("aws:SourceAccount", Map.of("Ref", "AWS::AccountId")), condition.get("StringEquals"));
    assertTrue(map(condition.get("ArnLike")).containsKey("aws:SourceArn"));
  }

  @Test
  void theExecutionRoleGrantsLogsAndReadingTheOneSecretOnly() {
    Map<String, Object> role = properties("AuthorizerExecutionRole");
    assertEquals(Map.of("Fn::GetAtt", List.of("AuthorizerExecutionRole", "Arn")), function().get("Role"));
    List<String> actions = new ArrayList<>();
    List<Object> resourcesGranted = new ArrayList<>();
    for (Object policy : list(role.get("Policies"))) {
      Map<String, Object> document = map(policy);
      if (document.containsKey("Fn::If")) {
        document = map(list(document.get("Fn::If")).get(1));
      }
      for (Object statement : list(map(document.get("PolicyDocument")).get("Statement"))) {
        Object action = map(statement).get("Action");
        if (action instanceof List<?> many) {
          many.forEach(a -> actions.add((String) a));
        } else {
          actions.add((String) action);
        }
        resourcesGranted.add(map(statement).get("Resource"));
      }
    }
    assertEquals(List.of("logs:CreateLogStream", "logs:PutLogEvents", "secretsmanager:GetSecretValue"), actions);
    assertTrue(resourcesGranted.contains(Map.of("Ref", "ClientSecretArn")), "the one secret, no wildcard");
    assertFalse(resourcesGranted.contains("*"));
  }

  @Test
  void everyAuthorizerVariableTheTemplateSetsIsReadByTheCode() throws IOException {
    Map<String, Object> variables = map(map(function().get("Environment")).get("Variables"));
    assertTrue(variables.containsKey("AUTHORIZER_PROVIDER"));
    assertTrue(variables.containsKey("AUTHORIZER_IAM_ROLE_ARN"));
    String sources = mainSources();
    TreeSet<String> unknown = new TreeSet<>();
    for (String name : variables.keySet()) {
      if (!name.startsWith("AUTHORIZER_")) {
        continue;
      }
      String key = name.substring("AUTHORIZER_".length());
      if (!sources.contains("\"" + key + "\"") && !sources.contains("\"" + name + "\"")) {
        unknown.add(name);
      }
    }
    assertEquals(new TreeSet<>(), unknown, "variables no source file reads (typos?)");
  }

  @Test
  void theSampleEventsAreHealthLakeEvents() throws IOException {
    Yaml json = new Yaml(new SafeConstructor(new LoaderOptions()));
    List<Path> events;
    try (Stream<Path> files = Files.list(samDir.resolve("events"))) {
      events = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertTrue(events.size() >= 2, events.toString());
    for (Path event : events) {
      Map<String, Object> parsed = map(json.load(Files.readString(event)));
      assertTrue(String.valueOf(parsed.get("datastoreEndpoint")).matches("https://healthlake\\.[a-z0-9-]+\\."
          + "amazonaws\\.com/datastore/[0-9a-f]{32}/r4/"), event + ": " + parsed);
      assertInstanceOf(String.class, parsed.get("operationName"), event.toString());
    }
  }

  /** The Java sources of the authorizer (api, lambda, providers), concatenated. */
  private static String mainSources() throws IOException {
    Path root = Path.of(System.getProperty("smartauthorizer.repositoryRoot", "../..")).normalize();
    StringBuilder all = new StringBuilder();
    for (Path base : List.of(root.resolve("api"), root.resolve("lambda"), root.resolve("providers"))) {
      try (Stream<Path> files = Files.walk(base)) {
        for (Path file : files.filter(p -> p.toString().endsWith(".java")
            && p.toString().contains("src" + java.io.File.separator + "main")).toList()) {
          all.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
        }
      }
    }
    assertTrue(all.length() > 0, "sources under " + root);
    return all.toString();
  }

  /**
   * Reads CloudFormation YAML: its short-form tags ({@code !Ref X}, {@code !GetAtt A.B}, {@code !Sub}, {@code !If}...)
   * become their long forms ({@code {Ref: X}}, {@code {Fn::GetAtt: [A, B]}}, ...), as CloudFormation reads them.
   */
  static final class CloudFormationYaml extends SafeConstructor {
    CloudFormationYaml() {
      super(new LoaderOptions());
      this.yamlMultiConstructors.put("!", new AbstractConstruct() {
        @Override
        public Object construct(Node node) {
          String tag = node.getTag().getValue().substring(1);
          String name = tag.equals("Ref") || tag.equals("Condition") ? tag : "Fn::" + tag;
          Object value;
          if (node instanceof ScalarNode scalar) {
            String text = constructScalar(scalar);
            value = tag.equals("GetAtt") ? List.of(text.split("\\.", 2)) : text;
          } else if (node instanceof SequenceNode sequence) {
            value = constructSequence(sequence);
          } else {
            value = constructMapping((MappingNode) node);
          }
          return Map.of(name, value);
        }
      });
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(String yaml) {
      return (Map<String, Object>) new Yaml(new CloudFormationYaml()).load(yaml);
    }
  }
}
