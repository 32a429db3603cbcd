package io.github.smartauthorizer.providers.shared;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.SocketFactory;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;

/**
 * Loads OkHttp's call path at init without the network (see {@link HttpFetcher#warmUpCallPath()}): a cleartext-only
 * client, which needs no TLS context, whose sockets are in memory and answer every request with one canned
 * {@code 200}, and whose name resolution answers without a lookup.
 */
final class HttpWarmup {
  private static final byte[] CANNED_RESPONSE = ("HTTP/1.1 200 OK\r\n"
      + "Content-Type: application/json\r\n"
      + "Content-Length: 2\r\n"
      + "Connection: close\r\n"
      + "\r\n"
      + "{}").getBytes(StandardCharsets.US_ASCII);
  private static final URI TARGET = URI.create("http://warmup.invalid/");

  private HttpWarmup() {}

  /** A GET and a form POST through {@link HttpFetcher}; returns their responses (for the test). */
  static List<HttpFetcher.HttpResponse> exerciseCallPath() throws IOException {
    OkHttpClient client = new OkHttpClient.Builder()
        .connectionSpecs(List.of(ConnectionSpec.CLEARTEXT))
        .proxy(Proxy.NO_PROXY)
        .dns(host -> List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})))
        .socketFactory(new CannedSocketFactory())
        .build();
    try {
      HttpFetcher fetcher = new HttpFetcher(client, Duration.ofSeconds(2), 64);
      return List.of(
          fetcher.get(TARGET, "application/json"),
          fetcher.postForm(TARGET, Map.of("token", "warmup"), Map.of("Authorization", "Basic d2FybXVwOg==")));
    } finally {
      client.connectionPool().evictAll();
    }
  }

  private static final class CannedSocketFactory extends SocketFactory {
    @Override
    public Socket createSocket() {
      return new CannedSocket();
    }

    @Override
    public Socket createSocket(String host, int port) {
      return new CannedSocket();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
      return new CannedSocket();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) {
      return new CannedSocket();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
      return new CannedSocket();
    }
  }

  /** A socket that connects nowhere: what is written is dropped, what is read is the canned response. */
  private static final class CannedSocket extends Socket {
    private final InputStream in = new ByteArrayInputStream(CANNED_RESPONSE);
    private volatile boolean connected;
    private volatile boolean closed;

    @Override
    public void connect(SocketAddress endpoint) {
      connected = true;
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) {
      connected = true;
    }

    @Override
    public InputStream getInputStream() {
      return in;
    }

    @Override
    public OutputStream getOutputStream() {
      return OutputStream.nullOutputStream();
    }

    @Override
    public void setSoTimeout(int timeout) {
      // nothing waits on an in-memory stream
    }

    @Override
    public int getSoTimeout() {
      return 0;
    }

    @Override
    public boolean isConnected() {
      return connected;
    }

    @Override
    public boolean isClosed() {
      return closed;
    }

    @Override
    public boolean isInputShutdown() {
      return closed;
    }

    @Override
    public boolean isOutputShutdown() {
      return closed;
    }

    @Override
    public void shutdownInput() {
      // nothing to shut
    }

    @Override
    public void shutdownOutput() {
      // nothing to shut
    }

    @Override
    public synchronized void close() {
      closed = true;
    }
  }
}
