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
import java.util.LinkedHashMap;
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
 * trusts it only for this account (or the one existing data store), the data store points at the alias with
 * well-formed Metadata and the chosen SMART version, each parameter reaches its variable (and empty ones none), the
 * alarms watch the metrics the code writes, and every {@code AUTHORIZER_*} variable the template sets is one the code
 * reads. The built code is checked by {@link SamTemplateBuildTest}, the versioning by {@link SamTemplateVersioningTest}.
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
    assertEquals(Map.of("Ref", "SmartVersion"), idp.get("AuthorizationStrategy"));
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
  void theSmartVersionIsTheDataStoresStrategyAndTheAuthorizersScopePolicy() {
    Map<String, Object> parameter = map(map(template.get("Parameters")).get("SmartVersion"));
    assertEquals("SMART_ON_FHIR", parameter.get("Default"));
    assertEquals(List.of("SMART_ON_FHIR", "SMART_ON_FHIR_V1"), parameter.get("AllowedValues"));
    for (Map.Entry<String, String> version : Map.of("SMART_ON_FHIR", "v2", "SMART_ON_FHIR_V1", "v1").entrySet()) {
      CloudFormationValues values = new CloudFormationValues(template, Map.of("SmartVersion", version.getKey()));
      assertEquals(version.getKey(), values.resolve(map(properties("FhirDatastore")
          .get("IdentityProviderConfiguration")).get("AuthorizationStrategy")));
      assertEquals(version.getValue(), environment(values).get("AUTHORIZER_SMART_VERSION"));
    }
  }

  @Test
  void eachParameterOfARealDeploymentSetsItsVariable() {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("CognitoUserPoolId", "us-east-1_AbCdEf123");
    parameters.put("CognitoScopePrefix", "https://fhir.example.com/");
    parameters.put("RoleMapping", "{\"rules\":[]}");
    parameters.put("RoleMappingFile", "/opt/role-mapping.json");
    parameters.put("RequestBudgetMs", "600");
    parameters.put("CallTimeoutMs", "400");
    parameters.put("LogLevel", "debug");
    parameters.put("MetricsNamespace", "Hospital/SmartAuthorizer");
    Map<String, String> variables = Map.of("CognitoUserPoolId", "AUTHORIZER_COGNITO_USER_POOL_ID",
        "CognitoScopePrefix", "AUTHORIZER_COGNITO_SCOPE_PREFIX", "RoleMapping", "AUTHORIZER_ROLE_MAPPING",
        "RoleMappingFile", "AUTHORIZER_ROLE_MAPPING_FILE", "RequestBudgetMs", "AUTHORIZER_REQUEST_BUDGET_MS",
        "CallTimeoutMs", "AUTHORIZER_TIMEOUT_MS", "LogLevel", "AUTHORIZER_LOG_LEVEL", "MetricsNamespace",
        "AUTHORIZER_METRICS_NAMESPACE");
    Map<String, Object> environment = environment(new CloudFormationValues(template, parameters));
    parameters.forEach((parameter, value) -> assertEquals(value, environment.get(variables.get(parameter)), parameter));
    assertEquals("700", environment(new CloudFormationValues(template, Map.of()))
        .get("AUTHORIZER_REQUEST_BUDGET_MS"), "the authorizer's own default, said out loud");
  }

  @Test
  void aRoleMappingLayerIsReadFromOptUnlessRoleMappingFileSaysOtherwise() {
    String layer = "arn:aws:lambda:us-east-1:111122223333:layer:role-mapping:4";
    CloudFormationValues values = new CloudFormationValues(template, Map.of("RoleMappingLayerArn", layer));
    assertEquals("/opt/role-mapping.json", environment(values).get("AUTHORIZER_ROLE_MAPPING_FILE"));
    assertEquals(List.of(layer), values.resolve(function().get("Layers")));
    assertEquals("/opt/mapping/hospital.json", environment(new CloudFormationValues(template, Map.of(
        "RoleMappingLayerArn", layer, "RoleMappingFile", "/opt/mapping/hospital.json")))
        .get("AUTHORIZER_ROLE_MAPPING_FILE"));
    String provider = "arn:aws:lambda:us-east-1:111122223333:layer:auth0:2";
    assertEquals(List.of(provider, layer), new CloudFormationValues(template, Map.of("RoleMappingLayerArn", layer,
        "ProviderLayerArn", provider)).resolve(function().get("Layers")));
    assertEquals(List.of(), new CloudFormationValues(template, Map.of()).resolve(function().get("Layers")));
  }

  @Test
  void emptyParametersSetNoVariable() {
    Map<String, Object> environment = environment(new CloudFormationValues(template, Map.of()));
    for (Map.Entry<String, Object> variable : environment.entrySet()) {
      assertFalse(String.valueOf(variable.getValue()).isBlank(), variable.getKey() + " is set but empty");
    }
    for (String unset : List.of("AUTHORIZER_PROVIDERS", "AUTHORIZER_AUDIENCE", "AUTHORIZER_CLIENT_IDS",
        "AUTHORIZER_COGNITO_USER_POOL_ID", "AUTHORIZER_COGNITO_CLIENT_IDS", "AUTHORIZER_COGNITO_SCOPE_PREFIX",
        "AUTHORIZER_KEYCLOAK_MODE", "AUTHORIZER_INTROSPECTION_URL", "AUTHORIZER_CLIENT_SECRET_ID",
        "AUTHORIZER_ROLE_MAPPING", "AUTHORIZER_ROLE_MAPPING_FILE")) {
      assertFalse(environment.containsKey(unset), unset);
    }
    assertEquals("jwks", environment.get("AUTHORIZER_PROVIDER"));
  }

  @Test
  void severalProvidersSetNoSingleProviderSetting() {
    // With AUTHORIZER_PROVIDERS an unscoped provider setting is a configuration error: none is set, whatever is given.
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("Providers", "staff:keycloak,patients:cognito");
    parameters.put("Provider", "keycloak");
    parameters.put("Audience", "api://fhir");
    parameters.put("ClientIds", "ehr");
    parameters.put("CognitoUserPoolId", "us-east-1_AbCdEf123");
    parameters.put("CognitoClientIds", "app");
    parameters.put("CognitoScopePrefix", "https://fhir.example.com/");
    parameters.put("IntrospectionUrl", "https://idp.example.com/introspect");
    parameters.put("ClientSecretArn", "arn:aws:secretsmanager:us-east-1:111122223333:secret:s-AbCdEf");
    CloudFormationValues values = new CloudFormationValues(template, parameters);
    Map<String, Object> environment = environment(values);
    assertEquals("staff:keycloak,patients:cognito", environment.get("AUTHORIZER_PROVIDERS"));
    TreeSet<String> providerSettings = new TreeSet<>();
    for (String name : environment.keySet()) {
      if (name.startsWith("AUTHORIZER_") && !HOST_VARIABLES.contains(name)) {
        providerSettings.add(name);
      }
    }
    assertEquals(new TreeSet<>(), providerSettings);
    assertTrue(String.valueOf(values.resolve(properties("AuthorizerExecutionRole").get("Policies")))
        .contains("secretsmanager:GetSecretValue"), "the role may still read the one secret, for an instance's use");
  }

  /** The handler's own variables (lambda's KnownSettings.HOST_KEYS); every other AUTHORIZER_ variable is a provider's. */
  static final List<String> HOST_VARIABLES = List.of("AUTHORIZER_PROVIDERS", "AUTHORIZER_IAM_ROLE_ARN",
      "AUTHORIZER_ROLE_MAPPING", "AUTHORIZER_ROLE_MAPPING_FILE", "AUTHORIZER_TIMEOUT_MS", "AUTHORIZER_INIT_TIMEOUT_MS",
      "AUTHORIZER_REQUEST_BUDGET_MS", "AUTHORIZER_LOG_LEVEL", "AUTHORIZER_METRICS", "AUTHORIZER_METRICS_NAMESPACE",
      "AUTHORIZER_SMART_VERSION");

  @Test
  void anExistingDataStoreIsServedInsteadOfANewOneAndIsTheOnlyOneHealthLakeMayUseTheAuthorizerFor() {
    String id = "0123456789abcdef0123456789abcdef";
    CloudFormationValues existing = new CloudFormationValues(template, Map.of("ExistingDatastoreId", id));
    CloudFormationValues created = new CloudFormationValues(template, Map.of());
    assertEquals("ShouldCreateDatastore", map(resources.get("FhirDatastore")).get("Condition"));
    assertFalse(existing.condition("ShouldCreateDatastore"));
    assertTrue(created.condition("ShouldCreateDatastore"));
    assertFalse(new CloudFormationValues(template, Map.of("CreateDatastore", "false"))
        .condition("ShouldCreateDatastore"));
    String store = "arn:aws:healthlake:us-east-1:111122223333:datastore/fhir/";
    Object permission = properties("HealthLakeInvokePermission").get("SourceArn");
    Object trust = map(map(list(map(properties("HealthLakeSmartRole").get("AssumeRolePolicyDocument"))
        .get("Statement")).get(0)).get("Condition")).get("ArnLike");
    assertEquals(store + id, existing.resolve(permission));
    assertEquals(Map.of("aws:SourceArn", store + id), existing.resolve(trust));
    assertEquals(store + "*", created.resolve(permission), "the new data store's id is not known before it exists");
    assertEquals(Map.of("aws:SourceArn", store + "*"), created.resolve(trust));
    Map<String, Object> outputs = map(template.get("Outputs"));
    assertEquals("https://healthlake.us-east-1.amazonaws.com/datastore/" + id + "/r4/",
        existing.resolve(map(outputs.get("DatastoreEndpoint")).get("Value")));
  }

  @Test
  void theAlarmsWatchEnvironmentFaultsLatencyErrorsAndThrottles() {
    Map<String, Object> function = Map.of("Name", "FunctionName", "Value", Map.of("Ref", "AuthorizerFunction"));
    Map<String, Object> alias = Map.of("Name", "Resource", "Value", Map.of("Fn::Sub", "${AuthorizerFunction}:live"));
    Map<String, Object> faults = alarm("EnvironmentFaultsAlarm");
    assertEquals(Map.of("Ref", "MetricsNamespace"), faults.get("Namespace"), "AUTHORIZER_METRICS_NAMESPACE's");
    assertEquals(Map.of("Ref", "MetricsNamespace"),
        map(map(function().get("Environment")).get("Variables")).get("AUTHORIZER_METRICS_NAMESPACE"));
    assertEquals("EnvironmentFaults", faults.get("MetricName"));
    assertEquals(List.of(function), faults.get("Dimensions"));
    assertEquals("Sum", faults.get("Statistic"));
    assertEquals(0, faults.get("Threshold"));
    assertEquals("GreaterThanThreshold", faults.get("ComparisonOperator"));

    Map<String, Object> latency = alarm("LatencyAlarm");
    assertEquals(Map.of("Ref", "MetricsNamespace"), latency.get("Namespace"));
    assertEquals("Latency", latency.get("MetricName"));
    assertEquals("Milliseconds", latency.get("Unit"));
    assertEquals(List.of(function), latency.get("Dimensions"));
    assertEquals("p99", latency.get("ExtendedStatistic"));
    assertEquals(300, latency.get("Period"));
    assertEquals(Map.of("Ref", "LatencyAlarmMs"), latency.get("Threshold"));
    assertEquals(800, map(map(template.get("Parameters")).get("LatencyAlarmMs")).get("Default"));

    for (String name : List.of("ErrorsAlarm", "ThrottlesAlarm")) {
      Map<String, Object> lambda = alarm(name);
      assertEquals("AWS/Lambda", lambda.get("Namespace"));
      assertEquals(name.replace("Alarm", ""), lambda.get("MetricName"));
      assertEquals(List.of(function, alias), lambda.get("Dimensions"), "the alias HealthLake invokes");
      assertEquals("Sum", lambda.get("Statistic"));
      assertEquals(0, lambda.get("Threshold"));
    }
    for (String name : List.of("EnvironmentFaultsAlarm", "LatencyAlarm", "ErrorsAlarm", "ThrottlesAlarm")) {
      assertEquals("notBreaching", alarm(name).get("TreatMissingData"), name + ": no requests, no alarm");
    }
  }

  @Test
  void theAlarmsNotifyTheTopicOnlyWhenOneIsGiven() {
    String topic = "arn:aws:sns:us-east-1:111122223333:alarms";
    CloudFormationValues with = new CloudFormationValues(template, Map.of("AlarmTopicArn", topic));
    CloudFormationValues without = new CloudFormationValues(template, Map.of());
    for (String name : List.of("EnvironmentFaultsAlarm", "LatencyAlarm", "ErrorsAlarm", "ThrottlesAlarm")) {
      Map<String, Object> alarm = map(with.resolve(alarm(name)));
      assertEquals(List.of(topic), alarm.get("AlarmActions"), name);
      assertEquals(List.of(topic), alarm.get("OKActions"), name);
      Map<String, Object> silent = map(without.resolve(alarm(name)));
      assertFalse(silent.containsKey("AlarmActions") || silent.containsKey("OKActions"), name);
    }
  }

  @Test
  void theAlarmedDecisionMetricsAreOnesTheCodeWrites() throws IOException {
    String sources = mainSources();
    for (String name : List.of("EnvironmentFaultsAlarm", "LatencyAlarm")) {
      String metric = (String) alarm(name).get("MetricName");
      assertTrue(sources.contains("\"" + metric + "\""), metric + " is a metric name in the code");
    }
    assertTrue(sources.contains("\"SmartAuthorizer\""), "the default namespace");
    assertEquals("SmartAuthorizer", map(map(template.get("Parameters")).get("MetricsNamespace")).get("Default"));
  }

  static Map<String, Object> alarm(String logicalId) {
    assertEquals("AWS::CloudWatch::Alarm", map(resources.get(logicalId)).get("Type"), logicalId);
    return properties(logicalId);
  }

  /** The function's variables as CloudFormation sets them with these parameter values. */
  static Map<String, Object> environment(CloudFormationValues values) {
    return map(values.resolve(map(function().get("Environment")).get("Variables")));
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
