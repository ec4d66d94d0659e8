package dev.longvqa.video;

import dev.longvqa.video.synthetic.SyntheticVideo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up manifest of FFmpeg's natives ({@link FfmpegNatives}), each case in a fresh JVM (a
 * process loads its natives once): the first run loads through JavaCPP and writes the manifest;
 * the next loads the listed files itself and decodes the same frames; a manifest that no longer
 * matches the files (a size changed, a JNI library not listed, garbage) falls back to JavaCPP,
 * decodes the same, and is rewritten; one whose library cannot be opened falls back too, and is
 * deleted for the next run to write.
 */
class FfmpegNativesTest {
    @TempDir
    static Path dir;
    static Path video;

    @BeforeAll
    static void writeVideo() throws Exception {
        video = SyntheticVideo.builder().size(160, 90).fps(25).shot(SyntheticVideo.ShotType.SHAPES, 3)
                .build().write(dir.resolve("three.mp4")).path();
    }

    /** In a child JVM: load the natives, then sample the video at 1 fps; prints how and what. */
    public static void main(String[] args) {
        FfmpegNatives.LoadedBy how = FfmpegNatives.load();
        if (FfmpegNatives.load() != how) throw new IllegalStateException("loaded twice");
        List<String> frames = new ArrayList<>();
        FrameSampler.builder().fps(1).build().sample(VideoSource.of(Path.of(args[0])),
                f -> frames.add(String.format(java.util.Locale.ROOT, "%.3f:%d", f.timeSec(), java.util.Arrays.hashCode(f.image().pixels()))));
        System.out.println("loaded-by " + how);
        System.out.println("frames " + frames);
    }

    record Run(String loadedBy, String frames, String out) {}

    static Run child(Path manifest) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-D" + FfmpegNatives.MANIFEST_PROPERTY + "=" + manifest,
                "-cp", System.getProperty("java.class.path"), FfmpegNativesTest.class.getName(), video.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        String how = null, frames = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("loaded-by ")) how = line.substring(10).trim();
            if (line.startsWith("frames ")) frames = line.substring(7).trim();
        }
        return new Run(how, frames, out);
    }

    @Test
    void aManifestLoadsTheListedFilesAndAStaleOneFallsBackToJavaCpp() throws Exception {
        Path manifest = dir.resolve("natives/ffmpeg-natives.txt");
        Run first = child(manifest);
        assertThat(first.loadedBy()).as(first.out()).isEqualTo("JAVACPP");
        assertThat(first.frames()).contains("0.000:", "1.000:", "2.000:");
        List<String> written = Files.readAllLines(manifest);
        assertThat(written).as("every JNI library the decoder initialises is listed")
                .allSatisfy(l -> assertThat(Path.of(l.split(" ", 3)[2])).isRegularFile());
        for (String jni : FfmpegNatives.JNI_LIBRARIES) assertThat(written).anyMatch(l -> l.endsWith("/" + jni));

        Run fast = child(manifest);
        assertThat(fast.loadedBy()).as(fast.out()).isEqualTo("MANIFEST");
        assertThat(fast.frames()).as("the same frames, bit for bit").isEqualTo(first.frames());
        assertThat(Files.readAllLines(manifest)).as("left as it was").isEqualTo(written);

        // A file whose size no longer matches (a newer JavaCPP cache, a rebuilt library).
        List<String> stale = new ArrayList<>(written);
        String[] f = stale.get(0).split(" ", 3);
        stale.set(0, (Long.parseLong(f[0]) + 1) + " " + f[1] + " " + f[2]);
        assertFallsBackAndHeals(manifest, stale, first, written);

        // A JNI library not listed: its class would initialise without natives, so JavaCPP loads instead.
        assertFallsBackAndHeals(manifest, written.stream().filter(l -> !l.endsWith("/libjniavformat.so")).toList(), first, written);

        // A listed file that is not a library: it cannot be opened, so nothing is initialised from the manifest.
        Path fake = dir.resolve("libjniavformat.so");
        Files.writeString(fake, "not an ELF file");
        List<String> broken = new ArrayList<>(written.stream().filter(l -> !l.endsWith("/libjniavformat.so")).toList());
        broken.add(Files.size(fake) + " " + Files.getLastModifiedTime(fake).toMillis() + " " + fake);
        Files.write(manifest, broken);
        Run r = child(manifest);
        assertThat(r.loadedBy()).as(r.out()).isEqualTo("JAVACPP");
        assertThat(r.frames()).isEqualTo(first.frames());
        assertThat(manifest).as("deleted: JavaCPP does not list what this run loaded itself; " + r.out() + String.join("\n", Files.exists(manifest) ? Files.readAllLines(manifest) : List.of())).doesNotExist();
        assertThat(child(manifest).loadedBy()).isEqualTo("JAVACPP");
        assertThat(Files.readAllLines(manifest)).isEqualTo(written);
        assertThat(child(manifest).loadedBy()).isEqualTo("MANIFEST");

        // Garbage: ignored, then rewritten.
        assertFallsBackAndHeals(manifest, List.of("this is not a manifest"), first, written);
    }

    @Test
    void aPropertyThatIsNoPathIsIgnored() {
        assertThat(FfmpegNatives.manifestPath(null)).isNull();
        assertThat(FfmpegNatives.manifestPath(" ")).isNull();
        assertThat(FfmpegNatives.manifestPath("bad\u0000path")).isNull();
        assertThat(FfmpegNatives.manifestPath("/tmp/m.txt")).isEqualTo(Path.of("/tmp/m.txt"));
    }

    private static void assertFallsBackAndHeals(Path manifest, List<String> content, Run expected, List<String> healed) throws Exception {
        Files.write(manifest, content);
        Run r = child(manifest);
        assertThat(r.loadedBy()).as(r.out()).isEqualTo("JAVACPP");
        assertThat(r.frames()).isEqualTo(expected.frames());
        assertThat(Files.readAllLines(manifest)).as("rewritten from what JavaCPP loaded").isEqualTo(healed);
        assertThat(child(manifest).loadedBy()).isEqualTo("MANIFEST");
    }
}
