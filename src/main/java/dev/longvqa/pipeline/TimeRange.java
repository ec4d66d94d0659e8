package dev.longvqa.pipeline;

import java.util.ArrayList;
import java.util.List;

/** A half-open span of video time, {@code [startSec, endSec)}, with its position in a plan. */
public record TimeRange(int index, double startSec, double endSec) {
    public TimeRange {
        if (startSec < 0 || !(endSec > startSec)) throw new IllegalArgumentException("bad range " + startSec + ".." + endSec);
    }

    public double durationSec() {
        return endSec - startSec;
    }

    /**
     * Splits {@code [0, durationSec)} into ranges of at most {@code maxRangeSec}, with boundaries on
     * whole seconds so that 1-fps sampling ticks never straddle two ranges. The last range is open
     * to the end ({@code +inf} would not serialise; it ends at {@code durationSec + 1}) because
     * declared durations are often a frame short.
     */
    public static List<TimeRange> split(double durationSec, double maxRangeSec) {
        if (!(maxRangeSec >= 1)) throw new IllegalArgumentException("ranges must be at least 1 s");
        double total = Double.isNaN(durationSec) || durationSec <= 0 ? 1 : durationSec;
        int n = (int) Math.max(1, Math.ceil(total / maxRangeSec));
        double step = Math.ceil(total / n);
        List<TimeRange> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double start = i * step;
            if (start >= total) break;
            boolean last = i == n - 1 || (i + 1) * step >= total;
            out.add(new TimeRange(out.size(), start, last ? Math.floor(total) + 1 : (i + 1) * step));
            if (last) break;
        }
        return List.copyOf(out);
    }

    /** N equal parts of {@code [0, durationSec)}: LVCoT's segments. */
    public static List<TimeRange> equalParts(double durationSec, int n) {
        if (n < 1) throw new IllegalArgumentException("need at least one part");
        List<TimeRange> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(new TimeRange(i, durationSec * i / n, durationSec * (i + 1) / n));
        return List.copyOf(out);
    }
}
