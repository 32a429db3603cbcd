package io.github.smartauthorizer.it.keycloak;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The few HTTP calls the Keycloak helpers make, on {@link java.net.http.HttpClient}. */
final class Http {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(CONNECT_TIMEOUT)
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  private Http() {}

  static HttpClient client() {
    return CLIENT;
  }

  static HttpResponse<String> get(URI uri, Duration timeout) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build());
  }

  /** POSTs an {@code application/x-www-form-urlencoded} body, with HTTP Basic client authentication if given. */
  static HttpResponse<String> postForm(URI uri, String basicUser, String basicPassword, Map<String, String> form)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(formBody(form)));
    if (basicUser != null) {
      // RFC 6749 2.3.1: client id and secret are form-urlencoded before Base64.
      String credentials = encode(basicUser) + ":" + encode(basicPassword);
      request.header("Authorization",
          "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    return send(request.build());
  }

  static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  static Map<String, String> form(String... namesAndValues) {
    Map<String, String> form = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (namesAndValues[i + 1] != null) {
        form.put(namesAndValues[i], namesAndValues[i + 1]);
      }
    }
    return form;
  }

  private static String formBody(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
