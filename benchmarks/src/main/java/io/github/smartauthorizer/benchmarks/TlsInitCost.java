package io.github.smartauthorizer.benchmarks;

import java.security.KeyStore;
import java.security.Security;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * What OkHttp's first client costs a fresh JVM before any connection, in the order OkHttp pays it: its platform
 * detection asks for {@code Security.getProviders()}, which loads every installed security provider; the platform
 * trust manager parses the JDK's trust store; the TLS context builds its cipher-suite and constraint tables. Run it in
 * a fresh JVM each time (docs/performance.md §2):
 *
 * <pre>java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar \
 *     io.github.smartauthorizer.benchmarks.TlsInitCost</pre>
 */
public final class TlsInitCost {
  private TlsInitCost() {}

  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    int providers = Security.getProviders().length;
    long t1 = System.nanoTime();
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init((KeyStore) null);
    int roots = ((X509TrustManager) trust.getTrustManagers()[0]).getAcceptedIssuers().length;
    long t2 = System.nanoTime();
    SSLContext.getInstance("TLS").init(null, trust.getTrustManagers(), null);
    long t3 = System.nanoTime();
    System.out.printf(Locale.ROOT, "security providers (%d): %.0f ms; trust store (%d roots): %.0f ms; "
        + "TLS context: %.0f ms%n", providers, (t1 - t0) / 1e6, roots, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
  }
}
