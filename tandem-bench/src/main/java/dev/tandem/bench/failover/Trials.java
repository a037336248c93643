package dev.tandem.bench.failover;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Several independent trials at once, each on its own loopback subnet. They set up side by side, wait for each
 * other ({@link #ready()}), then each fails its cluster at its own random moment: start-up load never overlaps
 * a measurement.
 */
public final class Trials {
    private static final ThreadLocal<CyclicBarrier> BARRIER = new ThreadLocal<>();

    @FunctionalInterface
    interface Trial<T> {
        T run(int index, int subnet) throws Exception;
    }

    private Trials() {}

    static <T> List<T> concurrently(int k, int firstIndex, Trial<T> trial, int firstSubnet) throws Exception {
        if (k == 1) return List.of(trial.run(firstIndex, firstSubnet));
        CyclicBarrier barrier = new CyclicBarrier(k);
        ExecutorService pool = Executors.newFixedThreadPool(k);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                int index = firstIndex + j;
                int subnet = firstSubnet + j;
                futures.add(pool.submit(() -> {
                    BARRIER.set(barrier);
                    try {
                        return trial.run(index, subnet);
                    } catch (Exception e) {
                        barrier.reset(); // the others stop waiting for this one
                        throw e;
                    } finally {
                        BARRIER.remove();
                    }
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    out.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception ex ? ex : e;
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Where in the timer's period trial {@code index} fails its cluster, as a fraction from 0 to 1. SplittableRandom
     * spreads consecutive seeds well; java.util.Random does not (its first double is about 0.73 for every small seed).
     */
    public static double phase(int index) {
        return new java.util.SplittableRandom(0x7A3D_0000L + index).nextDouble();
    }

    /** Called by a trial once its cluster is settled: waits until every concurrent trial is. */
    static void ready() throws InterruptedException {
        CyclicBarrier b = BARRIER.get();
        if (b == null) return;
        try {
            b.await(10, TimeUnit.MINUTES);
        } catch (BrokenBarrierException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("a trial running beside this one failed", e);
        }
    }
}
