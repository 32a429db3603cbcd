package io.github.smartauthorizer.lambda;

import io.github.smartauthorizer.api.AuthPayload;
import io.github.smartauthorizer.api.HealthLakeResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Serializes a {@link HealthLakeResponse} in the contract's shape: integers for times, a boolean for the decision. */
final class HealthLakeResponses {
  private HealthLakeResponses() {}

  static byte[] toJson(HealthLakeResponse response) {
    return toJsonText(response).getBytes(StandardCharsets.UTF_8);
  }

  static String toJsonText(HealthLakeResponse response) {
    AuthPayload p = response.authPayload();
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("iss", p.iss());
    payload.put("aud", p.aud());
    payload.put("sub", p.sub());
    payload.put("iat", p.iat());
    payload.put("nbf", p.nbf());
    payload.put("exp", p.exp());
    payload.put("isAuthorized", p.isAuthorized());
    payload.put("scope", p.scope());
    payload.put("fhirUser", p.fhirUser());
    payload.put("patient", p.patient());
    payload.putAll(p.extra());
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("authPayload", payload);
    root.put("iamRoleARN", response.iamRoleArn());
    return JsonText.object(root);
  }
}
