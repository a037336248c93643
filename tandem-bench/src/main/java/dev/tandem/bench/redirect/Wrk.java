package dev.tandem.bench.redirect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The wrk load generator (keep-alive connections), run as a child process, and its summary read back. */
final class Wrk {
    /** Requests per second, latency percentiles in milliseconds, and the non-2xx/3xx and socket errors seen. */
    record Run(double requestsPerSecond, double p50Millis, double p99Millis, long requests, long badResponses,
               long socketErrors) {}

    private Wrk() {}

    static Optional<String> version() {
        try {
            Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.SECONDS);
            return Optional.of(out.lines().findFirst().orElse("wrk").strip());
        } catch (IOException | InterruptedException e) {
            return Optional.empty();
        }
    }

    static Run run(String url, int threads, int connections, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency",
                "--timeout", "2s", url).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("wrk did not finish");
        }
        return parse(out);
    }

    static Run parse(String out) throws IOException {
        double rps = number(out, "Requests/sec:\\s+([0-9.]+)").orElseThrow(() -> new IOException("wrk said:\n" + out));
        double p50 = latency(out, "50%");
        double p99 = latency(out, "99%");
        long requests = (long) number(out, "([0-9]+) requests in").orElse(0.0).doubleValue();
        long bad = (long) number(out, "Non-2xx or 3xx responses:\\s+([0-9]+)").orElse(0.0).doubleValue();
        long errors = 0;
        Matcher m = Pattern.compile("Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)").matcher(out);
        if (m.find()) {
            for (int i = 1; i <= 4; i++) errors += Long.parseLong(m.group(i));
        }
        return new Run(rps, p50, p99, requests, bad, errors);
    }

    private static Optional<Double> number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
    }

    /** A latency line of the distribution, e.g. "99%    1.23ms", in milliseconds. */
    private static double latency(String out, String pct) {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(pct) + "\\s+([0-9.]+)(us|ms|s)\\b").matcher(out);
        if (!m.find()) return Double.NaN;
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    static final List<String> INSTALL = List.of("apt-get install -y wrk nginx");
}
