package dev.longvqa.reason.backend;

/**
 * The text around a single user turn, for backends where the client templates the prompt
 * (vLLM's Completions API applies no chat template to {@code prompt_embeds}).
 *
 * @param prefix        before the user content; {@code %s} is the system prompt
 * @param defaultSystem used when a prompt has none
 * @param suffix        after the user content, ending with the assistant's generation prompt
 */
public record ChatTemplate(String id, String prefix, String defaultSystem, String suffix) {
    /** ChatML as Qwen2 (the TDC reference's LLM) uses it. */
    public static final ChatTemplate CHATML = new ChatTemplate("chatml",
            "<|im_start|>system\n%s<|im_end|>\n<|im_start|>user\n", "You are a helpful assistant.",
            "<|im_end|>\n<|im_start|>assistant\n");

    public String before(String system) {
        return prefix.replace("%s", system == null ? defaultSystem : system);
    }
}
