package dev.tandem.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificates a client trusts for HTTPS, from a PEM file: a CA's certificate, or the server's own when it is
 * self-signed. Only those are trusted (never every certificate), and {@link java.net.http.HttpClient} still checks
 * that the server's certificate names the host it connects to. The client library reads the file with the JDK
 * alone, so that it needs nothing besides Jackson.
 */
public final class TrustFile {
    private TrustFile() {}

    /** An SSL context trusting exactly the certificates in {@code pem}. */
    public static SSLContext sslContext(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) throw new IllegalArgumentException(problem(pem, "it holds no certificate"));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate c : certs) store.setCertificateEntry("trusted-" + i++, c);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(problem(pem, "no such file"), e);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(problem(pem, e.getMessage()), e);
        }
    }

    private static String problem(Path pem, String why) {
        return "trust file '" + pem + "' is not allowed (" + why + "); allowed: a PEM file of one or more X.509"
                + " certificates (a CA, or the server's own certificate)";
    }
}
