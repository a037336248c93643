package dev.tandem.bench.redirect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * nginx configured to answer every request with {@code return 302}: what an operator would put on the cluster address
 * instead. Runs in the foreground as a child process with its configuration, logs and temporary files in a folder
 * of its own, on a loopback address and port the benchmark chooses.
 */
final class Nginx implements AutoCloseable {
    private final Process process;

    private Nginx(Process process) {
        this.process = process;
    }

    static Optional<Path> binary() {
        for (String p : new String[] {"/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"}) {
            if (Files.isExecutable(Path.of(p))) return Optional.of(Path.of(p));
        }
        return Optional.empty();
    }

    /** Starts nginx with {@code workers} worker processes, redirecting to {@code location}. */
    static Nginx start(Path binary, Path dir, String host, int port, String location, String workers) throws IOException {
        Files.createDirectories(dir.resolve("tmp"));
        String conf = """
                daemon off;
                worker_processes %s;
                pid %s;
                error_log %s warn;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    client_body_temp_path %s;
                    proxy_temp_path %s;
                    fastcgi_temp_path %s;
                    uwsgi_temp_path %s;
                    scgi_temp_path %s;
                    keepalive_requests 1000000;
                    server {
                        listen %s:%d;
                        location / { return 302 %s$request_uri; }
                    }
                }
                """.formatted(workers, dir.resolve("nginx.pid"), dir.resolve("error.log"), dir.resolve("tmp"),
                dir.resolve("tmp"), dir.resolve("tmp"), dir.resolve("tmp"), dir.resolve("tmp"), host, port, location);
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        Process p = new ProcessBuilder(binary.toString(), "-c", file.toString(), "-p", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        return new Nginx(p);
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: nginx stops its workers
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
