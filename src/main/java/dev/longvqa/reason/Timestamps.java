package dev.longvqa.reason;

import java.util.Locale;

/** Seconds as the prompts print them: "75s", "12.5s" (one decimal at most, like the reference's integers). */
final class Timestamps {
    private Timestamps() {}

    public static String seconds(double sec) {
        double r = Math.round(sec * 10) / 10.0;
        if (r == Math.rint(r)) return (long) r + "s";
        return String.format(Locale.ROOT, "%.1fs", r);
    }

    public static String range(double start, double end) {
        return seconds(start) + " to " + seconds(end);
    }
}
