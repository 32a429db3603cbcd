package io.github.smartauthorizer.examples.sam;

import static io.github.smartauthorizer.examples.sam.SamTemplateTest.list;
import static io.github.smartauthorizer.examples.sam.SamTemplateTest.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Every change that reaches the function publishes a new version and moves the alias {@code live} to it, and nothing
 * else does.
 *
 * <p>SAM's AutoPublishAlias names the version resource after a hash of the code location, the Environment and
 * MemorySize as written in the template, so a changed parameter (an issuer, a memory size, a layer) keeps the
 * version resource as it was: no version is published and HealthLake keeps calling the old configuration. The template
 * therefore gives the version a Description derived from {@code ConfigurationDigest}, a digest of every value that
 * configures the function; a version's Description can only change by replacement, so CloudFormation publishes a new
 * version and moves the alias. These tests transform the template with the SAM translator itself (skipped when
 * {@code python3 -c 'import samtranslator'} fails: {@code pip install aws-sam-translator}), evaluate the parameters as
 * CloudFormation would, and run the digest function's own inline code to get the digest.
 */
class SamTemplateVersioningTest {
  /** The translator, offline: no managed policy is looked up (the template names none), a fixed region. */
  private static final String TRANSFORM = """
      import copy, json, sys
      from samtranslator.translator.transform import transform

      class NoManagedPolicies:
          def load(self):
              return {}

      request = json.load(sys.stdin)
      print(json.dumps([transform(copy.deepcopy(request['template']), parameters, NoManagedPolicies())
                        for parameters in request['parameterSets']]))
      """;
  /** The digest function's inline code, invoked as Lambda would with a CloudFormation event. */
  private static final String INVOKE = """
      import json, sys, types
      request = json.load(sys.stdin)
      module = types.ModuleType('index')
      exec(compile(request['code'], 'index.py', 'exec'), module.__dict__)

      class Context:
          log_stream_name = '2026/01/01/[$LATEST]test'

      for event in request['events']:
          module.handler(event, Context())
      """;
  private static final Map<String, String> IDP = Map.of(
      "Issuer", "https://idp-a.example.com/",
      "JwksUri", "https://idp-a.example.com/.well-known/jwks.json",
      "AuthorizationEndpoint", "https://idp-a.example.com/authorize",
      "TokenEndpoint", "https://idp-a.example.com/token");
  /** Changes that reach the function, each against {@link #IDP} alone. */
  private static final Map<String, Map<String, String>> FUNCTION_CHANGES = Map.of(
      "another issuer", Map.of("Issuer", "https://idp-b.example.com/"),
      "more memory", Map.of("MemorySize", "2048"),
      "a provider layer", Map.of("ProviderLayerArn", "arn:aws:lambda:us-east-1:111122223333:layer:auth0:3"),
      "a role mapping layer", Map.of("RoleMappingLayerArn",
          "arn:aws:lambda:us-east-1:111122223333:layer:role-mapping:7"),
      "another audience", Map.of("Audience", "api://fhir"),
      "another runtime", Map.of("Runtime", "java25"),
      "SMART v1", Map.of("SmartVersion", "SMART_ON_FHIR_V1"),
      "a shorter request budget", Map.of("RequestBudgetMs", "600"),
      "another architecture", Map.of("Architecture", "arm64"),
      "a longer Lambda timeout", Map.of("TimeoutSeconds", "5"));
  /** Changes that do not reach the function. */
  private static final Map<String, Map<String, String>> OTHER_CHANGES = Map.of(
      "an alarm topic", Map.of("AlarmTopicArn", "arn:aws:sns:us-east-1:111122223333:alarms"),
      "another latency threshold", Map.of("LatencyAlarmMs", "900"),
      "another data store name", Map.of("DatastoreName", "other"),
      "the full access policy", Map.of("HealthLakeAccessPolicy", "AmazonHealthLakeFullAccess"));
  /** The function properties that configure a version; ConfigurationDigest's Values holds each. */
  private static final List<String> CONFIGURATION = List.of("Handler", "Runtime", "Architectures", "MemorySize",
      "Timeout", "Layers", "Environment");

  static Map<String, Object> template;
  static final Map<Map<String, String>, Map<String, Object>> TRANSFORMED = new HashMap<>();
  static final Map<Object, String> DIGESTS = new HashMap<>();

  static boolean translatorInstalled;

  @BeforeAll
  static void translator() throws IOException {
    translatorInstalled = ExternalTool.works("python3", "-c", "import samtranslator");
    SamTemplateTest.parse();
    template = SamTemplateTest.template;
  }

  @BeforeEach
  void skipWithoutTheTranslator() {
    assumeTrue(translatorInstalled,
        "the SAM translator is not installed (pip install aws-sam-translator): versioning not checked");
  }

  @Test
  void everyChangeThatReachesTheFunctionGivesItsVersionANewDescription() throws Exception {
    prepare(changed(FUNCTION_CHANGES));
    Deployment before = deploy(IDP);
    for (Map.Entry<String, Map<String, String>> change : FUNCTION_CHANGES.entrySet()) {
      Deployment after = deploy(with(change.getValue()));
      String what = change.getKey() + " " + change.getValue();
      assertNotEquals(before.function(), after.function(), what + " changes the function");
      assertNotEquals(before.digestValues(), after.digestValues(), what + " changes the digest's Values");
      assertNotEquals(before.digest(), after.digest(), what + " changes the digest");
      assertNotEquals(before.versionDescription(), after.versionDescription(),
          what + ": the version's Description changes, so CloudFormation replaces it: a new version is published"
              + " and the alias moves to it (the version's logical id was " + before.versionId() + ", now "
              + after.versionId() + ")");
    }
  }

  @Test
  void changesThatDoNotReachTheFunctionPublishNoVersion() throws Exception {
    prepare(changed(OTHER_CHANGES));
    Deployment before = deploy(IDP);
    for (Map.Entry<String, Map<String, String>> change : OTHER_CHANGES.entrySet()) {
      Deployment after = deploy(with(change.getValue()));
      String what = change.getKey() + " " + change.getValue();
      assertEquals(before.function(), after.function(), what);
      assertEquals(before.digest(), after.digest(), what);
      assertEquals(before.versionId(), after.versionId(), what);
      assertEquals(before.versionDescription(), after.versionDescription(), what);
    }
  }

  @Test
  void identicalParametersGiveAnIdenticalTemplateAndVersion() throws Exception {
    Map<String, String> parameters = with(Map.of("MemorySize", "2048", "Audience", "api://fhir"));
    Object first = transform(List.of(parameters)).get(0);
    Object second = transform(List.of(new LinkedHashMap<>(parameters))).get(0);
    assertEquals(first, second, "the SAM transform is deterministic");
    Deployment once = deploy(parameters);
    TRANSFORMED.clear();
    DIGESTS.clear();
    Deployment again = deploy(new LinkedHashMap<>(parameters));
    assertEquals(once, again, "no needless version: the same parameters keep the same version resource");
  }

  @Test
  void theVersionDescriptionIsTheConfigurationDigest() throws Exception {
    Deployment deployment = deploy(IDP);
    Map<String, Object> version = map(map(deployment.transformed().get("Resources")).get(deployment.versionId()));
    assertEquals("Retain", version.get("DeletionPolicy"), "SAM keeps superseded versions");
    assertEquals(Map.of("Fn::Sub", "configuration ${ConfigurationDigest.Digest}"),
        map(version.get("Properties")).get("Description"));
    assertTrue(deployment.digest().matches("[0-9a-f]{16}"), deployment.digest());
    assertEquals("configuration " + deployment.digest(), deployment.versionDescription());
    Map<String, Object> alias = map(map(deployment.transformed().get("Resources")).get("AuthorizerFunctionAliaslive"));
    assertEquals(Map.of("Fn::GetAtt", List.of(deployment.versionId(), "Version")),
        map(alias.get("Properties")).get("FunctionVersion"), "the alias follows the version");
  }

  @Test
  void theDigestCoversExactlyWhatTheDeployedFunctionGets() throws Exception {
    List<Map<String, String>> deployments = List.of(IDP,
        with(Map.of("Providers", "staff:keycloak,patients:cognito", "ClientSecretArn",
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:introspection-AbCdEf", "RoleMappingLayerArn",
            "arn:aws:lambda:us-east-1:111122223333:layer:mapping:1", "ProviderLayerArn",
            "arn:aws:lambda:us-east-1:111122223333:layer:auth0:2")),
        with(Map.of("Provider", "cognito", "CognitoUserPoolId", "us-east-1_AbCdEf123", "CognitoClientIds", "app1",
            "CognitoScopePrefix", "https://fhir.example.com/", "SmartVersion", "SMART_ON_FHIR_V1")),
        with(Map.of("Provider", "keycloak", "KeycloakMode", "introspection", "ClientIds", "ehr",
            "ClientSecretArn", "arn:aws:secretsmanager:us-east-1:111122223333:secret:kc-AbCdEf",
            "RoleMapping", "{\"rules\":[{\"role\":\"arn:aws:iam::111122223333:role/Read\"}]}")));
    prepare(deployments);
    for (Map<String, String> parameters : deployments) {
      Deployment deployment = deploy(parameters);
      CloudFormationValues values = new CloudFormationValues(deployment.transformed(), parameters);
      Map<String, Object> deployed = new LinkedHashMap<>();
      Map<String, Object> function = map(map(map(deployment.transformed().get("Resources"))
          .get("AuthorizerFunction")).get("Properties"));
      for (String property : CONFIGURATION) {
        if (function.containsKey(property)) {
          Object value = values.asCustomResourceProperties(function.get(property));
          if (value != null) {
            deployed.put(property, value);
          }
        }
      }
      assertEquals(deployed, deployment.digestValues(), "the digest's Values are the deployed function's settings");
    }
  }

  @Test
  void aChangedLiteralSettingAlsoPublishesANewVersion() throws Exception {
    Deployment before = deploy(IDP);
    // Edit the template as a user would, in both places (SamTemplateTest holds them equal).
    Map<String, Object> saved = template;
    try {
      template = SamTemplateTest.CloudFormationYaml.load(Files.readString(SamTemplateTest.samDir.resolve(
          "template.yaml"), StandardCharsets.UTF_8).replace("AUTHORIZER_INIT_TIMEOUT_MS: '3000'",
              "AUTHORIZER_INIT_TIMEOUT_MS: '4000'"));
      TRANSFORMED.clear();
      Deployment after = deploy(IDP);
      assertNotEquals(before.versionId(), after.versionId(), "SAM's own hash sees the literal");
      assertNotEquals(before.digest(), after.digest());
    } finally {
      template = saved;
      TRANSFORMED.clear();
    }
  }

  /** A stack as CloudFormation would deploy it with these parameters, as far as the function's version goes. */
  record Deployment(Map<String, Object> transformed, String versionId, String versionDescription,
      Object function, Object digestValues, String digest) {}

  /** The base parameters, and the base with each change. */
  static List<Map<String, String>> changed(Map<String, Map<String, String>> changes) {
    List<Map<String, String>> sets = new ArrayList<>(List.of(IDP));
    changes.values().forEach(change -> sets.add(with(change)));
    return sets;
  }

  static Map<String, String> with(Map<String, String> changes) {
    Map<String, String> parameters = new LinkedHashMap<>(IDP);
    parameters.putAll(changes);
    return parameters;
  }

  /** Transforms the parameter sets not transformed yet, and computes their digests, in one run of python each. */
  static void prepare(List<Map<String, String>> parameterSets) throws Exception {
    List<Map<String, String>> missing = parameterSets.stream().filter(set -> !TRANSFORMED.containsKey(set))
        .distinct().toList();
    if (!missing.isEmpty()) {
      List<Object> transformed = transform(missing);
      for (int i = 0; i < missing.size(); i++) {
        TRANSFORMED.put(Map.copyOf(missing.get(i)), map(transformed.get(i)));
      }
    }
    List<Object> undigested = new ArrayList<>();
    for (Map<String, String> set : parameterSets) {
      Map<String, Object> transformed = TRANSFORMED.get(set);
      Object values = new CloudFormationValues(transformed, set).asCustomResourceProperties(map(map(map(
          transformed.get("Resources")).get("ConfigurationDigest")).get("Properties")).get("Values"));
      if (!DIGESTS.containsKey(values) && !undigested.contains(values)) {
        undigested.add(values);
      }
    }
    if (!undigested.isEmpty()) {
      List<Object> properties = undigested.stream().map(values -> (Object) Map.of("ServiceToken", "arn", "Values",
          values)).toList();
      List<Map<String, Object>> answers = invokeDigestFunctionForEach("Create", properties);
      for (int i = 0; i < undigested.size(); i++) {
        DIGESTS.put(undigested.get(i), (String) map(answers.get(i).get("Data")).get("Digest"));
      }
    }
  }

  static Deployment deploy(Map<String, String> parameters) throws Exception {
    prepare(List.of(parameters));
    Map<String, Object> transformed = TRANSFORMED.get(parameters);
    Map<String, Object> resources = map(transformed.get("Resources"));
    CloudFormationValues values = new CloudFormationValues(transformed, parameters);
    String versionId = null;
    for (Map.Entry<String, Object> resource : resources.entrySet()) {
      if ("AWS::Lambda::Version".equals(map(resource.getValue()).get("Type"))) {
        assertEquals(null, versionId, "one version resource");
        versionId = resource.getKey();
      }
    }
    assertTrue(versionId != null && versionId.startsWith("AuthorizerFunctionVersion"), resources.keySet().toString());
    Object digestValues = values.asCustomResourceProperties(map(map(resources.get("ConfigurationDigest"))
        .get("Properties")).get("Values"));
    String digest = DIGESTS.get(digestValues);
    Object description = map(map(resources.get(versionId)).get("Properties")).get("Description");
    String versionDescription = String.valueOf(values.resolve(description))
        .replace("{GetAtt ConfigurationDigest.Digest}", digest);
    Object function = values.resolve(map(map(resources.get("AuthorizerFunction")).get("Properties")));
    return new Deployment(transformed, versionId, versionDescription, function, digestValues, digest);
  }

  /** The template transformed by the SAM translator, after `sam build` and `sam package` (CodeUri in S3). */
  static List<Object> transform(List<Map<String, String>> parameterSets) throws IOException {
    Map<String, Object> copy = SamTemplateTest.CloudFormationYaml.load(CloudFormationValues.json(template));
    map(map(map(copy.get("Resources")).get("AuthorizerFunction")).get("Properties"))
        .put("CodeUri", "s3://deployment-bucket/0123456789abcdef0123456789abcdef");
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("template", copy);
    request.put("parameterSets", parameterSets.stream()
        .map(set -> (Object) new CloudFormationValues(template, set).parameterValues()).toList());
    List<String> command = List.of("python3", "-c", TRANSFORM);
    ExternalTool python = ExternalTool.run(command, CloudFormationValues.json(request), Map.of(
        "AWS_DEFAULT_REGION", "us-east-1", "AWS_EC2_METADATA_DISABLED", "true"), null, 300);
    assertEquals(0, python.exitCode(), python.describe(command));
    return list(new Yaml(new SafeConstructor(new LoaderOptions())).load(python.stdout()));
  }

  /**
   * Invokes ConfigurationDigestFunction's inline code with a CloudFormation custom resource event, and returns what it
   * PUT on the event's ResponseURL (a loopback server here).
   */
  static Map<String, Object> invokeDigestFunction(String requestType, Object properties)
      throws IOException, InterruptedException {
    return invokeDigestFunctionForEach(requestType, List.of(properties)).get(0);
  }

  /** Invokes the digest function once per element of {@code properties}; the answers in order. */
  static List<Map<String, Object>> invokeDigestFunctionForEach(String requestType, List<Object> properties)
      throws IOException, InterruptedException {
    String code = (String) map(map(SamTemplateTest.properties("ConfigurationDigestFunction").get("Code")))
        .get("ZipFile");
    BlockingQueue<String> responses = new ArrayBlockingQueue<>(properties.size() + 1);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      try (InputStream body = exchange.getRequestBody()) {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        responses.add(exchange.getRequestMethod() + " " + (contentType == null ? "-" : "'" + contentType + "'")
            + " " + new String(body.readAllBytes(), StandardCharsets.UTF_8));
        exchange.sendResponseHeaders(200, -1);
      } finally {
        exchange.close();
      }
    });
    server.start();
    try {
      List<Object> events = new ArrayList<>();
      for (Object resourceProperties : properties) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("RequestType", requestType);
        event.put("ResponseURL", "http://127.0.0.1:" + server.getAddress().getPort() + "/response?signature=x");
        event.put("StackId", "arn:aws:cloudformation:us-east-1:111122223333:stack/smart-authorizer/1");
        event.put("RequestId", "request-" + (events.size() + 1));
        event.put("LogicalResourceId", "ConfigurationDigest");
        event.put("ResourceType", "Custom::ConfigurationDigest");
        if (!requestType.equals("Create")) {
          event.put("PhysicalResourceId", "configuration-digest");
        }
        event.put("ResourceProperties", resourceProperties);
        events.add(event);
      }
      List<String> command = List.of("python3", "-c", INVOKE);
      ExternalTool python = ExternalTool.run(command, CloudFormationValues.json(Map.of("code", code, "events",
          events)), Map.of("NO_PROXY", "*", "no_proxy", "*"), null, 120);
      assertEquals(0, python.exitCode(), python.describe(command));
      List<Map<String, Object>> answers = new ArrayList<>();
      for (int i = 0; i < events.size(); i++) {
        String response = responses.poll(10, TimeUnit.SECONDS);
        assertTrue(response != null && response.startsWith("PUT '' {"),
            "a PUT with an empty Content-Type (the pre-signed URL's): " + response);
        answers.add(map(new Yaml(new SafeConstructor(new LoaderOptions())).load(response.substring(
            "PUT '' ".length()))));
      }
      return answers;
    } finally {
      server.stop(0);
    }
  }
}
