package dev.tandem.cli.admin;

import dev.tandem.core.config.ConfigCheck;
import dev.tandem.core.config.ConfigInterpreter;
import dev.tandem.core.config.ConfigWarning;
import dev.tandem.core.config.LbConfig;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.node.api.ClusterDocument;
import dev.tandem.node.config.HostAddresses;
import dev.tandem.node.store.ClusterSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tandem config check FILE}: a configuration file checked on this machine, with no node and no store, by the
 * same interpreter and rules a node applies it with (decision 0069). Exit 0 when it applies (warnings allowed),
 * 1 when a line is refused, 2 when the file cannot be read.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check a file offline: configuration commands (as 'config apply' takes them), or the whole",
                "cluster's YAML when the name ends in .yaml or .yml. Prints what each line sets or why it is",
                "refused (FILE:LINE), then the resulting settings and warnings (the specification's advice, addresses",
                "not on this host). Exit code: 0 it applies, 1 a line is refused, 2 the file cannot be read."})
public final class ConfigCheckCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.USAGE, "file: '" + file + "' cannot be read (" + e.getClass().getSimpleName()
                    + "); allowed: a readable file of configuration commands or YAML");
        }
        PrintWriter out = spec.commandLine().getOut();
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int code = name.endsWith(".yaml") || name.endsWith(".yml") ? yaml(text, out) : commands(text, out);
        out.flush();
        return code;
    }

    private int commands(String text, PrintWriter out) {
        ConfigCheck.Report r = ConfigCheck.of(LbConfig.defaults(), text);
        for (ConfigCheck.Line l : r.lines()) {
            out.println(file + ":" + l.line() + ": " + (l.refused() ? "REFUSED " : "") + l.text() + "  -- " + l.message());
        }
        List<String> warnings = new ArrayList<>();
        for (ConfigWarning w : r.warnings()) warnings.add(file + ":" + w.line() + ": warning: " + w.message());
        // Addresses are checked against this host, as a node checks its own when it applies them.
        Map<IpAddress, String> addresses = HostAddresses.named(r.config());
        addresses.forEach((a, what) -> {
            if (!HostAddresses.isLocal(a)) {
                warnings.add(file + ":" + lineOf(r, a) + ": warning: " + what + ": " + a.text()
                        + " is not an address of this host (fine when the file is for another node)");
            }
        });
        out.println();
        out.println("resulting settings (show running-config):");
        out.print(ConfigInterpreter.runningConfig(r.config()));
        out.println();
        warnings.forEach(out::println);
        if (!r.applies()) {
            out.println(file + ": refused: " + r.refused() + " line(s); applying the file would change nothing");
            return CliFailure.FAILURE;
        }
        out.println(file + ": applies: " + r.lines().size() + " command(s), " + warnings.size() + " warning(s)");
        return 0;
    }

    /** The last accepted line that names the address, for a warning about it. */
    private static int lineOf(ConfigCheck.Report r, IpAddress a) {
        int found = 0;
        for (ConfigCheck.Line l : r.lines()) {
            if (!l.refused() && List.of(l.text().split("\\s+")).contains(a.text())) found = l.line();
        }
        return found;
    }

    private int yaml(String text, PrintWriter out) {
        ClusterSettings s;
        try {
            s = ClusterDocument.read(text);
        } catch (IllegalArgumentException e) {
            Matcher m = Pattern.compile("line (\\d+): (.*)", Pattern.DOTALL).matcher(e.getMessage());
            out.println(m.matches() ? file + ":" + m.group(1) + ": REFUSED " + m.group(2) : file + ": REFUSED " + e.getMessage());
            out.println(file + ": refused; applying the file would change nothing");
            return CliFailure.FAILURE;
        }
        out.println(file + ": " + s.groups().size() + " redundancy group(s), assignment mode " + ClusterDocument.modeName(s)
                + ", load-balancing group " + (s.lbGroup() == null ? "none" : s.lbGroup().clusterAddress())
                + ", " + s.devices().size() + " device(s)");
        int warnings = 0;
        for (ClusterSettings.Device d : s.devices()) {
            LbConfig c = LbConfig.defaults().withPriority(d.priority()).withPublicAddress(d.toCore().publicAddress())
                    .withPrivateAddress(d.toCore().privateAddress()).withNat(d.toCore().nat())
                    .withParticipate(d.participate()).withRedirectFqdn(d.redirectFqdn());
            if (s.lbGroup() != null) {
                c = c.withClusterAddress(dev.tandem.core.lb.NetAddress.parse("clusterAddress", s.lbGroup().clusterAddress()))
                        .withClusterPort(s.lbGroup().clusterPort());
            }
            c = ConfigInterpreter.run(c, s.deviceConfig(d.node())).config();
            for (String w : dev.tandem.core.config.ConfigAdvice.of(c)) {
                out.println(file + ": warning: device " + d.node() + ": " + w);
                warnings++;
            }
        }
        out.println(file + ": applies, " + warnings + " warning(s)");
        return 0;
    }
}
