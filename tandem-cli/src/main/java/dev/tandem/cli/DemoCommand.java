package dev.tandem.cli;

import dev.tandem.sim.Scenario;
import dev.tandem.sim.ScenarioRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code tandem demo}: a tour of a redundancy pair. It runs in the simulator (virtual time, the same protocol
 * code as a node) and prints every transition as it happens.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, subcommands = {DemoInitCommand.class},
        description = {"Show a redundancy pair at work: manual failover and fallback, a critical service failing,"
                + " a node losing power. Runs in virtual time with the seed's default timers and prints every"
                + " transition, then checks the outcome."})
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
        String text;
        try (InputStream in = DemoCommand.class.getResourceAsStream("demo.scenario")) {
            if (in == null) throw new IOException("the demo scenario is missing from the distribution");
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        System.out.println("Tandem demo: a redundancy pair n1/n2 with 1000 users (virtual time, seed 000 defaults)");
        System.out.println();
        ScenarioRunner runner = new ScenarioRunner(System.out, true);
        ScenarioRunner.Result r = runner.run(Scenario.parse("demo", text), new ArrayList<>());
        System.out.println();
        System.out.println(r.passed() + " passed, " + r.failed() + " failed");
        System.out.println("Write your own scenarios: docs/scenarios.md, then ./tandem sim run FILE");
        return r.allPassed() ? 0 : 1;
    }
}
