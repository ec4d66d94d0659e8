package dev.longvqa.reason;

import dev.longvqa.video.RgbImage;

import java.util.Objects;

/** One piece of a user message, in order. Backends render what they support (see {@link Capabilities}). */
public sealed interface Part {
    record Text(String text) implements Part {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    record Image(RgbImage image) implements Part {
        public Image {
            Objects.requireNonNull(image, "image");
        }
    }

    record Embeddings(EmbeddingBlock block) implements Part {
        public Embeddings {
            Objects.requireNonNull(block, "block");
        }
    }

    static Part text(String text) {
        return new Text(text);
    }
}
