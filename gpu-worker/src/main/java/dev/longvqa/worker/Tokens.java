package dev.longvqa.worker;

/** Tokens one or more LLM passes cost; goes into SendTaskSuccess output and the job row. */
public record Tokens(long prompt, long completion) {
    public static final Tokens NONE = new Tokens(0, 0);

    public Tokens plus(Tokens o) {
        return new Tokens(prompt + o.prompt, completion + o.completion);
    }
}
