package dev.tandem.cli.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.NonBlockingReader;

/** The demo's two consoles: a terminal redrawn in place with keys, and a plain stream for pipes and scripts. */
public final class Consoles {
    private Consoles() {}

    /** A terminal when there is one, else plain output every {@code plainEvery}. */
    public static LiveDemo.Console open(PrintStream out, Duration plainEvery) throws IOException {
        if (System.console() == null) return new Plain(out, plainEvery);
        Terminal t = TerminalBuilder.builder().system(true).build();
        if ("dumb".equals(t.getType())) {
            t.close();
            return new Plain(out, plainEvery);
        }
        return new Interactive(t);
    }

    /** Keys one at a time, without echo; the table redrawn from the top left. */
    static final class Interactive implements LiveDemo.Console {
        private final Terminal terminal;
        private final Attributes saved;
        private final NonBlockingReader reader;

        Interactive(Terminal terminal) {
            this.terminal = terminal;
            this.saved = terminal.enterRawMode();
            this.reader = terminal.reader();
        }

        @Override
        public int key(Duration wait) throws IOException {
            int c = reader.read(wait.toMillis());
            return c < 0 ? -1 : c;
        }

        @Override
        public void draw(List<String> lines) {
            StringBuilder b = new StringBuilder("\033[H\033[2J");
            for (String l : lines) b.append(l).append("\r\n");
            terminal.writer().print(b);
            terminal.flush();
        }

        @Override
        public void close() {
            terminal.setAttributes(saved);
            terminal.writer().println();
            terminal.flush();
            try {
                terminal.close();
            } catch (IOException e) {
                // the terminal is going away with the process
            }
        }
    }

    /** No keys; the table printed now and then, separated by a blank line. */
    public static final class Plain implements LiveDemo.Console {
        private final PrintStream out;
        private final long everyNanos;
        private long next;

        public Plain(PrintStream out, Duration every) {
            this.out = out;
            this.everyNanos = every.toNanos();
        }

        @Override
        public int key(Duration wait) throws IOException {
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 3;
            }
            return -1;
        }

        @Override
        public void draw(List<String> lines) {
            long now = System.nanoTime();
            if (now < next) return;
            next = now + everyNanos;
            for (String l : lines) out.println(l);
            out.println();
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }
    }
}
