package dev.longvqa.contract;

/** LLM tokens one or more passes cost: in GPU task results, the record request and the job row. */
public record Tokens(long prompt, long completion) {
    public static final Tokens NONE = new Tokens(0, 0);

    public Tokens plus(Tokens o) {
        return o == null ? this : new Tokens(prompt + o.prompt, completion + o.completion);
    }
}
