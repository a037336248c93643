package dev.tandem.node.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/** A request body read under a cap: past {@code max} bytes it throws the refusal {@code over} makes (a 413). */
final class CappedInputStream extends FilterInputStream {
    private final long max;
    private final Supplier<? extends RuntimeException> over;
    private long read;

    CappedInputStream(InputStream in, long max, Supplier<? extends RuntimeException> over) {
        super(in);
        this.max = max;
        this.over = over;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) count(1);
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) count(n);
        return n;
    }

    private void count(int n) {
        read += n;
        if (read > max) throw over.get();
    }
}
