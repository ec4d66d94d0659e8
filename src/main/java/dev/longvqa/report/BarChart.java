package dev.longvqa.report;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A grouped bar chart as PNG, drawn with Java2D: the benchmarks' figures, so that {@code bench/run}
 * needs nothing beyond the JDK (no gnuplot, no Python). One group per row, one bar per series;
 * an optional dashed reference line (a target ratio, or 1.0 = as fast as the reference).
 */
record BarChart(String title, String yLabel, List<String> series, List<Row> rows, Double reference, String referenceLabel) {
    public static final Color[] PALETTE = {new Color(0x1f5fbf), new Color(0xe07b20), new Color(0x2a9d5b),
            new Color(0x8e44ad), new Color(0xc0392b), new Color(0x7f8c8d)};
    static final int W = 960, H = 460, L = 70, R = 20, T = 44;

    public record Row(String label, List<Double> values) {
        public Row {
            Objects.requireNonNull(label);
            // null = no measurement (a skipped run): drawn as no bar, which List.copyOf would reject
            values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
        }
    }

    public BarChart {
        series = List.copyOf(series);
        rows = List.copyOf(rows);
        for (Row r : rows) {
            if (r.values().size() != series.size()) {
                throw new IllegalArgumentException("row " + r.label() + " has " + r.values().size() + " values for " + series.size() + " series");
            }
        }
    }

    public BufferedImage render() {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        double max = rows.stream().flatMap(r -> r.values().stream()).filter(v -> v != null && Double.isFinite(v))
                .mapToDouble(Double::doubleValue).max().orElse(1);
        if (reference != null) max = Math.max(max, reference);
        double step = niceStep(max * 1.1 / 8), top = Math.ceil(max * 1.1 / step) * step;
        if (top <= 0) top = 1;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int groups = Math.max(1, rows.size()), widest = 0;
        for (Row r : rows) widest = Math.max(widest, g.getFontMetrics().stringWidth(r.label()));
        int pw0 = W - L - R;
        // Group labels wider than their slot are drawn slanted, with room made below the plot.
        boolean slant = widest > pw0 / groups - 6;
        int bottom = slant ? 40 + (int) (widest * Math.sin(Math.PI / 6)) + 14 : 70;
        int pw = pw0, ph = H - T - bottom;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(new Color(0x1d2330));
        g.drawString(title, L, 26);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double v = 0; v <= top + step / 2; v += step) {
            int y = T + ph - (int) Math.round(v / top * ph);
            g.setColor(new Color(0xe1e5ec));
            g.drawLine(L, y, L + pw, y);
            g.setColor(new Color(0x5f6b80));
            String s = fmt(v);
            g.drawString(s, L - 8 - g.getFontMetrics().stringWidth(s), y + 4);
        }
        Graphics2D gy = (Graphics2D) g.create();
        gy.rotate(-Math.PI / 2);
        gy.drawString(yLabel, -(T + ph / 2 + gy.getFontMetrics().stringWidth(yLabel) / 2), 16);
        gy.dispose();
        double gw = pw / (double) groups, bw = Math.min(70, gw * 0.8 / Math.max(1, series.size()));
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            double gx = L + i * gw + (gw - bw * series.size()) / 2;
            for (int s = 0; s < series.size(); s++) {
                Double v = r.values().get(s);
                if (v == null || !Double.isFinite(v)) continue;
                int h = (int) Math.round(v / top * ph);
                int x = (int) Math.round(gx + s * bw);
                g.setColor(PALETTE[s % PALETTE.length]);
                g.fillRect(x, T + ph - h, (int) Math.round(bw) - 2, h);
                g.setColor(new Color(0x1d2330));
                String label = fmt(v);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, bw < 34 ? 9 : 12));
                if (g.getFontMetrics().stringWidth(label) <= bw + 4) { // no value label rather than overlapping ones
                    g.drawString(label, x + (int) (bw - 2 - g.getFontMetrics().stringWidth(label)) / 2, T + ph - h - 4);
                }
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            }
            g.setColor(new Color(0x1d2330));
            int lw = g.getFontMetrics().stringWidth(r.label());
            if (slant) {
                Graphics2D gl = (Graphics2D) g.create();
                gl.translate(L + i * gw + gw / 2 + 4, T + ph + 14);
                gl.rotate(-Math.PI / 6);
                gl.drawString(r.label(), -lw, 0);
                gl.dispose();
            } else {
                g.drawString(r.label(), (int) (L + i * gw + (gw - lw) / 2), T + ph + 18);
            }
        }
        g.setColor(new Color(0x9aa3b2));
        g.drawLine(L, T + ph, L + pw, T + ph);
        if (reference != null) {
            int y = T + ph - (int) Math.round(reference / top * ph);
            g.setColor(new Color(0xd0312d));
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[]{6, 4}, 0));
            g.drawLine(L, y, L + pw, y);
            String label = referenceLabel == null ? fmt(reference) : referenceLabel;
            int tw = g.getFontMetrics().stringWidth(label), tx = L + pw - tw - 6;
            g.setColor(Color.WHITE); // a backing box keeps the label readable over bars
            g.fillRect(tx - 3, y - 18, tw + 6, 15);
            g.setColor(new Color(0xd0312d));
            g.drawString(label, tx, y - 6);
        }
        if (series.size() > 1) { // a one-series chart says what it shows in its title
            int x = L;
            for (int s = 0; s < series.size(); s++) {
                g.setColor(PALETTE[s % PALETTE.length]);
                g.fillRect(x, H - 24, 12, 12);
                g.setColor(new Color(0x1d2330));
                g.drawString(series.get(s), x + 16, H - 14);
                x += 28 + g.getFontMetrics().stringWidth(series.get(s));
            }
        }
        g.dispose();
        return img;
    }

    public void writePng(Path out) throws IOException {
        if (out.toAbsolutePath().getParent() != null) Files.createDirectories(out.toAbsolutePath().getParent());
        ImageIO.write(render(), "png", out.toFile());
    }

    static double niceStep(double raw) {
        if (!(raw > 0)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / p;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    }

    static String fmt(double v) {
        if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (Math.abs(v) >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
