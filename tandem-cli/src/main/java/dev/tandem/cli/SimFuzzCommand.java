package dev.tandem.cli;

import dev.tandem.core.Invalid;
import dev.tandem.sim.Fuzzer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tandem sim fuzz}: random fault schedules in the simulator, invariants checked after every event. */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = {"Run random fault schedules in the simulator: redundancy pairs (with and without network faults)"
                + " and load-balancing groups of 2 to 20 members, the invariants checked after every event and the"
                + " settled cluster checked once the faults stop (docs/scenarios.md, Fuzzing).",
                "A failing schedule is shrunk and written as a scenario that 'tandem sim run' replays.",
                "The last line is 'N schedules, V violations'. Exit code: 0 none, 1 any."})
public final class SimFuzzCommand implements Callable<Integer> {
    @Option(names = "--schedules", paramLabel = "N", defaultValue = "1000", description = "how many schedules (default 1000)")
    int schedules;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "the seed every schedule is drawn from (default 1)")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "fuzz-failures",
            description = "where failing schedules are written (default ./fuzz-failures)")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (schedules < 1 || schedules > 10_000_000) throw new Invalid("--schedules", schedules, "1 to 10000000");
        PrintWriter o = spec.commandLine().getOut();
        long start = System.nanoTime();
        int step = Math.max(1, schedules / 10);
        int[] done = {0};
        int[] failed = {0};
        o.println("tandem sim fuzz: " + schedules + " schedules from seed " + seed);
        o.flush();
        Fuzzer.Report r = Fuzzer.run(seed, schedules, s -> {
            done[0]++;
            if (s.failure().isPresent()) {
                failed[0]++;
                Path file = out.resolve("fuzz-" + s.seed() + ".scenario");
                try {
                    Files.createDirectories(out);
                    Files.writeString(file, s.text());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                o.println("violation in schedule " + done[0] + " (seed " + s.seed() + "): " + s.failure().get());
                o.println("  shrunk to " + s.lines().size() + " lines: " + file + "  (replay: ./tandem sim run " + file + ")");
            }
            if (done[0] % step == 0 && done[0] < schedules) {
                o.println(done[0] + " of " + schedules + " schedules, " + failed[0] + " violations ("
                        + (System.nanoTime() - start) / 1_000_000_000 + " s)");
            }
            o.flush();
        });
        o.println(r.schedules() + " schedules, " + r.violations().size() + " violations");
        o.flush();
        return r.violations().isEmpty() ? 0 : 1;
    }
}
