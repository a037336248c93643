package dev.tandem.cli;

import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.redirect.CertificateCheck;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tandem certs check}: which names a redirect certificate lacks for the configured group. */
@Command(name = "certs", mixinStandardHelpOptions = true, description = "Certificate tools for the redirect service.",
        subcommands = {CertsCommand.Check.class})
public final class CertsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check that a certificate names everything clients are sent to ([LB-CERT], Certificate"
                    + " Verification): the cluster address, the group FQDN, and each member's public address, NAT"
                    + " address and FQDN.",
                    "One --config checks that member's own certificate; several check one certificate the group shares.",
                    "Exit status: 0 when every name is present and the certificate is valid, 1 when not, 2 for bad input."})
    static final class Check implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CERT.pem", description = "the certificate (PEM)")
        Path certificate;

        @Option(names = "--config", required = true, paramLabel = "NODE.yaml",
                description = "a node's configuration; repeat it for every member that shares the certificate")
        List<Path> configs;

        @Option(names = "--group-fqdn", paramLabel = "NAME", description = "the group's FQDN, when clients use one")
        String groupFqdn;

        @Override
        public Integer call() {
            List<NodeConfig> nodes = configs.stream().map(ConfigLoader::load).toList();
            CertificateCheck.Result r = CertificateCheck.check(CertificateCheck.read(certificate),
                    CertificateCheck.required(nodes, groupFqdn), Instant.now());
            System.out.println("certificate " + certificate + (r.usesCommonName()
                    ? " (no subject alternative names: the common name is used)" : ""));
            System.out.println("  names: " + String.join(", ", r.certificateNames()));
            System.out.println("  valid until " + r.notAfter() + (r.expired() ? "  EXPIRED" : ""));
            int width = r.requirements().stream().mapToInt(q -> q.name().length()).max().orElse(4);
            for (CertificateCheck.Requirement q : r.requirements()) {
                System.out.printf("  %-7s %-" + width + "s  %s%n", q.present() ? "ok" : "MISSING", q.name(), q.why());
            }
            if (r.complete()) {
                System.out.println("the certificate covers every name clients of this group are sent to");
                return 0;
            }
            if (!r.missing().isEmpty()) {
                System.out.println("missing " + r.missing().size() + " name(s): add them as subject alternative names"
                        + " (IP: for addresses, DNS: for names); clients that check names will refuse the others");
            }
            return 1;
        }
    }
}
