package dev.tandem.bench.proc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An advisory lock shared with shell scripts ({@code flock FILE command}) that guards fixed loopback ports on a
 * machine where several people run real-process tests. It is held by a child {@code flock} for as long as one
 * trial runs, so long runs leave room to others between trials. Without a lock file it does nothing.
 */
public final class LoopbackLock implements AutoCloseable {
    private final Process holder;

    private LoopbackLock(Process holder) {
        this.holder = holder;
    }

    public static LoopbackLock acquire(Path file) throws IOException, InterruptedException {
        if (file == null) return new LoopbackLock(null);
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) { // a holder that died while waiting is simply replaced
            Process p = new ProcessBuilder("flock", file.toString(), "sh", "-c", "echo locked; exec cat")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            InputStream in = p.getInputStream();
            byte[] b = new byte[7];
            int n = in.readNBytes(b, 0, b.length);
            if (n == b.length && p.isAlive()) return new LoopbackLock(p);
            p.destroyForcibly();
            last = new IOException("could not take the lock " + file + " (is flock installed?)");
            Thread.sleep(1000);
        }
        throw last;
    }

    @Override
    public void close() {
        if (holder == null) return;
        try {
            holder.getOutputStream().close(); // cat ends, flock releases
            if (!holder.waitFor(5, TimeUnit.SECONDS)) holder.destroyForcibly();
        } catch (IOException | InterruptedException e) {
            holder.destroyForcibly();
        }
    }

    /**
     * Holds the lock across several trials, about a minute at a time: fewer hand-overs on a busy machine, while
     * others still get their turn between batches.
     */
    public static Batch batch(Path file) {
        return new Batch(file);
    }

    public static final class Batch implements AutoCloseable {
        private static final long HOLD_NANOS = 60_000_000_000L;
        private final Path file;
        private LoopbackLock held;
        private long since;

        private Batch(Path file) {
            this.file = file;
        }

        /** Before a trial: takes the lock, or gives it up and takes it again when it was held long enough. */
        public void hold() throws IOException, InterruptedException {
            if (held != null && System.nanoTime() - since > HOLD_NANOS) close();
            if (held == null) {
                held = acquire(file);
                since = System.nanoTime();
            }
        }

        @Override
        public void close() {
            if (held != null) held.close();
            held = null;
        }
    }
}
