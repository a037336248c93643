package dev.tandem.cli;

import dev.tandem.cli.doctor.Doctor;
import dev.tandem.cli.doctor.Finding;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tandem doctor --config FILE}: checks what usually goes wrong before a node starts or while it runs. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check a node's configuration and its surroundings: the configuration itself, its addresses"
                + " on this host, its ports, key and certificate files, the cluster store and its schema, the peer's"
                + " admin API, the clock difference with the peer and their versions.",
                "One line per check; a failed check says what to do. Exit code 0 when every check passes, 1 otherwise."})
public final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the node's YAML configuration")
    Path config;

    @Override
    public Integer call() {
        // Flyway narrates every connection at INFO; the findings say what matters, one line each.
        if (LoggerFactory.getLogger("org.flywaydb") instanceof ch.qos.logback.classic.Logger flyway) {
            flyway.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        List<Finding> findings = new Doctor(Clock.systemUTC()).run(config);
        findings.forEach(f -> System.out.println(f.line()));
        long failed = findings.stream().filter(Finding::failed).count();
        System.out.println(failed == 0 ? "all checks passed" : failed + " check" + (failed == 1 ? "" : "s") + " failed");
        return failed == 0 ? 0 : 1;
    }
}
