package dev.tandem.node.redirect;

import dev.tandem.core.Invalid;
import dev.tandem.node.config.NodeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Which names a load-balancing group's certificate must carry ([LB-CERT]): "If the group
 * uses one certificate, then the certificate should have SAN extensions for the virtual IP address and group FQDN and
 * should contain Subject Alternative Name extensions that have each ASA's IP and FQDN. If the group uses multiple
 * certificates, then the certificate for each ASA should have SAN extensions for the virtual IP, group FQDN, and the
 * individual ASA's IP address and FQDN." Names are matched as RFC 2818 says: only the subject alternative names when
 * there are any, the common name otherwise; a DNS wildcard covers one left-most label.
 */
public final class CertificateCheck {

    /** One name the certificate should carry, why, and whether it does. */
    public record Requirement(String name, String why, boolean present) {}

    /** The outcome: every requirement, the names the certificate has, and its validity. */
    public record Result(List<Requirement> requirements, List<String> certificateNames, boolean usesCommonName,
                         Instant notAfter, boolean expired) {
        public boolean complete() {
            return requirements.stream().allMatch(Requirement::present) && !expired;
        }

        public List<Requirement> missing() {
            return requirements.stream().filter(r -> !r.present()).toList();
        }
    }

    private CertificateCheck() {}

    /** Reads the first certificate of a PEM file. */
    public static X509Certificate read(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (all.isEmpty()) throw new Invalid("certificate", pem.toString(), "a PEM file with an X.509 certificate");
            return (X509Certificate) all.iterator().next();
        } catch (NoSuchFileException e) {
            throw new Invalid("certificate", pem.toString(), "an existing PEM file");
        } catch (IOException | CertificateException e) {
            throw new Invalid("certificate", pem.toString(), "a PEM file with an X.509 certificate ("
                    + e.getMessage() + ")");
        }
    }

    /**
     * The names required of a certificate for the members whose configurations are given: one configuration checks a
     * member's own certificate, several check one certificate shared by the group.
     */
    public static Map<String, String> required(List<NodeConfig> members, String groupFqdn) {
        if (members.isEmpty()) throw new Invalid("--config", null, "at least one node configuration");
        Map<String, String> names = new LinkedHashMap<>();
        NodeConfig.LoadBalancing first = lb(members.get(0));
        names.put(first.clusterAddress(), "the cluster address");
        if (groupFqdn != null) names.putIfAbsent(groupFqdn, "the group FQDN");
        for (NodeConfig c : members) {
            NodeConfig.LoadBalancing lb = lb(c);
            if (!lb.clusterAddress().equals(first.clusterAddress())) {
                throw new Invalid("--config", c.id(), "members of one group (cluster address " + first.clusterAddress()
                        + ", this one has " + lb.clusterAddress() + ")");
            }
            names.putIfAbsent(lb.publicAddress(), "member " + lb.member() + "'s public address");
            for (String n : lb.nat()) names.putIfAbsent(n, "member " + lb.member() + "'s NAT address, where clients are sent");
            if (lb.fqdn() != null) names.putIfAbsent(lb.fqdn(), "member " + lb.member() + "'s FQDN");
        }
        return names;
    }

    private static NodeConfig.LoadBalancing lb(NodeConfig c) {
        if (c.loadBalancing() == null) {
            throw new Invalid("--config", c.id(), "a node with a loadBalancing section");
        }
        return c.loadBalancing();
    }

    public static Result check(X509Certificate cert, Map<String, String> required, Instant now) {
        List<String> dns = new ArrayList<>();
        List<InetAddress> ips = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    String value = String.valueOf(san.get(1));
                    if (type == 2) {
                        dns.add(value.toLowerCase(Locale.ROOT));
                        shown.add("DNS:" + value);
                    } else if (type == 7) {
                        ips.add(literal(value));
                        shown.add("IP:" + value);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new Invalid("certificate", "subject alternative names", "a readable extension (" + e.getMessage() + ")");
        }
        boolean usesCn = dns.isEmpty() && ips.isEmpty();
        if (usesCn) {
            String cn = commonName(cert);
            if (cn != null) {
                shown.add("CN:" + cn);
                if (isIpLiteral(cn)) ips.add(literal(cn));
                else dns.add(cn.toLowerCase(Locale.ROOT));
            }
        }
        List<Requirement> out = new ArrayList<>();
        for (Map.Entry<String, String> r : required.entrySet()) {
            String name = r.getKey();
            boolean present = isIpLiteral(name) ? ips.contains(literal(name))
                    : dns.stream().anyMatch(d -> matches(d, name.toLowerCase(Locale.ROOT)));
            out.add(new Requirement(name, r.getValue(), present));
        }
        Instant notAfter = cert.getNotAfter().toInstant();
        return new Result(out, shown, usesCn, notAfter, now.isAfter(notAfter));
    }

    /** RFC 2818 / RFC 6125: an exact match, or a wildcard in the left-most label standing for one label. */
    static boolean matches(String pattern, String host) {
        String p = pattern.endsWith(".") ? pattern.substring(0, pattern.length() - 1) : pattern;
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (!p.startsWith("*.")) return p.equals(h);
        int dot = h.indexOf('.');
        return dot > 0 && h.substring(dot).equals(p.substring(1)) && p.indexOf('*', 1) < 0;
    }

    private static String commonName(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) return String.valueOf(rdn.getValue());
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    private static boolean isIpLiteral(String s) {
        return s.matches("[0-9.]+") || s.indexOf(':') >= 0;
    }

    /** Parses an IP literal without any name lookup. */
    private static InetAddress literal(String s) {
        try {
            if (!isIpLiteral(s)) throw new UnknownHostException(s);
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new Invalid("address", s, "an IPv4 or IPv6 address");
        }
    }
}
