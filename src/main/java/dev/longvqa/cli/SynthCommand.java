package dev.longvqa.cli;

import dev.longvqa.video.synthetic.SyntheticVideo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code longvqa synth OUT}: a video with known cuts, to try the pipeline without one of your own. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a generated video with known shot cuts (moving shapes, pans, zooms, noise, fades).")
final class SynthCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OUT", description = "output file; the extension picks the container (mp4, mkv, webm, avi, mov)")
    Path out;

    @Option(names = "--cuts", descriptionKey = "synth.cuts", description = "number of cuts (default: ${DEFAULT-VALUE})")
    int cuts;

    @Option(names = "--seconds", descriptionKey = "synth.seconds", description = "approximate length (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--seed", descriptionKey = "synth.seed", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String name = out.getFileName().toString();
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "mp4";
        String[] codec = switch (ext) {
            case "webm" -> new String[]{"libvpx", "webm"};
            case "mkv" -> new String[]{"libopenh264", "matroska"};
            case "avi" -> new String[]{"mpeg4", "avi"};
            case "mov" -> new String[]{"mpeg4", "mov"};
            default -> new String[]{"mpeg4", "mp4"};
        };
        SyntheticVideo.Generated g = SyntheticVideo.builder().size(480, 270).fps(25).codec(codec[0], codec[1]).seed(seed)
                .shots(SyntheticVideo.randomShots(cuts, seconds, seed)).build().write(out);
        spec.commandLine().getOut().printf("%s: %.1f s, cuts at %s%n", out, g.durationSec(),
                g.cutsSec().stream().map(c -> String.format(java.util.Locale.ROOT, "%.2f", c)).collect(Collectors.joining(", ")));
        return 0;
    }
}
