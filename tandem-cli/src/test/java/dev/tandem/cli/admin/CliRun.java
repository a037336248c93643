package dev.tandem.cli.admin;

import dev.tandem.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code tandem ...} in this JVM and keeps what it printed (not what the node in the same JVM logs). */
record CliRun(int code, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
