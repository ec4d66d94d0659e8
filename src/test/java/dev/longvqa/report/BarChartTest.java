package dev.longvqa.report;

import dev.longvqa.contract.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Bench charts: bars are as tall as their values say, and the TSV reader keeps empty cells empty. */
class BarChartTest {
    @TempDir
    Path dir;

    /** Pixels of {@code rgb} in the left or right half of the plot. */
    static long count(BufferedImage img, int rgb, boolean left) {
        long n = 0;
        int mid = img.getWidth() / 2;
        for (int y = 0; y < img.getHeight(); y++)
            for (int x = left ? 0 : mid; x < (left ? mid : img.getWidth()); x++) if ((img.getRGB(x, y) & 0xffffff) == rgb) n++;
        return n;
    }

    @Test
    void barAreaIsProportionalToValue() throws Exception {
        Path tsv = dir.resolve("t.tsv"), png = dir.resolve("c.png");
        Files.writeString(tsv, "video\tratio\n1 min\t1.0\n50 min\t3.0\n");
        BenchTool.main(new String[]{"chart", tsv.toString(), png.toString(), "decode time", "× ffmpeg", "1.2", "target 1.2×"});
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(BarChart.W);
        int blue = BarChart.PALETTE[0].getRGB() & 0xffffff;
        long a = count(img, blue, true), b = count(img, blue, false);
        assertThat(a).isGreaterThan(500);
        assertThat((double) b / a).isCloseTo(3.0, within(0.1));
    }

    @Test
    void emptyCellsDrawNoBar() throws Exception {
        Path tsv = dir.resolve("t.tsv");
        Files.writeString(tsv, "video\tours\tffmpeg\nA\t2\t\nB\t\t2\n");
        BarChart c = BenchTool.chart(tsv, "t", "y", null, null);
        assertThat(c.rows().get(0).values()).containsExactly(2.0, null);
        BufferedImage img = c.render();
        int ours = BarChart.PALETTE[0].getRGB() & 0xffffff, ref = BarChart.PALETTE[1].getRGB() & 0xffffff;
        // legend swatches (12x12) sit in the left half; the bars decide the rest
        assertThat(count(img, ours, false)).isZero();
        assertThat(count(img, ref, false)).isGreaterThan(500);
        assertThat(count(img, ours, true)).isGreaterThan(500);
    }

    @Test
    void cutTimesComeFromTheScenesJsonAndAnythingElseFails() throws Exception {
        var doc = new dev.longvqa.contract.ScenesDocument("v.mp4", 30, 30, "uniform:1", "sig", null, java.util.List.of(4.2, 17.0),
                java.util.List.of(), java.util.List.of(), null);
        Path json = dir.resolve("s.json"), bad = dir.resolve("bad.json");
        Json.mapper().writeValue(json.toFile(), doc);
        Files.writeString(bad, "{\"error\": \"NOT_A_VIDEO\"}");
        assertThat(BenchTool.cuts(json)).containsExactly(4.2, 17.0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchTool.cuts(bad)).hasMessageContaining("cutsSec");
    }
}
