package io.github.smartauthorizer.assembly;

import io.github.smartauthorizer.lambda.DocumentFetcher;
import io.github.smartauthorizer.providers.shared.HttpFetcher;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/** {@link DocumentFetcher} over the toolkit's {@link HttpFetcher}: the same client, limits and rules as the providers'. */
final class ToolkitDocumentFetcher implements DocumentFetcher {

  @Override
  public byte[] getJson(URI uri, Duration timeout, int maxBytes) throws IOException {
    HttpFetcher.HttpResponse response = new HttpFetcher(timeout, maxBytes).get(uri, "application/json");
    if (!response.isSuccessful()) {
      throw new IOException("answered HTTP " + response.status());
    }
    return response.body();
  }
}
