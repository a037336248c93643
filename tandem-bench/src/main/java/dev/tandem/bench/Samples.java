package dev.tandem.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A set of measurements and the order statistics reported for it. */
public final class Samples {
    private final List<Double> values = new ArrayList<>();

    public void add(double v) {
        values.add(v);
    }

    public int count() {
        return values.size();
    }

    public List<Double> values() {
        return List.copyOf(values);
    }

    public double min() {
        return percentile(0);
    }

    public double median() {
        return percentile(50);
    }

    public double p99() {
        return percentile(99);
    }

    public double max() {
        return percentile(100);
    }

    public double mean() {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Nearest-rank percentile: with fewer than 100 samples p99 is the largest but one or the largest. */
    public double percentile(double p) {
        if (values.isEmpty()) return Double.NaN;
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        if (p <= 0) return sorted.get(0);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
