package dev.tandem.bench.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a benchmark starts a node's JVM: the options and the environment variables, with a name for the results.
 * {@link #BENCHMARK} is what every scenario uses so their figures compare across runs; {@link #installed} is what
 * the installed launcher gives {@code tandem node}, for the footprint an operator sees.
 */
public record NodeLaunch(String name, List<String> jvmOptions, Map<String, String> environment) {
    public static final NodeLaunch BENCHMARK = new NodeLaunch("benchmark", NodeProc.JVM_OPTIONS, Map.of());
    private static final Pattern FROM_VERSION = Pattern.compile("(\\d+)-:(.+)");

    public NodeLaunch {
        jvmOptions = List.copyOf(jvmOptions);
        environment = Map.copyOf(environment);
    }

    /**
     * The launcher's choices for {@code tandem node} (packaging/bin/tandem): the options of
     * {@code packaging/conf/jvm.options}, glibc malloc arenas capped at two, and a class-data-sharing archive at
     * {@code cdsArchive} that the JVM writes at its first clean stop and maps at every start after.
     */
    public static NodeLaunch installed(Path repositoryRoot, Path cdsArchive) {
        Path file = repositoryRoot.resolve("packaging").resolve("conf").resolve("jvm.options");
        List<String> options = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) continue;
                // "N-:OPTION": only for a Java N or newer, as the launcher reads it. Nodes run on this JVM's java.
                Matcher m = FROM_VERSION.matcher(s);
                if (m.matches() && Runtime.version().feature() < Integer.parseInt(m.group(1))) continue;
                options.add(m.matches() ? m.group(2) : s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the launcher's JVM options " + file, e);
        }
        options.addAll(List.of("-XX:SharedArchiveFile=" + cdsArchive, "-XX:+AutoCreateSharedArchive",
                "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        return new NodeLaunch("installed", options, Map.of("MALLOC_ARENA_MAX", "2"));
    }
}
