package dev.tandem.cli.doctor;

import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.redirect.CertificateCheck;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What {@code tandem doctor} checks on this host: addresses, ports, key and certificate files. */
final class HostChecks {
    /** The specification's default service port ([RG-HB]), when the configuration does not set one. */
    static final int DEFAULT_SERVICE_PORT = 22001;
    /** The shortest cluster key a node accepts (docs/node-config.yaml). */
    static final int MIN_KEY_LENGTH = 8;

    private HostChecks() {}

    /** The addresses this node binds, by what binds them; the cluster address is left out: the driver claims it. */
    static Map<String, String> addresses(NodeConfig c) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(c.address(), "node.address");
        out.putIfAbsent(c.admin().address(), "admin.address");
        if (c.sessionService() != null) out.putIfAbsent(c.sessionService().address(), "sessionService.address");
        if (c.loadBalancing() != null) out.putIfAbsent(c.loadBalancing().privateAddress(), "loadBalancing.privateAddress");
        return out;
    }

    static List<Finding> addressesPresent(NodeConfig c) {
        List<Finding> out = new ArrayList<>();
        addresses(c).forEach((address, key) -> {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 0))) {
                out.add(Finding.ok("address", key + " " + address + " is on this host"));
            } catch (IOException e) {
                out.add(Finding.fail("address", key + " " + address + " is not on this host (" + e.getMessage() + ")",
                        "add it to an interface (ip addr add " + address + "/24 dev IFACE) or correct " + key));
            }
        });
        return out;
    }

    record Port(String protocol, String address, int port, String key) {
        String where() {
            return protocol + " " + (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
        }
    }

    static List<Port> ports(NodeConfig c) {
        List<Port> out = new ArrayList<>();
        int service = Integer.parseInt(c.parameters().getOrDefault("servicePort", String.valueOf(DEFAULT_SERVICE_PORT)));
        out.add(new Port("udp", c.address(), service, "parameters.servicePort"));
        out.add(new Port("tcp", c.admin().address(), c.admin().port(), "admin.port"));
        if (c.sessionService() != null) {
            out.add(new Port("tcp", c.sessionService().address(), c.sessionService().port(), "sessionService.port"));
        }
        if (c.loadBalancing() != null) {
            out.add(new Port("udp", c.loadBalancing().privateAddress(), c.loadBalancing().clusterPort(),
                    "loadBalancing.clusterPort"));
        }
        return out;
    }

    /** Each port must be free, unless this very node is running and holds them. */
    static List<Finding> portsFree(NodeConfig c, boolean nodeRunning) {
        List<Finding> out = new ArrayList<>();
        for (Port p : ports(c)) {
            if (nodeRunning) {
                out.add(Finding.ok("port", p.where() + " (" + p.key() + ") is held by this node, which is running"));
                continue;
            }
            try {
                InetSocketAddress at = new InetSocketAddress(InetAddress.getByName(p.address()), p.port());
                if (p.protocol().equals("udp")) {
                    new DatagramSocket(at).close();
                } else {
                    try (ServerSocket s = new ServerSocket()) {
                        s.bind(at);
                    }
                }
                out.add(Finding.ok("port", p.where() + " (" + p.key() + ") is free"));
            } catch (IOException e) {
                out.add(Finding.fail("port", p.where() + " (" + p.key() + ") cannot be bound: " + e.getMessage(),
                        "find who holds it (ss -" + (p.protocol().equals("udp") ? "u" : "t") + "lpn 'sport = :"
                                + p.port() + "') and stop it, or choose another " + p.key()));
            }
        }
        return out;
    }

    static List<Finding> files(NodeConfig c) {
        List<Finding> out = new ArrayList<>();
        if (c.admin().tokenFile() != null) out.add(readable("admin token", c.admin().tokenFile(), 1, "admin.tokenFile"));
        if (c.cluster().keyFile() != null) {
            out.add(readable("cluster key", c.cluster().keyFile(), MIN_KEY_LENGTH, "cluster.keyFile"));
        }
        if (c.cluster().masterKeyFile() != null) {
            out.add(readable("master key", c.cluster().masterKeyFile(), 1, "cluster.masterKeyFile"));
        }
        return out;
    }

    private static Finding readable(String what, Path file, int minLength, String key) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (text.length() < minLength) {
                return Finding.fail("file", what + " " + file + " holds " + text.length() + " characters, fewer than "
                        + minLength, "write the " + what + " into it (" + key + ")");
            }
            return Finding.ok("file", what + " " + file + " is readable");
        } catch (IOException | SecurityException e) {
            return Finding.fail("file", what + " " + file + " is not readable (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", "create it or let the node's user read it (chgrp tandem; chmod 0640), "
                    + "or correct " + key);
        }
    }

    /** The redirect service's certificate: readable, matching its private key, carrying the names it needs. */
    static List<Finding> certificate(NodeConfig c, Instant now) {
        NodeConfig.LoadBalancing lb = c.loadBalancing();
        if (lb == null || lb.redirect() == null || !lb.redirect().tls()) {
            return List.of(Finding.skip("certificate", "no loadBalancing.redirect.certificate configured"));
        }
        Path certFile = lb.redirect().certificate();
        Path keyFile = lb.redirect().privateKey();
        List<Finding> out = new ArrayList<>();
        X509Certificate cert;
        try {
            cert = CertificateCheck.read(certFile);
        } catch (RuntimeException e) {
            return List.of(Finding.fail("certificate", e.getMessage(), "point loadBalancing.redirect.certificate at a"
                    + " PEM certificate chain"));
        }
        try {
            PrivateKey key = privateKey(keyFile);
            if (!matches(key, cert)) {
                out.add(Finding.fail("certificate", "private key " + keyFile + " does not belong to certificate "
                        + certFile, "install the key the certificate was issued for"));
            } else {
                out.add(Finding.ok("certificate", "private key " + keyFile + " matches certificate " + certFile));
            }
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            out.add(Finding.fail("certificate", "private key " + keyFile + " is not a readable PKCS#8 PEM key ("
                    + e.getMessage() + ")", "convert it: openssl pkcs8 -topk8 -nocrypt -in KEY -out " + keyFile));
        }
        CertificateCheck.Result r = CertificateCheck.check(cert, CertificateCheck.required(List.of(c), null), now);
        if (r.expired()) {
            out.add(Finding.fail("certificate", certFile + " expired at " + r.notAfter(), "renew it"));
        } else if (!r.missing().isEmpty()) {
            out.add(Finding.fail("certificate", certFile + " lacks " + r.missing().stream()
                    .map(m -> m.name() + " (" + m.why() + ")").collect(Collectors.joining(", ")) + "; it has "
                    + r.certificateNames(), "reissue it with these subject alternative names "
                    + "(tandem certs check explains each)"));
        } else {
            out.add(Finding.ok("certificate", certFile + " names " + r.certificateNames() + ", valid until "
                    + r.notAfter()));
        }
        return out;
    }

    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) throw new IllegalArgumentException("no BEGIN PRIVATE KEY block");
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Signs with the key and verifies with the certificate: true only for the certificate's own key. */
    private static boolean matches(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        if (!cert.getPublicKey().getAlgorithm().equals(key.getAlgorithm())
                && !(key.getAlgorithm().startsWith("Ed") && cert.getPublicKey().getAlgorithm().equals("EdDSA"))) {
            return false;
        }
        byte[] challenge = "tandem doctor: does this key belong to this certificate".getBytes(StandardCharsets.UTF_8);
        Signature sign = Signature.getInstance(algorithm);
        sign.initSign(key);
        sign.update(challenge);
        byte[] signature = sign.sign();
        Signature verify = Signature.getInstance(algorithm);
        verify.initVerify(cert.getPublicKey());
        verify.update(challenge);
        return verify.verify(signature);
    }
}
