package dev.tandem.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tandem lb explain}: which member the director would send the next session to, and why. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {
            "Reads a director and its members' sessions as JSON on standard input and prints, as JSON, which member"
                + " takes the next session, the rule (1 to 4) that decided, why, and every member's load.",
            "Input: {\"director\":\"10.0.0.1\",\"members\":[{\"ip\":\"10.0.0.1\",\"active\":3,\"inactive\":1,"
                + "\"max\":100}, ...]}. Inactive sessions are checked but never count as load.",
            "Exit codes: 0 answered (even when no member can take the session), 2 bad input."})
public final class LbExplainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String input = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            out.println(LbExplain.explain(input));
            out.flush();
            return 0;
        } catch (dev.tandem.core.Invalid | LbExplain.BadJson e) {
            err.println("tandem lb explain: " + e.getMessage());
            err.flush();
            return 2;
        }
    }
}
