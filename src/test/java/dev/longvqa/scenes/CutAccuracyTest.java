package dev.longvqa.scenes;

import dev.longvqa.pipeline.SceneDetector;
import dev.longvqa.pipeline.ScenesResult;
import dev.longvqa.video.VideoSource;
import dev.longvqa.video.synthetic.SyntheticVideo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** Cut detection against ground truth on generated videos: motion, noise, fades, several codecs. */
class CutAccuracyTest {
    @TempDir
    Path dir;

    private CutScore run(SyntheticVideo.Builder video, String name) {
        SyntheticVideo.Generated g = video.build().write(dir.resolve(name));
        ScenesResult r = SceneDetector.builder().segmenter(SegmenterSettings.DEFAULT.withMaxScenes(64)).build()
                .detect(VideoSource.of(g.path()));
        CutScore s = CutScore.of(g.cutsSec(), r.cutsSec(), 1.0);
        System.out.printf(Locale.ROOT, "%-28s truth=%d found=%d tp=%d fp=%d fn=%d f1=%.3f%n", name, g.cutsSec().size(),
                r.cutsSec().size(), s.truePositives(), s.falsePositives(), s.falseNegatives(), s.f1());
        if (s.f1() < 1) System.out.println("   truth " + g.cutsSec() + "\n   found " + r.cutsSec());
        return s;
    }

    @Test
    void randomShotsAcrossCodecsScoreHighF1() {
        CutScore total = new CutScore(0, 0, 0);
        String[][] codecs = {{"mpeg4", "mp4"}, {"libvpx", "webm"}, {"libopenh264", "mkv"}, {"mpeg4", "avi"}};
        for (int i = 0; i < 4; i++) {
            String[] c = codecs[i % codecs.length];
            List<SyntheticVideo.Shot> shots = SyntheticVideo.randomShots(6 + i * 3, 45 + i * 15, 200 + i);
            total = total.plus(run(SyntheticVideo.builder().codec(c[0], c[1]).size(192, 108).seed(10 + i)
                    .noise(i % 2 == 1 ? 20 : 0).fps(i % 2 == 0 ? 12 : 15).shots(shots), "random" + i + "." + c[1]));
        }
        System.out.printf(Locale.ROOT, "TOTAL f1=%.3f p=%.3f r=%.3f%n", total.f1(), total.precision(), total.recall());
        assertThat(total.f1()).isGreaterThanOrEqualTo(0.9);
    }
}
