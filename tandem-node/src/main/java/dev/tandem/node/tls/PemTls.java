package dev.tandem.node.tls;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The node's one reader of TLS material in PEM files: a certificate chain and its PKCS#8 private key for a server
 * (the redirect service, the admin API, the session service), and the certificates a client trusts (a CA, or the
 * peer's own certificate). Netty reads the files; the JDK's {@link SSLContext} it builds serves Jetty and
 * {@link java.net.http.HttpClient} alike. Every failure names the file and the configuration key.
 */
public final class PemTls {
    private PemTls() {}

    /** A server's context for Netty (the redirect service). {@code what} names the keys, e.g. "admin". */
    public static SslContext nettyServer(Path certificate, Path privateKey, String what) {
        return build(what, certificate, privateKey, () -> SslContextBuilder.forServer(certificate.toFile(),
                privateKey.toFile()).build());
    }

    /** The same material as a JDK context, for Jetty's connectors. */
    public static SSLContext server(Path certificate, Path privateKey, String what) {
        SslContext ctx = build(what, certificate, privateKey, () -> SslContextBuilder.forServer(certificate.toFile(),
                privateKey.toFile()).sslProvider(SslProvider.JDK).build());
        return ((JdkSslContext) ctx).context();
    }

    /**
     * A client's context that trusts exactly the certificates of a PEM file (a CA, or the server's own certificate),
     * never all. Host names are still checked: {@link java.net.http.HttpClient} verifies that the certificate names
     * the address it connects to.
     */
    public static SSLContext trusting(Path pem, String what) {
        SslContext ctx = build(what, pem, null, () -> SslContextBuilder.forClient().trustManager(pem.toFile())
                .sslProvider(SslProvider.JDK).build());
        return ((JdkSslContext) ctx).context();
    }

    /** A Jetty connector speaking HTTPS only on {@code host:port} (0: any free port). */
    public static ServerConnector jettyConnector(Server server, HttpConfiguration http, SSLContext context, String host, int port) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(context);
        HttpConfiguration https = new HttpConfiguration(http);
        // Clients and peers connect by address: the certificate's IP names are checked by the client, not SNI here.
        https.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector c = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(https));
        c.setHost(host);
        c.setPort(port);
        return c;
    }

    @FunctionalInterface
    private interface Builder {
        SslContext build() throws Exception;
    }

    private static SslContext build(String what, Path certificate, Path privateKey, Builder b) {
        for (Path p : privateKey == null ? new Path[] {certificate} : new Path[] {certificate, privateKey}) {
            if (!Files.isReadable(p)) {
                throw new IllegalStateException(what + ": cannot read " + p + "; allowed: a readable PEM file");
            }
        }
        try {
            return b.build();
        } catch (Exception e) {
            throw new IllegalStateException(what + ": cannot use " + (privateKey == null ? "the certificates in " + certificate
                    : "the certificate " + certificate + " with key " + privateKey) + "; allowed: a PEM certificate chain"
                    + (privateKey == null ? "" : " and its PKCS#8 PEM private key") + " (" + e.getMessage() + ")", e);
        }
    }
}
