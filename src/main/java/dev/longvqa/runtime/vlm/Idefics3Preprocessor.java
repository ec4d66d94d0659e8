package dev.longvqa.runtime.vlm;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.runtime.llm.PromptPart;
import dev.longvqa.runtime.vision.ImagePreprocessor;
import dev.longvqa.video.RgbImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * SmolVLM's (Idefics3's) image processor as its {@code preprocessor_config.json} sets it, following
 * transformers' {@code Idefics3ImageProcessor}: resize so the longest edge is
 * {@code size.longest_edge} (aspect kept, the short edge made even), then with
 * {@code do_image_splitting} resize up to multiples of {@code max_image_size.longest_edge} and cut
 * into that many tiles (row-major) plus the whole image squashed to one tile as the global image;
 * without it, one square of that size. Resampling is Pillow's filter {@code resample}
 * (1 = Lanczos) reproduced bit-exactly; pixels then rescaled and normalised with
 * {@code image_mean}/{@code image_std}. {@link #prompt} lays the tiles out as the processor's
 * {@code _prompt_split_image} does.
 */
record Idefics3Preprocessor(boolean doResize, int longestEdge, boolean splitImages, int tileEdge,
                                   ImagePreprocessor.Filter filter, double rescale, float[] mean, float[] std) {
    /** transformers' {@code MAX_IMAGE_SIZE}: no side above it after the first resize. */
    static final int MAX_IMAGE_SIZE = 4096;

    /** The processor's output for one image. */
    public record Processed(int rows, int cols, List<float[]> tiles) {
        /** The global image: always last. */
        public float[] global() {
            return tiles.getLast();
        }
    }

    /** One square of {@code size}, no tiling (what this runtime did before reading the config). */
    public static Idefics3Preprocessor square(int size) {
        return new Idefics3Preprocessor(false, size, false, size, ImagePreprocessor.Filter.LANCZOS, 1 / 255.0,
                new float[]{0.5f, 0.5f, 0.5f}, new float[]{0.5f, 0.5f, 0.5f});
    }

    /** From the checkpoint's {@code preprocessor_config.json}; {@link #square} of {@code imageSize} without one. */
    public static Idefics3Preprocessor fromCheckpoint(Path dir, int imageSize) throws IOException {
        Path p = dir.resolve("preprocessor_config.json");
        if (!Files.isRegularFile(p)) return square(imageSize);
        JsonNode c = Json.mapper().readTree(p.toFile());
        int tile = c.path("max_image_size").path("longest_edge").asInt(imageSize);
        int resample = c.path("resample").asInt(1);
        ImagePreprocessor.Filter filter = switch (resample) {
            case 1 -> ImagePreprocessor.Filter.LANCZOS;
            case 3 -> ImagePreprocessor.Filter.BICUBIC;
            default -> throw new IOException(p + ": resample " + resample + " is not supported (1 Lanczos, 3 bicubic)");
        };
        return new Idefics3Preprocessor(c.path("do_resize").asBoolean(true), c.path("size").path("longest_edge").asInt(4 * tile),
                c.path("do_image_splitting").asBoolean(true), tile, filter, c.path("rescale_factor").asDouble(1 / 255.0),
                floats(c.path("image_mean"), 0.5f), floats(c.path("image_std"), 0.5f));
    }

    private static float[] floats(JsonNode a, float dflt) {
        if (!a.isArray() || a.size() != 3) return new float[]{dflt, dflt, dflt};
        return new float[]{(float) a.get(0).asDouble(), (float) a.get(1).asDouble(), (float) a.get(2).asDouble()};
    }

    /** {width, height} after the first resize ({@code get_resize_output_image_size}). */
    static int[] longestEdgeSize(int width, int height, int maxLen) {
        double aspect = (double) width / height;
        int w, h;
        if (width >= height) {
            w = maxLen;
            h = (int) (w / aspect);
            if (h % 2 != 0) h++;
        } else {
            h = maxLen;
            w = (int) (h * aspect);
            if (w % 2 != 0) w++;
        }
        h = Math.max(h, 1);
        w = Math.max(w, 1);
        // _resize_output_size_scale_below_upper_bound
        aspect = (double) w / h;
        if (w >= h && w > MAX_IMAGE_SIZE) {
            w = MAX_IMAGE_SIZE;
            h = (int) (w / aspect);
        } else if (h > w && h > MAX_IMAGE_SIZE) {
            h = MAX_IMAGE_SIZE;
            w = (int) (h * aspect);
        }
        return new int[]{Math.max(w, 1), Math.max(h, 1)};
    }

    /** {width, height} of {@code resize_for_vision_encoder}: both sides up to multiples of the tile edge. */
    static int[] tileGridSize(int width, int height, int tile) {
        double aspect = (double) width / height;
        int w, h;
        if (width >= height) {
            w = ceilTo(width, tile);
            h = ceilTo((int) (w / aspect), tile);
        } else {
            h = ceilTo(height, tile);
            w = ceilTo((int) (h * aspect), tile);
        }
        return new int[]{w, h};
    }

    private static int ceilTo(int v, int m) {
        return (int) Math.ceil(v / (double) m) * m;
    }

    /** The resampled tiles (row-major, the global image last) before normalisation. */
    public record Tiles(int rows, int cols, List<RgbImage> images) {}

    public Processed process(RgbImage img) {
        Tiles t = tiles(img);
        return new Processed(t.rows(), t.cols(), t.images().stream().map(this::normalise).toList());
    }

    public Tiles tiles(RgbImage img) {
        RgbImage image = img;
        if (doResize) {
            int[] s = longestEdgeSize(image.width(), image.height(), longestEdge);
            image = resized(image, s[0], s[1]);
        }
        if (!splitImages) return new Tiles(0, 0, List.of(resized(image, tileEdge, tileEdge)));
        int[] g = tileGridSize(image.width(), image.height(), tileEdge);
        image = resized(image, g[0], g[1]);
        int width = image.width(), height = image.height();
        List<RgbImage> tiles = new ArrayList<>();
        int rows = 0, cols = 0;
        if (height > tileEdge || width > tileEdge) {
            rows = (int) Math.ceil(height / (double) tileEdge);
            cols = (int) Math.ceil(width / (double) tileEdge);
            int th = (int) Math.ceil(height / (double) rows), tw = (int) Math.ceil(width / (double) cols);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    int x0 = c * tw, y0 = r * th;
                    tiles.add(crop(image, x0, y0, Math.min(x0 + tw, width), Math.min(y0 + th, height)));
                }
            }
            image = resized(image, tileEdge, tileEdge);
        }
        tiles.add(image);
        return new Tiles(rows, cols, List.copyOf(tiles));
    }

    private RgbImage resized(RgbImage img, int w, int h) {
        if (img.width() == w && img.height() == h) return img;
        return new RgbImage(w, h, ImagePreprocessor.resize(img, w, h, filter));
    }

    private static RgbImage crop(RgbImage img, int x0, int y0, int x1, int y1) {
        int w = x1 - x0, h = y1 - y0;
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) System.arraycopy(img.pixels(), ((y0 + y) * img.width() + x0) * 3, out, y * w * 3, w * 3);
        return new RgbImage(w, h, out);
    }

    /** CHW floats, {@code (v * rescale - mean) / std} in float32 like the processor's numpy arrays. */
    float[] normalise(RgbImage img) {
        int w = img.width(), h = img.height();
        float[] out = new float[3 * w * h];
        byte[] px = img.pixels();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < w * h; i++) {
                float v = (float) ((px[i * 3 + c] & 0xff) * rescale);
                out[c * w * h + i] = (v - mean[c]) / std[c];
            }
        }
        return out;
    }

    /**
     * The prompt parts of one processed image ({@code _prompt_split_image}): per tile
     * {@code <fake_token_around_image><row_r_col_c>} + its tokens, a newline after each row, then
     * {@code \n<fake_token_around_image><global-img>} + the global tokens + {@code <fake_token_around_image>};
     * without tiles only the global part, without its leading newline.
     */
    public static List<PromptPart> prompt(Processed p, Function<float[], PromptPart.InputEmbeddings> tokens) {
        List<PromptPart> out = new ArrayList<>();
        if (p.rows() == 0) {
            out.add(PromptPart.text("<fake_token_around_image><global-img>"));
            out.add(tokens.apply(p.global()));
            out.add(PromptPart.text("<fake_token_around_image>"));
            return out;
        }
        StringBuilder text = new StringBuilder();
        int i = 0;
        for (int r = 0; r < p.rows(); r++) {
            for (int c = 0; c < p.cols(); c++) {
                text.append("<fake_token_around_image><row_").append(r + 1).append("_col_").append(c + 1).append('>');
                out.add(PromptPart.text(text.toString()));
                text.setLength(0);
                out.add(tokens.apply(p.tiles().get(i++)));
            }
            text.append('\n');
        }
        text.append("\n<fake_token_around_image><global-img>");
        out.add(PromptPart.text(text.toString()));
        out.add(tokens.apply(p.global()));
        out.add(PromptPart.text("<fake_token_around_image>"));
        return out;
    }
}
