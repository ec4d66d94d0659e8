package dev.longvqa.reason.backend;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.reason.Completion;
import dev.longvqa.reason.DecodingSettings;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.Part;
import dev.longvqa.reason.Prompt;
import dev.longvqa.video.RgbImage;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bedrock Converse through the SDK-free transport the cloud modules implement. */
class BedrockConverseModelTest {
    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), 2.0);

    static RgbImage red() {
        byte[] px = new byte[4 * 4 * 3];
        for (int i = 0; i < px.length; i += 3) px[i] = (byte) 250;
        return new RgbImage(4, 4, px);
    }

    @Test
    void rendersBlocksInOrderAndReportsUsage() throws Exception {
        List<ConverseTransport.Request> calls = new ArrayList<>();
        LanguageModel m = LanguageModels.fromSpec("bedrock:amazon.nova-pro-v1:0", BackendOptions.builder().retry(FAST).converse(call -> {
            calls.add(call);
            return new ConverseTransport.Reply("A red frame.", 1500, 4, "end_turn");
        }).build());
        Completion c = m.complete(new Prompt("sys", List.of(Part.text("[5s] "), new Part.Image(red()), Part.text("\n"), Part.text("What colour?"))),
                new DecodingSettings(64, 0));
        assertThat(c).isEqualTo(new Completion("A red frame.", "amazon.nova-pro-v1:0", 1500, 4, "end_turn"));
        ConverseTransport.Request call = calls.getFirst();
        assertThat(call.modelId()).isEqualTo("amazon.nova-pro-v1:0");
        assertThat(call.system()).isEqualTo("sys");
        assertThat(call.maxTokens()).isEqualTo(64);
        assertThat(call.content()).hasSize(3);
        assertThat(call.content().get(0)).isEqualTo(new ConverseTransport.TextBlock("[5s] "));
        ConverseTransport.ImageBlock img = (ConverseTransport.ImageBlock) call.content().get(1);
        assertThat(img.format()).isEqualTo("jpeg");
        int rgb = ImageIO.read(new ByteArrayInputStream(img.bytes())).getRGB(1, 1);
        assertThat((rgb >> 16) & 0xff).isGreaterThan(230);
        assertThat(call.content().get(2)).isEqualTo(new ConverseTransport.TextBlock("\nWhat colour?"));
        assertThat(m.capabilities().maxImages()).isEqualTo(20);
    }

    @Test
    void throttlingIsRetriedThenSurfaced() {
        int[] n = {0};
        LanguageModel ok = LanguageModels.fromSpec("bedrock:m", BackendOptions.builder().retry(FAST).converse(call -> {
            if (n[0]++ == 0) throw new ConverseTransport.Fault(ConverseTransport.Fault.Category.THROTTLED, "ThrottlingException", null);
            return new ConverseTransport.Reply("fine", 1, 1, "end_turn");
        }).build());
        assertThat(ok.complete(new Prompt(null, List.of(Part.text("q"))), DecodingSettings.greedy(4)).text()).isEqualTo("fine");
        assertThat(n[0]).isEqualTo(2);

        LanguageModel busy = LanguageModels.fromSpec("bedrock:m", BackendOptions.builder().retry(FAST).converse(call -> {
            throw new ConverseTransport.Fault(ConverseTransport.Fault.Category.THROTTLED, "ThrottlingException", null);
        }).build());
        assertThatThrownBy(() -> busy.complete(new Prompt(null, List.of(Part.text("q"))), DecodingSettings.greedy(4)))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED));

        LanguageModel missing = LanguageModels.fromSpec("bedrock:m", BackendOptions.builder().retry(FAST).converse(call -> {
            throw new ConverseTransport.Fault(ConverseTransport.Fault.Category.UNAVAILABLE, "AccessDeniedException", null);
        }).build());
        assertThatThrownBy(() -> missing.complete(new Prompt(null, List.of(Part.text("q"))), DecodingSettings.greedy(4)))
                .isInstanceOfSatisfying(LongVqaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("AccessDeniedException");
                });
    }
}
